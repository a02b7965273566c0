// The explorer's way to change the world: the guarded executor of actions/, bound to the
// audit log and the operator. Injected into the Explorer (like `load`), so component tests
// can pass one that records what it was asked and sends nothing.
import type {Confirmation, GuardContext} from '../actions/assess.js';
import {currentOperator} from '../actions/audit-log.js';
import {executePlan, type ActionPlan} from '../actions/plan.js';
import type {SignalReport} from '../actions/signal.js';
import {
	executeSurvivorCleanup,
	findSurvivors,
	sessionProcesses,
	type SurvivorCleanupReport,
	type SurvivorPlan,
	waitForExit,
} from '../actions/survivors.js';
import {targetFromProcess} from '../actions/target.js';
import type {Endpoint, ProcessRecord, Session} from '../model/types.js';
import {readSnapshot} from '../proc/read-snapshot.js';
import type {Survivor} from './action-state.js';

export type ActionDispatch = {
	readonly context: GuardContext;
	readonly confirmations: readonly Confirmation[];
	/** Where the operator is connected from, for the audit line. */
	readonly operatorPeer: Endpoint | undefined;
};

export type ActionExecutor = {
	/** sshtop's own pid: the guard refuses it. */
	readonly selfPid: number;
	/** One guarded, re-validated, audited signal to every target of the plan. Never throws. */
	readonly execute: (plan: ActionPlan, dispatch: ActionDispatch) => SignalReport;
	/** After ending sessions: waits for their processes to exit, then lists those still running. */
	readonly findSurvivors: (sessions: readonly Session[]) => Promise<Survivor[]>;
	/** SIGTERM to survivors, and SIGKILL after the plan's grace period when asked. */
	readonly cleanUpSurvivors: (plan: SurvivorPlan, dispatch: ActionDispatch) => Promise<SurvivorCleanupReport>;
};

export type ActionExecutorOptions = {
	/** resolveAuditLogPath(--audit-log). */
	readonly auditLogPath: string;
	/** How long a session's processes get to exit before what is left counts as a survivor. */
	readonly exitWaitMs?: number;
	readonly readProcesses?: () => readonly ProcessRecord[];
};

export function createActionExecutor(options: ActionExecutorOptions): ActionExecutor {
	const readProcesses = options.readProcesses ?? (() => readSnapshot().processes);
	const request = (dispatch: ActionDispatch) => ({
		context: dispatch.context,
		confirmations: dispatch.confirmations,
		operator: currentOperator(dispatch.operatorPeer),
		auditLogPath: options.auditLogPath,
	});
	return {
		selfPid: process.pid,
		execute: (plan, dispatch) => executePlan(plan, request(dispatch)),
		async findSurvivors(sessions) {
			const groups = sessions.map(session => ({session, before: sessionProcesses(session)}));
			const watched = groups.flatMap(({session, before}) => before.map(record => targetFromProcess(record, session.peer)));
			const running = await waitForExit(watched, {timeoutMs: options.exitWaitMs ?? 3000});
			if (running.length === 0) {
				return [];
			}

			const after = readProcesses();
			return groups.flatMap(({session, before}) =>
				findSurvivors(before, after).map(record => ({record, target: targetFromProcess(record, session.peer)})));
		},
		cleanUpSurvivors: async (plan, dispatch) => executeSurvivorCleanup(plan, request(dispatch)),
	};
}
