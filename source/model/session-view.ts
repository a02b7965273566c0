// What every view shows of a report: sort(filter(sessions)). The explorer, the plain-text tree
// and `--json` all go through here, so `--filter`/`--sort` mean the same thing everywhere.
import {applyFilter, createFilterIndex, unfiltered, type FilterIndex, type FilterResult} from './filter.js';
import {parseFilterQuery} from './filter-query.js';
import {defaultSortKey, sortKeys, sortSessions, type SortKey} from './sort.js';
import type {ProcessId, Session, SessionReport} from './types.js';

export type ViewOptions = {
	/** The filter line's text; empty shows everything. */
	readonly query: string;
	readonly sortKey: SortKey;
	readonly reverse: boolean;
	/** CPU% per session (measureCpu(...).bySession), for the CPU sort key. */
	readonly cpuPercentBySessionId?: ReadonlyMap<ProcessId, number>;
};

export const defaultViewOptions: ViewOptions = {query: '', sortKey: defaultSortKey, reverse: false};

export type SessionView = {
	/** The report with only the sessions shown, in display order; trees pruned to what the filter keeps. */
	readonly report: SessionReport;
	readonly filter: FilterResult;
};

// One search index per report, however many keystrokes: a report is immutable, so its index never goes stale.
const indexByReport = new WeakMap<SessionReport, FilterIndex>();

export function filterIndexOf(report: SessionReport): FilterIndex {
	let index = indexByReport.get(report);
	if (index === undefined) {
		index = createFilterIndex(report);
		indexByReport.set(report, index);
	}

	return index;
}

export function viewReport(report: SessionReport, options: ViewOptions): SessionView {
	// The search index is built only once there is something to search: an unfiltered refresh of 500 sessions does not index 1,000 processes.
	const {terms, hint} = parseFilterQuery(options.query);
	const filter = terms.length === 0 ? unfiltered(report, hint) : applyFilter(filterIndexOf(report), options.query);
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
	const {report: shown} = viewReport(report, options);
	const byId = new Map(report.sessions.map(session => [session.id, session]));
	return shown.sessions.map(session => byId.get(session.id) ?? session);
}

export function isSortKey(value: string): value is SortKey {
	return (sortKeys as readonly string[]).includes(value);
}

/** Why a `--filter` value cannot be used as given, or undefined when every term was understood. */
export function filterProblem(query: string): string | undefined {
	return parseFilterQuery(query).hint;
}
