// What an action in the explorer aims at, and the guard's view of it, from the report alone:
// the selected row or the tag set becomes targets and a plan (actions/plan.ts). Pure.
import {endsSessions} from '../../actions/end-sessions.js';
import {findInTree, parentsFirst} from '../report/process-tree.js';
import {
	processId,
	type Endpoint,
	type Leftover,
	type Listener,
	type ProcessId,
	type ProcessNode,
	type ProcessRecord,
	type Session,
	type SessionReport,
} from '../types.js';
import {guardContextFrom, type GuardContext} from './guard.js';
import {planProcessAndDescendants, planSessionAction, planSignal, type ActionPlan, type SessionAction} from './plan.js';
import {type Signal, SIGHUP, SIGKILL, SIGTERM} from './signal-catalogue.js';
import {targetFromProcess} from './target.js';

/**
One tagged or selected row, by identity: a session, a process of a session, a listener, a
process left behind by a logout, or the heading of all of those.
*/
export type RowPick = {
	readonly kind: 'session' | 'process' | 'listener' | 'leftover' | 'leftover-group';
	readonly id: ProcessId;
};

/** What the operator chose in a menu or with a quick key. */
export type ActionChoice =
	| {readonly kind: 'session'; readonly action: SessionAction}
	| {readonly kind: 'process'; readonly signal: Signal; readonly withDescendants: boolean};

export type ChoicePlan =
	| {
			readonly ok: true;
			readonly plan: ActionPlan;
			/** The sessions an ending session action was aimed at: what to check and look for survivors of. */
			readonly endedSessions: readonly Session[];
			/** What the operator should know before saying yes (a choice that orphans a connection). */
			readonly warnings: readonly string[];
	  }
	| {readonly ok: false; readonly message: string};

/**
 * The guard's context from the report. sshtop's ancestors are looked up among the processes
 * the report holds (every session's tree), which are the only processes the explorer offers
 * as targets: an ancestor outside them (a tmux server, a console login) can never be picked.
 */
export function guardContextFromReport(report: SessionReport, selfPid: number): GuardContext {
	const processes: ProcessRecord[] = report.sessions.flatMap(session => parentsFirst(session.tree));
	return guardContextFrom({
		selfPid,
		processes,
		listeners: report.listeners,
		sessions: report.sessions,
		ownSessionId: report.ownSessionId,
	});
}

type Located = {readonly session: Session; readonly node: ProcessNode};

function findNode(root: ProcessNode, id: ProcessId): ProcessNode | undefined {
	const stack = [root];
	while (stack.length > 0) {
		const node = stack.pop()!;
		if (processId(node.process) === id) {
			return node;
		}

		stack.push(...node.children);
	}

	return undefined;
}

export function locateProcess(report: SessionReport, id: ProcessId): Located | undefined {
	for (const session of report.sessions) {
		const node = findNode(session.tree, id);
		if (node !== undefined) {
			return {session, node};
		}
	}

	return undefined;
}

type LocatedLeftover = {readonly leftover: Leftover; readonly node: ProcessNode};

/** A process in the tree of a process left behind by a logout. */
export function locateLeftover(report: SessionReport, id: ProcessId): LocatedLeftover | undefined {
	for (const leftover of report.leftovers ?? []) {
		const node = findNode(leftover.tree, id);
		if (node !== undefined) {
			return {leftover, node};
		}
	}

	return undefined;
}

export function listenerById(report: SessionReport, id: ProcessId): Listener | undefined {
	return report.listeners.find(listener => listener.id === id);
}

/** Whether a pick still names something in the report (tags follow identity across refreshes). */
export function isPickPresent(report: SessionReport, pick: RowPick): boolean {
	switch (pick.kind) {
		case 'session': {
			return sessionById(report, pick.id) !== undefined;
		}

		case 'process': {
			return locateProcess(report, pick.id) !== undefined;
		}

		case 'listener': {
			return listenerById(report, pick.id) !== undefined;
		}

		case 'leftover': {
			return locateLeftover(report, pick.id) !== undefined;
		}

		case 'leftover-group': {
			return (report.leftovers?.length ?? 0) > 0;
		}
	}
}

