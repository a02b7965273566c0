// The explorer's way to change the world: the guarded executor of actions/, bound to the
// audit log and the operator. Injected into the Explorer (like `load`), so component tests
// can pass one that records what it was asked and sends nothing.
import type {Confirmation, GuardContext} from '../model/guard/guard.js';
import {currentOperator} from '../actions/audit-log.js';
import {findSessionSurvivors, signalSessions, type SessionsSignalled, type Survivor} from '../actions/end-sessions.js';
import type {ActionPlan} from '../model/guard/plan.js';
import {executePlan, type SignalReport} from '../actions/send-signal.js';
import {executeSurvivorCleanup, type SurvivorCleanupReport} from '../actions/survivors.js';
import {type SurvivorPlan} from '../model/guard/survivor-plan.js';
import type {Endpoint, ProcessRecord, Session} from '../model/types.js';
import {readSnapshot} from '../proc/read-snapshot.js';

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
	/** As execute, for a plan that acts on sessions: then checks that each connection is gone. */
	readonly signalSessions: (plan: ActionPlan, sessions: readonly Session[], dispatch: ActionDispatch) => Promise<SessionsSignalled>;
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
	/** How long an ended session's connection gets to close before it is reported still connected. */
	readonly connectionCheckMs?: number;
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
		signalSessions: async (plan, sessions, dispatch) => signalSessions(plan, sessions, request(dispatch), {checkTimeoutMs: options.connectionCheckMs ?? 3000}),
		findSurvivors: async sessions => findSessionSurvivors(sessions, {waitMs: options.exitWaitMs ?? 3000, readProcesses}),
		cleanUpSurvivors: async (plan, dispatch) => executeSurvivorCleanup(plan, request(dispatch)),
	};
}
