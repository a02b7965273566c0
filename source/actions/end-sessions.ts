// The one way sessions are ended, for the explorer and for reap: signal, check that each
// connection is really gone, find what outlived the sessions after a grace period, and either
// list it (the explorer's operator decides) or SIGKILL it and check the connections again (reap).
import {reached, type SessionsEnded, type SessionsSignalled, type Survivor} from '../model/guard/results.js';
import {isEndingSignal, SIGKILL, type Signal} from '../model/guard/signal-catalogue.js';
import {findSurvivors, sessionProcesses} from '../model/guard/survivor-plan.js';
import {targetFromProcess, type ActionName, type ActionTarget} from '../model/guard/target.js';
import {processId, type ProcessRecord, type Session} from '../model/types.js';
import {awaitConnectionsClosed, type ConnectionProbe} from './connection-check.js';
import {executeSignal} from './send-signal.js';
import {killTargets, waitForExit, type Dispatch} from './survivors.js';

export type {Dispatch} from './survivors.js';

/** Ending signals and KILL are expected to end a session: after them its connection must be gone. */
export function endsSessions(signal: Signal): boolean {
	return isEndingSignal(signal) || signal.number === SIGKILL.number;
}

export type EndSessionsRequest = {
	/**
	The targets, in groups: each group is one guarded, audited signal (the explorer sends its plan
	as one, reap one per session).
	*/
	readonly groups: ReadonlyArray<readonly ActionTarget[]>;
	/** The sessions the groups' targets belong to. */
	readonly sessions: readonly Session[];
	readonly signal: Signal;
	readonly action: ActionName;
	readonly dispatch: Dispatch;
	/** How long each connection gets to close before it counts as still connected. */
	readonly connectionCheckMs: number;
	/** How long the sessions' processes get to exit before what is left counts as a survivor. */
	readonly graceMs: number;
	/** What becomes of survivors: listed for the operator, or sent SIGKILL. */
	readonly survivors: 'list' | 'kill';
	/** The process table after the grace period. */
	readonly readProcesses: () => readonly ProcessRecord[];
	readonly probe?: ConnectionProbe;
	/** Told once the signal went out and the connections were checked, before the grace period. */
	readonly onChecked?: (checked: SessionsSignalled) => void;
};

export async function endSessions(request: EndSessionsRequest): Promise<SessionsEnded> {
	const {signal, action, dispatch} = request;
	const reports = request.groups.map(targets => executeSignal({...dispatch, targets, signal, action}));
	if (!endsSessions(signal)) {
		const checked = {reports, checks: []};
		request.onChecked?.(checked);
		return {...checked, survivors: [], kill: undefined, survivorProblem: undefined};
	}

	const results = reports.flatMap(report => report.results);
	const signalled = request.sessions.filter(session =>
		results.some(result => reached(result) && belongsTo(result.target, session)),
	);
	const probe = request.probe === undefined ? {} : {probe: request.probe};
	let checks =
		signalled.length === 0
			? []
			: await awaitConnectionsClosed(signalled, {timeoutMs: request.connectionCheckMs, ...probe});
	request.onChecked?.({reports, checks});

	let survivors: Survivor[] = [];
	let survivorProblem: string | undefined;
	try {
		survivors = await findSessionSurvivors(signalled, request.graceMs, request.readProcesses);
	} catch (error) {
		survivorProblem = `could not read the processes after the grace period: ${error instanceof Error ? error.message : String(error)}`;
	}

	if (request.survivors === 'list') {
		return {reports, checks, survivors, kill: undefined, survivorProblem};
	}

	const kill =
		survivors.length === 0
			? undefined
			: killTargets(
					survivors.map(survivor => survivor.target),
					dispatch,
				);
	// A connection still open after the grace period (and the survivors' SIGKILL) is looked at once more:
	// on a busy box it may only have been slow to close, or a survivor kept it open.
	const stillConnected = new Set(
		checks.filter(check => check.outcome === 'still-connected').map(check => check.sessionId),
	);
	if (stillConnected.size > 0) {
		const again = await awaitConnectionsClosed(
			signalled.filter(session => stillConnected.has(session.id)),
			{timeoutMs: request.connectionCheckMs, ...probe},
		);
		checks = checks.map(check => again.find(recheck => recheck.sessionId === check.sessionId) ?? check);
	}

	return {reports, checks, survivors, kill, survivorProblem};
}

function belongsTo(target: ActionTarget, session: Session): boolean {
	return sessionProcesses(session).some(process => processId(process) === processId(target));
}

/**
Waits up to `waitMs` for the sessions' processes to exit, then lists those still running
(programs that ignored SIGHUP, nohup'd jobs, a session's own sshd that did not go).
*/
async function findSessionSurvivors(
	sessions: readonly Session[],
	waitMs: number,
	readProcesses: () => readonly ProcessRecord[],
): Promise<Survivor[]> {
	const groups = sessions.map(session => ({session, before: sessionProcesses(session)}));
	const watched = groups.flatMap(({session, before}) => before.map(record => targetFromProcess(record, session.peer)));
	const running = await waitForExit(watched, {timeoutMs: waitMs});
	if (running.length === 0) {
		return [];
	}

	const after = readProcesses();
	return groups.flatMap(({session, before}) =>
		findSurvivors(before, after).map(record => ({
			record,
			target: targetFromProcess(record, session.peer),
			sessionId: session.id,
		})),
	);
}
