// The search line (htop's `/`): typing moves the cursor to the next row that matches, opening
// collapsed rows on the way and hiding nothing; n and N go on from there.
import {countMatches, createRowMatcher, findMatch} from '../../model/view/row-search.js';
import type {Expansion, RowList} from '../../model/view/rows.js';
import type {ProcessId} from '../../model/types.js';
import {moveTo} from './tree-viewport.js';
import {isFiltering, selectRows} from './view.js';
import type {ExplorerState} from './types.js';

const everythingOpen: Expansion = {policy: 'all', overrides: new Map()};

/** Every row the search can reach: the rows in view with everything expanded. */
function reachableRows(state: ExplorerState): RowList {
	return selectRows({...state, expansion: everythingOpen, filterExpansion: everythingOpen});
}

/** Opens the rows above `id`, in whichever expansion is in force, so it is on screen. */
function withAncestorsOpen(state: ExplorerState, reachable: RowList, id: ProcessId): ExplorerState {
	const key = isFiltering(state) ? 'filterExpansion' : 'expansion';
	const expansion = state[key];
	const overrides = new Map(expansion.overrides);
	let parentId = reachable.rows[reachable.indexById.get(id) ?? -1]?.parentId;
	while (parentId !== undefined) {
		overrides.set(parentId, true);
		parentId = reachable.rows[reachable.indexById.get(parentId) ?? -1]?.parentId;
	}

	return {...state, [key]: {...expansion, overrides}};
}

/**
Moves the cursor to the next match after row `from` of the reachable rows (before it, for -1),
wrapping around. Without a match the cursor stays and the footer says so.
*/
function jump(
	state: ExplorerState,
	fromId: ProcessId | undefined,
	direction: 1 | -1,
	isInclusive: boolean,
): ExplorerState {
	if (state.report === undefined) {
		return state;
	}

	const reachable = reachableRows(state);
	const matches = createRowMatcher(state.searchQuery, state.report);
	const fromIndex = fromId === undefined ? -1 : (reachable.indexById.get(fromId) ?? -1);
	const start = isInclusive && fromIndex >= 0 ? fromIndex - direction : fromIndex;
	const found = findMatch(reachable, start, direction, matches);
	const counted = {...state, searchMatchCount: countMatches(reachable, matches)};
	if (found === undefined) {
		return counted;
	}

	const {id} = reachable.rows[found]!;
	const opened = withAncestorsOpen(counted, reachable, id);
	const list = selectRows(opened);
	return moveTo(opened, list, list.indexById.get(id) ?? 0);
}

export function openSearch(state: ExplorerState): ExplorerState {
	return {
		...state,
		isSearchOpen: true,
		isFilterOpen: false,
		searchQuery: '',
		searchMatchCount: undefined,
		searchOrigin: state.selection,
	};
}

/** Typing searches from where the line was opened, that row first. */
export function setSearchQuery(state: ExplorerState, searchQuery: string): ExplorerState {
	const next = {...state, searchQuery};
	if (searchQuery.trim() === '') {
		return {...next, searchMatchCount: undefined};
	}

	return jump(next, state.searchOrigin?.id, 1, true);
}

export function deleteSearchCharacter(state: ExplorerState): ExplorerState {
	return setSearchQuery(state, [...state.searchQuery].slice(0, -1).join(''));
}

export function acceptSearch(state: ExplorerState): ExplorerState {
	return {...state, isSearchOpen: false};
}

/** Esc: back to the row the search started from, the query forgotten. */
export function cancelSearch(state: ExplorerState): ExplorerState {
	const closed = {...state, isSearchOpen: false, searchQuery: '', searchMatchCount: undefined};
	const origin = state.searchOrigin;
	const list = selectRows(closed);
	const index = origin === undefined ? undefined : list.indexById.get(origin.id);
	return index === undefined ? closed : moveTo(closed, list, index);
}

export function searchAgain(state: ExplorerState, direction: 1 | -1): ExplorerState {
	return state.searchQuery.trim() === '' ? state : jump(state, state.selection?.id, direction, false);
}