export function sessionById(report: SessionReport, id: ProcessId): Session | undefined {
	return report.sessions.find(session => session.id === id);
}

/** True when every pick is a session: the session menu applies. */
export function isSessionSet(picks: readonly RowPick[]): boolean {
	return picks.length > 0 && picks.every(pick => pick.kind === 'session');
}

function missing(count: number): string {
	return `${count === 1 ? 'The chosen row has' : `${count} chosen rows have`} gone since the last refresh; nothing was planned for ${count === 1 ? 'it' : 'them'}.`;
}

function sessionPlan(
	report: SessionReport,
	picks: readonly RowPick[],
	action: SessionAction,
	operatorUid: number | undefined,
): ChoicePlan {
	const sessions = picks.flatMap(pick => {
		const session = sessionById(report, pick.id);
		return session === undefined ? [] : [session];
	});
	if (sessions.length === 0) {
		return {ok: false, message: missing(picks.length)};
	}

	const plans: ActionPlan[] = [];
	for (const session of sessions) {
		const planned = planSessionAction(session, action, {operatorUid});
		if (!planned.ok) {
			return {ok: false, message: planned.message};
		}

		plans.push(planned.plan);
	}

	const [first] = plans;
	if (first === undefined) {
		return {ok: false, message: missing(picks.length)};
	}

	const plan: ActionPlan =
		plans.length === 1
			? first
			: {
					...first,
					targets: plans.flatMap(each => each.targets),
					description: `${sessions.length} sessions. ${plans.map(each => each.description).join(' ')}`,
				};
	return {ok: true, plan, endedSessions: endsSessions(first.signal) ? sessions : [], warnings: []};
}

type PickedProcesses = {
	readonly roots: ReadonlyArray<{readonly node: ProcessNode; readonly peer: Endpoint | undefined}>;
	readonly sessions: readonly Session[];
};

/**
The processes a mixed set stands for. A session stands for the processes its signal goes to
(planSessionAction: for SIGKILL its user-side sshd and its monitor, so the connection never
survives orphaned); a listener for itself; the left-behind heading for every process left behind.
*/
function pickedProcesses(
	report: SessionReport,
	picks: readonly RowPick[],
	signal: Signal,
	operatorUid: number | undefined,
): PickedProcesses {
	const roots: Array<{readonly node: ProcessNode; readonly peer: Endpoint | undefined}> = [];
	const sessions: Session[] = [];
	for (const pick of picks) {
		switch (pick.kind) {
			case 'session': {
				const session = sessionById(report, pick.id);
				const planned =
					session === undefined ? undefined : planSessionAction(session, {kind: 'signal', signal}, {operatorUid});
				if (session !== undefined && planned?.ok) {
					sessions.push(session);
					const targetNodes = planned.plan.targets.map(target => findNode(session.tree, processId(target)));
					for (const node of targetNodes.filter(each => each !== undefined)) {
						roots.push({node: {process: node.process, children: []}, peer: session.peer});
					}
				}

				break;
			}

			case 'process': {
				const found = locateProcess(report, pick.id);
				if (found !== undefined) {
					roots.push({node: found.node, peer: found.session.peer});
				}

				break;
			}

			case 'listener': {
				const listener = listenerById(report, pick.id);
				if (listener?.process !== undefined) {
					roots.push({node: {process: listener.process, children: []}, peer: undefined});
				}

				break;
			}

			case 'leftover': {
				const found = locateLeftover(report, pick.id);
				if (found !== undefined) {
					roots.push({node: found.node, peer: found.leftover.peer});
				}

				break;
			}

			case 'leftover-group': {
				for (const leftover of report.leftovers ?? []) {
					roots.push({node: leftover.tree, peer: leftover.peer});
				}

				break;
			}
		}
	}

	return {roots, sessions};
}

