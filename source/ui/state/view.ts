// The rows a state shows: sort(filter(report)) flattened under the expansion in force, derived once
// per change of what they are made of and kept in the explorer's render cache.
import {createFilterIndex, type FilterIndex} from '../../model/filter/apply-filter.js';
import {flattenReport, type RowList} from '../../model/view/rows.js';
import {viewReport} from '../../model/view/session-view.js';
import type {SessionReport} from '../../model/types.js';
import type {ExplorerView, RenderCache, ViewInput} from './render-cache.js';
import type {ExplorerState} from './types.js';

export type {ExplorerView} from './render-cache.js';

const noRows: RowList = {rows: [], indexById: new Map()};

/**
The rows are made of a report's listeners, sessions and left-behind processes only, and a
refresh in which nothing happened keeps those arrays (model/report/build-report.ts): its rows are the last
ones. A filter is matched against the report itself (its idle terms against the report's time).
*/
function hasSameRows(a: SessionReport | undefined, b: SessionReport | undefined, filterQuery: string): boolean {
	if (a === b) {
		return true;
	}

	if (a === undefined || b === undefined || filterQuery !== '') {
		return false;
	}

	return a.sessions === b.sessions && a.listeners === b.listeners && a.leftovers === b.leftovers;
}

function sameViewInput(a: ViewInput, b: ViewInput): boolean {
	return (
		a.filterQuery === b.filterQuery &&
		hasSameRows(a.report, b.report, a.filterQuery) &&
		a.expansion === b.expansion &&
		a.filterExpansion === b.filterExpansion &&
		a.sortKey === b.sortKey &&
		a.isSortReversed === b.isSortReversed &&
		// CPU figures only move the rows when sorting by CPU.
		(a.usage === b.usage || a.sortKey !== 'cpu')
	);
}

/**
The visible rows of a state: sort(filter(report)) flattened under the expansion in force.
Memoised on its inputs: one derivation per change, shared by reducer and view; the filter's
search index is built once per report (indexOf), so a keystroke only scans it.
*/
export function selectView(state: ViewInput & Pick<ExplorerState, 'renderCache'>): ExplorerView {
	if (state.report === undefined) {
		return {list: noRows, filter: undefined};
	}

	const cache = state.renderCache;
	const cached = cache.views.find(entry => sameViewInput(entry.input, state));
	if (cached !== undefined) {
		return cached.view;
	}

	const {report, filter} = viewReport(state.report, {
		query: state.filterQuery,
		sortKey: state.sortKey,
		reverse: state.isSortReversed,
		cpuPercentBySessionId: state.usage.bySession,
		filterIndexOf: report => indexOf(report, cache),
	});
	const view = {list: flattenReport(report, filter.isFiltering ? state.filterExpansion : state.expansion), filter};
	const input: ViewInput = {
		report: state.report,
		usage: state.usage,
		expansion: state.expansion,
		filterQuery: state.filterQuery,
		filterExpansion: state.filterExpansion,
		sortKey: state.sortKey,
		isSortReversed: state.isSortReversed,
	};
	// The last two derivations: a refresh compares the state on screen with the one it would make.
	cache.views = [{input, view}, ...cache.views.slice(0, 1)];
	return view;
}

/** One search index per report, however many keystrokes filter it: a report never changes. */
function indexOf(report: SessionReport, cache: RenderCache): FilterIndex {
	let index = cache.filterIndexes.get(report);
	if (index === undefined) {
		index = createFilterIndex(report);
		cache.filterIndexes.set(report, index);
	}

	return index;
}

/** The visible rows of a state (see selectView). */
export function selectRows(state: ViewInput & Pick<ExplorerState, 'renderCache'>): RowList {
	return selectView(state).list;
}

/** Whether a filter is narrowing the rows now (a query of only malformed qualifiers is not). */
export function isFiltering(state: ViewInput & Pick<ExplorerState, 'renderCache'>): boolean {
	return selectView(state).filter?.isFiltering ?? false;
}
