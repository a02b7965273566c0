// The one way sessions are ended, for the explorer and for reap: signal, check that each
// connection is really gone, find what outlived the sessions, and (when asked) SIGKILL it.
import {processId, type ProcessRecord, type Session} from '../model/types.js';
import {awaitConnectionsClosed, type ConnectionCheck, type ConnectionProbe} from './connection-check.js';
import type {ActionPlan} from '../model/guard/plan.js';
import {executeSignal, type SignalReport, type SignalRequest, type TargetResult} from './send-signal.js';
import {isEndingSignal, type Signal, SIGKILL} from '../model/guard/signal-catalogue.js';
import {waitForExit} from './survivors.js';
import {findSurvivors, sessionProcesses} from '../model/guard/survivor-plan.js';
import {type ActionTarget, targetFromProcess} from '../model/guard/target.js';

export type Dispatch = Omit<SignalRequest, 'targets' | 'signal' | 'action'>;

/** Ending signals and KILL are expected to end a session: after them its connection must be gone. */
export function endsSessions(signal: Signal): boolean {
	return isEndingSignal(signal) || signal.number === SIGKILL.number;
}

export type SessionsSignalled = {
	readonly report: SignalReport;
	/** One per session a signal reached, when the signal ends sessions. */
	readonly checks: readonly ConnectionCheck[];
};

/** Whether a result says the signal went out (whatever the process then did with it). */
export function reached(result: TargetResult): boolean {
	return result.kind === 'sent' || result.kind === 'ignored';
}

function belongsTo(target: ActionTarget, session: Session): boolean {
	return sessionProcesses(session).some(process => processId(process) === processId(target));
}

/**
Sends the plan (guarded, re-validated, audited), then, for a signal meant to end sessions,
waits up to `checkTimeoutMs` for the connection of every session a signal reached to close.
*/
export async function signalSessions(
	plan: ActionPlan,
	sessions: readonly Session[],
	dispatch: Dispatch,
	options: {readonly checkTimeoutMs: number; readonly probe?: ConnectionProbe},
): Promise<SessionsSignalled> {
	const report = executeSignal({...dispatch, targets: plan.targets, signal: plan.signal, action: plan.action});
	if (!endsSessions(plan.signal)) {
		return {report, checks: []};
	}

	const signalled = sessions.filter(session => report.results.some(result => reached(result) && belongsTo(result.target, session)));
	const checks = signalled.length === 0
		? []
		: await awaitConnectionsClosed(signalled, {timeoutMs: options.checkTimeoutMs, ...(options.probe === undefined ? {} : {probe: options.probe})});
	return {report, checks};
}

/** A process that outlived an ended session: its record as read after, and its target. */
export type Survivor = {readonly record: ProcessRecord; readonly target: ActionTarget; readonly sessionId: string};

/**
Waits up to `waitMs` for the sessions' processes to exit, then lists those still running
(programs that ignored SIGHUP, nohup'd jobs, a session's own sshd that did not go).
*/
export async function findSessionSurvivors(
	sessions: readonly Session[],
	options: {readonly waitMs: number; readonly readProcesses: () => readonly ProcessRecord[]},
): Promise<Survivor[]> {
	const groups = sessions.map(session => ({session, before: sessionProcesses(session)}));
	const watched = groups.flatMap(({session, before}) => before.map(record => targetFromProcess(record, session.peer)));
	const running = await waitForExit(watched, {timeoutMs: options.waitMs});
	if (running.length === 0) {
		return [];
	}

	const after = options.readProcesses();
	return groups.flatMap(({session, before}) =>
		findSurvivors(before, after).map(record => ({record, target: targetFromProcess(record, session.peer), sessionId: session.id})));
}

/** SIGKILL to survivors, guarded and audited like every signal. */
export function killSurvivors(survivors: readonly Survivor[], dispatch: Dispatch): SignalReport {
	return executeSignal({...dispatch, targets: survivors.map(survivor => survivor.target), signal: SIGKILL, action: 'kill-survivors'});
}
