// What each command of the key table does to the state: the tree's moves, the filter line, the
// sort, help and pause here; action keys go to action-state.ts with the row under the cursor.
import type {RowPick} from '../../model/guard/row-plans.js';
import type {TreeRow} from '../../model/view/rows.js';
import {nextSortKey} from '../../model/view/sort.js';
import type {ExplorerCommand} from '../keys/keymap.js';
import {isActionCommand, runActionCommand, type ActionCommand} from './action-state.js';
import {setFilterQuery} from './filter-line.js';
import {moveTo, selectedIndex, setExpanded, withActiveExpansion, withView} from './tree-viewport.js';
import {selectRows} from './view.js';
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

export function runCommand(state: ExplorerState, command: ExplorerCommand): ExplorerState {
	if (command === 'toggle-help') {
		return {...state, isHelpOpen: !state.isHelpOpen};
	}

	if (command === 'close-help') {
		return {...state, isHelpOpen: false};
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

	switch (command) {
		case 'open-filter': {
			return {...state, isFilterOpen: true, isHelpOpen: false};
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
			return setFilterQuery(state, '');
		}

		case 'next-sort': {
			return withView(state, {sortKey: nextSortKey(state.sortKey)});
		}

		case 'reverse-sort': {
			return withView(state, {isSortReversed: !state.isSortReversed});
		}

		default: {
			break;
		}
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

		case 'toggle': {
			return row?.hasChildren ? setExpanded(state, row.id, !row.isExpanded) : state;
		}

		case 'expand-all': {
			return withActiveExpansion(state, {policy: 'all', overrides: new Map()});
		}

		case 'collapse-all': {
			return withActiveExpansion(state, {policy: 'none', overrides: new Map()});
		}

		default: {
			return state;
		}
	}
}
