// What each command of the key table does to the state: the tree's moves, the filter line, the
// sort, help and pause here; action keys go to action-state.ts with the row under the cursor.
import type {RowPick} from '../../model/guard/row-plans.js';
import type {TreeRow} from '../../model/view/rows.js';
import {nextSortKey, previousSortKey} from '../../model/view/sort.js';
import type {ExplorerCommand} from '../keys/keymap.js';
import {isActionCommand, runActionCommand, type ActionCommand} from './action-state.js';
import {setFilterQuery} from './filter-line.js';
import {changeSetup, moveSetupCursor} from './setup.js';
import {
	acceptSearch,
	cancelSearch,
	deleteSearchCharacter,
	openSearch,
	searchAgain,
	setSearchQuery,
} from './search-line.js';
import {moveTo, selectedIndex, setExpanded, withActiveExpansion, withView} from './tree-viewport.js';
import {isFiltering, selectRows} from './view.js';
import type {ExplorerState} from './types.js';

function pickOf(row: TreeRow | undefined): RowPick | undefined {
	switch (row?.kind) {
		case 'session': {
			return {kind: 'session', id: row.session.id};
		}

		case 'process':
		case 'listener':
		case 'leftover':
		case 'leftover-group': {
			return {kind: row.kind, id: row.id};
		}

		case undefined: {
			return undefined;
		}
	}
}

/** Action keys go to action-state.ts with the row under the cursor; tagging then moves down, as in htop. */
function runAction(state: ExplorerState, command: ActionCommand): ExplorerState {
	const list = selectRows(state);
	const index = selectedIndex(state, list);
	const row = index === undefined ? undefined : list.rows[index];
	const next = {...state, actions: runActionCommand(state.actions, command, state.report, pickOf(row))};
	return command === 'toggle-tag' && index !== undefined ? moveTo(next, list, index + 1) : next;
}

const paneScrolls: ReadonlySet<ExplorerCommand> = new Set([
	'move-up',
	'move-down',
	'page-up',
	'page-down',
	'go-first',
	'go-last',
]);

/** The help or the detail pane, scrolled: the reducer keeps the offset, the pane clamps it to its text. */
function scrollPane(state: ExplorerState, command: ExplorerCommand): ExplorerState {
	const page = Math.max(1, state.viewportHeight - 1);
	// Not measured yet (the pane just opened): the pane clamps, and its measurement clamps the offset.
	const last =
		state.paneLineCount === 0 ? Number.MAX_SAFE_INTEGER : Math.max(0, state.paneLineCount - state.viewportHeight);
	const offsets: Partial<Record<ExplorerCommand, number>> = {
		'move-up': state.paneOffset - 1,
		'move-down': state.paneOffset + 1,
		'page-up': state.paneOffset - page,
		'page-down': state.paneOffset + page,
		'go-first': 0,
		'go-last': last,
	};
	const offset = offsets[command];
	return offset === undefined ? state : {...state, paneOffset: Math.max(0, Math.min(offset, last))};
}

/** The setup screen's own keys, and the moves within it; undefined for any other command. */
function runSetupCommand(state: ExplorerState, command: ExplorerCommand): ExplorerState | undefined {
	switch (command) {
		case 'open-setup': {
			return {...state, isSetupOpen: true, isHelpOpen: false, isDetailOpen: false, setupCursor: 0};
		}

		case 'close-setup': {
			return {...state, isSetupOpen: false};
		}

		case 'setup-forward': {
			return changeSetup(state, 1);
		}

		case 'setup-back': {
			return changeSetup(state, -1);
		}

		case 'move-up':
		case 'move-down': {
			return state.isSetupOpen ? moveSetupCursor(state, command === 'move-up' ? -1 : 1) : undefined;
		}

		default: {
			return undefined;
		}
	}
}

/** `*`: everything open; pressed again (or when everything is open), every session closed. */
function toggleAll(state: ExplorerState): ExplorerState {
	const active = isFiltering(state) ? state.filterExpansion : state.expansion;
	const isAllOpen = active.policy === 'all' && [...active.overrides.values()].every(Boolean);
	return withActiveExpansion(
		{...state, isExpansionAuto: false},
		{policy: isAllOpen ? 'none' : 'all', overrides: new Map()},
	);
}