/**
SIGKILL to a session's monitor without its user side leaves the connection open, held by the
user side alone: the operator hears so before saying yes.
*/
function orphaningWarnings(report: SessionReport, plan: ActionPlan): string[] {
	if (plan.signal.number !== SIGKILL.number) {
		return [];
	}

	const ids = new Set(plan.targets.map(target => processId(target)));
	return report.sessions.flatMap(session => {
		const monitor = session.monitorPid === undefined ? undefined : findInTree(session.tree, session.monitorPid);
		const userSide = session.userSidePid === undefined ? undefined : findInTree(session.tree, session.userSidePid);
		return monitor !== undefined &&
			userSide !== undefined &&
			ids.has(processId(monitor)) &&
			!ids.has(processId(userSide))
			? [
					`SIGKILL to the monitor ${monitor.pid} alone orphans the connection: its user-side sshd ${userSide.pid} keeps it open. Kill on the session row ends it.`,
				]
			: [];
	});
}

function processPlan(
	report: SessionReport,
	picks: readonly RowPick[],
	signal: Signal,
	withDescendants: boolean,
	operatorUid: number | undefined,
): ChoicePlan {
	const {roots, sessions} = pickedProcesses(report, picks, signal, operatorUid);
	if (roots.length === 0) {
		return {ok: false, message: missing(picks.length)};
	}

	let plan: ActionPlan;
	if (withDescendants || picks.some(pick => pick.kind === 'leftover-group')) {
		const plans = roots.map(({node, peer}) => planProcessAndDescendants(node, signal, peer));
		const [first] = plans;
		plan =
			plans.length === 1 && first !== undefined
				? first
				: {
						action: 'signal-tree',
						signal,
						targets: plans.flatMap(each => each.targets),
						description: plans.map(each => each.description).join(' '),
					};
	} else {
		plan = planSignal(
			roots.map(({node, peer}) => targetFromProcess(node.process, peer)),
			signal,
		);
	}

	// Sessions in a mixed set are ended like sessions: their connections are checked afterwards.
	return {
		ok: true,
		plan,
		endedSessions: endsSessions(signal) ? sessions : [],
		warnings: orphaningWarnings(report, plan),
	};
}

/** Turns a choice on the picked rows into one plan; rows that vanished are left out. */
export function planChoice(
	report: SessionReport,
	picks: readonly RowPick[],
	choice: ActionChoice,
	operatorUid?: number,
): ChoicePlan {
	if (picks.length === 0) {
		return {ok: false, message: 'Nothing is selected.'};
	}

	return choice.kind === 'session' && isSessionSet(picks)
		? sessionPlan(report, picks, choice.action, operatorUid)
		: processPlan(
				report,
				picks,
				choice.kind === 'process' ? choice.signal : signalOfSessionAction(choice.action),
				choice.kind === 'process' && choice.withDescendants,
				operatorUid,
			);
}

/** A session action on a set that is not all sessions: the same signal to each picked process. */
function signalOfSessionAction(action: SessionAction): Signal {
	switch (action.kind) {
		case 'end': {
			return SIGTERM;
		}

		case 'hang-up': {
			return SIGHUP;
		}

		case 'kill': {
			return SIGKILL;
		}

		case 'signal': {
			return action.signal;
		}
	}
}

/** How many processes below a process row: for the menu's "and its N descendants" line. */
export function descendantCount(report: SessionReport, picks: readonly RowPick[]): number {
	let count = 0;
	for (const pick of picks) {
		const found = pick.kind === 'process' ? locateProcess(report, pick.id) : undefined;
		const session = pick.kind === 'session' ? sessionById(report, pick.id) : undefined;
		const node = found?.node ?? session?.tree;
		count += node === undefined ? 0 : parentsFirst(node).length - 1;
	}

	return count;
}

/** The process a pick stands for, for the survivors check and labels. */
export function processOfPick(report: SessionReport, pick: RowPick): ProcessRecord | undefined {
	if (pick.kind === 'session') {
		const session = sessionById(report, pick.id);
		return session === undefined ? undefined : findInTree(session.tree, session.pid);
	}

	return locateProcess(report, pick.id)?.node.process;
}
