// What every view shows of a report: sort(filter(sessions)). The explorer, the plain-text tree
// and `--json` all go through here, so `--filter`/`--sort` mean the same thing everywhere.
import {
	applyFilter,
	createFilterIndex,
	unfiltered,
	type FilterIndex,
	type FilterResult,
} from '../filter/apply-filter.js';
import {parseFilterQuery} from '../filter/query-parser.js';
import {processId, type ProcessId, type ProcessNode, type Session, type SessionReport} from '../types.js';
import {defaultSortKey, sortSessions, type SortKey} from './sort.js';

export type ViewOptions = {
	/** The filter line's text; empty shows everything. */
	readonly query: string;
	readonly sortKey: SortKey;
	readonly reverse: boolean;
	/** CPU% per session (measureCpu(...).bySession), for the CPU sort key. */
	readonly cpuPercentBySessionId?: ReadonlyMap<ProcessId, number>;
	/** The report's search index; by default it is built for this one view. */
	readonly filterIndexOf?: (report: SessionReport) => FilterIndex;
};

export const defaultViewOptions: ViewOptions = {query: '', sortKey: defaultSortKey, reverse: false};

export type SessionView = {
	/** The report with only the sessions shown, in display order; trees pruned to what the filter keeps. */
	readonly report: SessionReport;
	readonly filter: FilterResult;
};

export function viewReport(report: SessionReport, options: ViewOptions): SessionView {
	// The search index is built only once there is something to search: an unfiltered refresh indexes nothing.
	const {terms, hint} = parseFilterQuery(options.query);
	const filter =
		terms.length === 0
			? unfiltered(report, hint)
			: withChains(report, applyFilter((options.filterIndexOf ?? createFilterIndex)(report), options.query));
	const sessions = sortSessions(filter.sessions, {
		key: options.sortKey,
		reverse: options.reverse,
		...(options.cpuPercentBySessionId === undefined ? {} : {cpuPercentBySessionId: options.cpuPercentBySessionId}),
	});
	// While filtering, a listener none of whose sessions match is noise: leave it out.
	const listeners = filter.isFiltering
		? report.listeners.filter(listener => sessions.some(session => session.listenerPid === listener.pid))
		: report.listeners;
	// The filter searches sessions; what outlived its session is listed only when nothing is filtered.
	return {report: {...report, listeners, sessions, ...(filter.isFiltering ? {leftovers: []} : {})}, filter};
}

/**
The sessions `--json` lists: only those the filter keeps, in sort order, each with its whole
process tree (the JSON tree is a contract, not a view).
*/
export function jsonSessions(report: SessionReport, options: ViewOptions): readonly Session[] {
	const {report: shown, filter} = viewReport(report, options);
	const byId = new Map(report.sessions.map(session => [session.id, session]));
	// Sessions shown only to keep a chain readable are not what the filter selected.
	return shown.sessions
		.filter(session => !filter.chainIds?.has(session.id))
		.map(session => byId.get(session.id) ?? session);
}

/**
A filtered view keeps chains readable: a session opened from a client that is shown in full (a
match, or under one) is shown too, and a shown nested session brings the sessions it was opened
from as dimmed context, each pruned to the path down to its ssh client.
*/
function withChains(report: SessionReport, filter: FilterResult): FilterResult {
	if (!filter.isFiltering || !report.sessions.some(session => session.nestedIn !== undefined)) {
		return filter;
	}

	const byId = new Map(report.sessions.map(session => [session.id, session]));
	const shown = new Map(filter.sessions.map(session => [session.id, session]));
	const sessionMarks = new Map(filter.sessionMarks);
	const processMarks = new Map(filter.processMarks);
	const chainIds = new Set<ProcessId>();
	for (let isChanged = true; isChanged;) {
		isChanged = false;
		for (const session of report.sessions) {
			const clientPid = session.nestedClientPid;
			const outerId = session.nestedIn;
			if (clientPid === undefined || outerId === undefined) {
				continue;
			}

			const outer = shown.get(outerId);
			const client = outer === undefined ? undefined : findNode(outer.tree, clientPid);
			const clientMark = client === undefined ? undefined : processMarks.get(processId(client.process));
			if (
				!shown.has(session.id) &&
				(clientMark === 'match' ||
					clientMark === 'descendant' ||
					(outer !== undefined && sessionMarks.get(outerId) === 'match'))
			) {
				shown.set(session.id, session);
				chainIds.add(session.id);
				isChanged = true;
			} else if (shown.has(session.id) && outer === undefined) {
				const whole = byId.get(outerId);
				const path = whole === undefined ? undefined : pathTo(whole.tree, clientPid);
				if (whole !== undefined && path !== undefined) {
					shown.set(outerId, {...whole, tree: path.tree});
					chainIds.add(outerId);
					sessionMarks.set(outerId, 'context');
					markAll(processMarks, path.ids, 'context');

					isChanged = true;
				}
			}
		}
	}

	// In the report's order, as the filter gives them.
	const sessions = report.sessions.flatMap(session => {
		const kept = shown.get(session.id);
		return kept === undefined ? [] : [kept];
	});
	return {...filter, sessions, sessionMarks, processMarks, chainIds};
}

function findNode(root: ProcessNode, pid: number): ProcessNode | undefined {
	const pending = [root];
	for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
		if (node.process.pid === pid) {
			return node;
		}

		pending.push(...node.children);
	}

	return undefined;
}

/** The tree from `root` down to `pid` and nothing else, with the ids along it. */
function pathTo(
	root: ProcessNode,
	pid: number,
): {readonly tree: ProcessNode; readonly ids: readonly ProcessId[]} | undefined {
	const parents = new Map<ProcessNode, ProcessNode>();
	const pending = [root];
	for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
		if (node.process.pid === pid) {
			const chain: ProcessNode[] = [node];
			for (let parent = parents.get(node); parent !== undefined; parent = parents.get(parent)) {
				chain.push(parent);
			}

			let tree: ProcessNode | undefined;
			for (const member of chain) {
				tree = {process: member.process, children: tree === undefined ? [] : [tree]};
			}

			return {tree: tree!, ids: chain.map(member => processId(member.process))};
		}

		for (const child of node.children) {
			parents.set(child, node);
			pending.push(child);
		}
	}

	return undefined;
}

/** Why a `--filter` value cannot be used as given, or undefined when every term was understood. */
export function filterProblem(query: string): string | undefined {
	return parseFilterQuery(query).hint;
}

function markAll<Mark>(marks: Map<ProcessId, Mark>, ids: Iterable<ProcessId>, mark: Mark): void {
	for (const id of ids) {
		marks.set(id, mark);
	}
}
