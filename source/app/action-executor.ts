// The explorer's way to change the world: the guarded executor of actions/, bound to the
// audit log and the operator. Injected into the Explorer (like `load`), so component tests
// can pass one that records what it was asked and sends nothing.
import process from 'node:process';
import {currentOperator} from '../actions/audit-log.js';
import type {SystemLog} from '../actions/system-log.js';
import {endSessions} from '../actions/end-sessions.js';
import {executePlan} from '../actions/send-signal.js';
import {cleanUpSurvivors} from '../actions/survivors.js';
import type {ProcessRecord} from '../model/types.js';
import {readSnapshot} from '../proc/read-snapshot.js';
import type {ActionDispatch, ActionExecutor} from '../ui/hooks/use-actions.js';

export type ActionExecutorOptions = {
	/** ResolveAuditLogPath(--audit-log). */
	readonly auditLogPath: string;
	/** Where each action's system log lines go; undefined with --no-syslog. */
	readonly systemLog?: SystemLog | undefined;
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
		systemLog: options.systemLog,
	});
	return {
		selfPid: process.pid,
		execute: (plan, dispatch) => executePlan(plan, request(dispatch)),
		endSessions: async (plan, sessions, dispatch, onChecked) =>
			endSessions({
				groups: [plan.targets],
				sessions,
				signal: plan.signal,
				action: plan.action,
				dispatch: request(dispatch),
				connectionCheckMs: options.connectionCheckMs ?? 3000,
				graceMs: options.exitWaitMs ?? 3000,
				// The operator decides what becomes of survivors, in a dialog of their own.
				survivors: 'list',
				readProcesses,
				onChecked,
			}),
		cleanUpSurvivors: async (plan, dispatch) => cleanUpSurvivors(plan, request(dispatch)),
	};
}