/** The search and filter lines' commands and the sort keys; undefined for any other command. */
function runLineCommand(state: ExplorerState, command: ExplorerCommand): ExplorerState | undefined {
	switch (command) {
		case 'open-filter': {
			return {...state, isFilterOpen: true, isSearchOpen: false, isHelpOpen: false};
		}

		case 'open-search': {
			return openSearch(state);
		}

		case 'search-accept': {
			return acceptSearch(state);
		}

		case 'search-cancel': {
			return cancelSearch(state);
		}

		case 'search-delete': {
			return deleteSearchCharacter(state);
		}

		case 'search-next': {
			return searchAgain(state, 1);
		}

		case 'search-previous': {
			return searchAgain(state, -1);
		}

		case 'filter-accept': {
			return {...state, isFilterOpen: false};
		}

		case 'filter-cancel':
		case 'clear-filter': {
			return {...setFilterQuery(state, ''), isFilterOpen: false};
		}

		case 'filter-delete': {
			return setFilterQuery(state, [...state.filterQuery].slice(0, -1).join(''));
		}

		case 'filter-clear-line': {
			return state.isSearchOpen ? setSearchQuery(state, '') : setFilterQuery(state, '');
		}

		case 'next-sort': {
			return withView(state, {sortKey: nextSortKey(state.sortKey)});
		}

		case 'previous-sort': {
			return withView(state, {sortKey: previousSortKey(state.sortKey)});
		}

		case 'sort-cpu': {
			return withView(state, {sortKey: 'cpu'});
		}

		case 'sort-memory': {
			return withView(state, {sortKey: 'memory'});
		}

		case 'reverse-sort': {
			return withView(state, {isSortReversed: !state.isSortReversed});
		}

		default: {
			return undefined;
		}
	}
}

export function runCommand(state: ExplorerState, command: ExplorerCommand): ExplorerState {
	if (command === 'toggle-help') {
		return {...state, isHelpOpen: !state.isHelpOpen, isDetailOpen: false, paneOffset: 0, paneLineCount: 0};
	}

	if (command === 'close-help') {
		return {...state, isHelpOpen: false};
	}

	if (command === 'open-details') {
		return {...state, isDetailOpen: true, paneOffset: 0, paneLineCount: 0};
	}

	if (command === 'close-details') {
		return {...state, isDetailOpen: false};
	}

	const setup = runSetupCommand(state, command);
	if (setup !== undefined) {
		return setup;
	}

	if ((state.isHelpOpen || state.isDetailOpen) && paneScrolls.has(command)) {
		return scrollPane(state, command);
	}

	if (command === 'repaint') {
		return {...state, repaintRequests: state.repaintRequests + 1};
	}

	if (command === 'quit') {
		return {...state, hasQuit: true};
	}

	if (command === 'toggle-pause') {
		return {...state, isPaused: !state.isPaused};
	}

	if (isActionCommand(command)) {
		return runAction(state, command);
	}

	const lineCommand = runLineCommand(state, command);
	if (lineCommand !== undefined) {
		return lineCommand;
	}

	const list = selectRows(state);
	const index = selectedIndex(state, list) ?? 0;
	const row = list.rows[index];
	const page = Math.max(1, state.viewportHeight - 1);
	switch (command) {
		case 'move-up': {
			return moveTo(state, list, index - 1);
		}

		case 'move-down': {
			return moveTo(state, list, index + 1);
		}

		case 'page-up': {
			return moveTo({...state, scrollOffset: Math.max(0, state.scrollOffset - page)}, list, index - page);
		}

		case 'page-down': {
			return moveTo({...state, scrollOffset: state.scrollOffset + page}, list, index + page);
		}

		case 'go-first': {
			return moveTo(state, list, 0);
		}

		case 'go-last': {
			return moveTo(state, list, list.rows.length - 1);
		}

		case 'expand': {
			if (!row?.hasChildren) {
				return state;
			}

			// On an open row, → steps into it, as in a file manager.
			return row.isExpanded ? moveTo(state, list, index + 1) : setExpanded(state, row.id, true);
		}

		case 'collapse': {
			if (row === undefined) {
				return state;
			}

			if (row.isExpanded) {
				return setExpanded(state, row.id, false);
			}

			const parentIndex = row.parentId === undefined ? undefined : list.indexById.get(row.parentId);
			return parentIndex === undefined ? state : moveTo(state, list, parentIndex);
		}

		case 'toggle-all': {
			return toggleAll(state);
		}

		default: {
			return state;
		}
	}
}
