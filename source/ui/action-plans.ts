// What an action in the explorer aims at, and the guard's view of it, from the report alone:
// the selected row or the tag set becomes targets and a plan (actions/plan.ts). Pure.
import {guardContextFrom, type GuardContext} from '../actions/assess.js';
import {planProcessAndDescendants, planSessionAction, planSignal, type ActionPlan, type SessionAction} from '../actions/plan.js';
import {findInTree, parentsFirst} from '../actions/process-tree.js';
import {type Signal, SIGHUP, SIGKILL, SIGTERM} from '../actions/signals.js';
import {targetFromProcess} from '../actions/target.js';
import {processId, type ProcessId, type ProcessNode, type ProcessRecord, type Session, type SessionReport} from '../model/types.js';

/** One tagged or selected row, by identity. */
export type Pick = {readonly kind: 'session' | 'process'; readonly id: ProcessId};

/** What the operator chose in a menu or with a quick key. */
export type ActionChoice =
	| {readonly kind: 'session'; readonly action: SessionAction}
	| {readonly kind: 'process'; readonly signal: Signal; readonly withDescendants: boolean};

export type ChoicePlan =
	| {
		readonly ok: true;
		readonly plan: ActionPlan;
		/** The sessions an ending session action was aimed at: what to look for survivors of. */
		readonly endedSessions: readonly Session[];
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

export function sessionById(report: SessionReport, id: ProcessId): Session | undefined {
	return report.sessions.find(session => session.id === id);
}

/** True when every pick is a session: the session menu applies. */
export function isSessionSet(picks: readonly Pick[]): boolean {
	return picks.length > 0 && picks.every(pick => pick.kind === 'session');
}

function missing(count: number): string {
	return `${count === 1 ? 'The chosen row has' : `${count} chosen rows have`} gone since the last refresh; nothing was planned for ${count === 1 ? 'it' : 'them'}.`;
}

function sessionPlan(report: SessionReport, picks: readonly Pick[], action: SessionAction): ChoicePlan {
	const sessions = picks.flatMap(pick => {
		const session = sessionById(report, pick.id);
		return session === undefined ? [] : [session];
	});
	if (sessions.length === 0) {
		return {ok: false, message: missing(picks.length)};
	}

	const plans: ActionPlan[] = [];
	for (const session of sessions) {
		const planned = planSessionAction(session, action);
		if (!planned.ok) {
			return {ok: false, message: planned.message};
		}

		plans.push(planned.plan);
	}

	const [first] = plans;
	if (first === undefined) {
		return {ok: false, message: missing(picks.length)};
	}

	const ends = action.kind === 'end' || action.kind === 'hang-up' || action.kind === 'kill';
	const plan: ActionPlan = plans.length === 1
		? first
		: {
			...first,
			targets: plans.flatMap(each => each.targets),
			description: `${sessions.length} sessions. ${plans.map(each => each.description).join(' ')}`,
		};
	return {ok: true, plan, endedSessions: ends ? sessions : []};
}

function processPlan(report: SessionReport, picks: readonly Pick[], signal: Signal, withDescendants: boolean): ChoicePlan {
	// A session in a mixed tag set stands for its top sshd, the process a session signal goes to.
	const located = picks.flatMap(pick => {
		if (pick.kind === 'session') {
			const session = sessionById(report, pick.id);
			return session === undefined ? [] : [{session, node: session.tree}];
		}

		const found = locateProcess(report, pick.id);
		return found === undefined ? [] : [found];
	});
	if (located.length === 0) {
		return {ok: false, message: missing(picks.length)};
	}

	if (withDescendants) {
		const plans = located.map(({session, node}) => planProcessAndDescendants(node, signal, session.peer));
		const [first] = plans;
		if (plans.length === 1 && first !== undefined) {
			return {ok: true, plan: first, endedSessions: []};
		}

		return {
			ok: true,
			plan: {
				action: 'signal-tree',
				signal,
				targets: plans.flatMap(each => each.targets),
				description: plans.map(each => each.description).join(' '),
			},
			endedSessions: [],
		};
	}

	const targets = located.map(({session, node}) => targetFromProcess(node.process, session.peer));
	return {ok: true, plan: planSignal(targets, signal), endedSessions: []};
}

/** Turns a choice on the picked rows into one plan; rows that vanished are left out. */
export function planChoice(report: SessionReport, picks: readonly Pick[], choice: ActionChoice): ChoicePlan {
	if (picks.length === 0) {
		return {ok: false, message: 'Nothing is selected.'};
	}

	return choice.kind === 'session' && isSessionSet(picks)
		? sessionPlan(report, picks, choice.action)
		: processPlan(report, picks, choice.kind === 'process' ? choice.signal : signalOfSessionAction(choice.action), choice.kind === 'process' && choice.withDescendants);
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
export function descendantCount(report: SessionReport, picks: readonly Pick[]): number {
	return picks.reduce((total, pick) => {
		const found = pick.kind === 'process' ? locateProcess(report, pick.id) : undefined;
		const session = pick.kind === 'session' ? sessionById(report, pick.id) : undefined;
		const node = found?.node ?? session?.tree;
		return total + (node === undefined ? 0 : parentsFirst(node).length - 1);
	}, 0);
}

/** The process a pick stands for, for the survivors check and labels. */
export function processOfPick(report: SessionReport, pick: Pick): ProcessRecord | undefined {
	if (pick.kind === 'session') {
		const session = sessionById(report, pick.id);
		return session === undefined ? undefined : findInTree(session.tree, session.pid);
	}

	return locateProcess(report, pick.id)?.node.process;
}
