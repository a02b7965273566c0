// What the key table needs to know about a state to decide what a key means.
import type {RowList} from '../../model/view/rows.js';
import type {KeyContext} from '../keys/keymap.js';
import {selectedIndex} from './tree-viewport.js';
import {selectRows} from './view.js';
import type {ExplorerState} from './types.js';

/** What the key table needs to know about this state. */
export function keyContextOf(state: ExplorerState, list: RowList = selectRows(state)): KeyContext {
	const index = selectedIndex(state, list);
	const row = index === undefined ? undefined : list.rows[index];
	return {
		isHelpOpen: state.isHelpOpen,
		isPaused: state.isPaused,
		isFilterOpen: state.isFilterOpen,
		isSearchOpen: state.isSearchOpen,
		hasSearch: state.searchQuery.trim() !== '',
		isDetailOpen: state.isDetailOpen,
		isSetupOpen: state.isSetupOpen,
		hasFilter: state.filterQuery !== '',
		selectedKind: row?.kind,
		canExpand: Boolean(row?.hasChildren && !row.isExpanded),
		canCollapse: Boolean(row?.isExpanded),
		dialog: state.actions.dialog?.kind,
		isReadOnly: state.actions.isReadOnly,
		hasTags: state.actions.tags.length > 0,
		canAddDescendants:
			state.actions.dialog?.kind === 'menu' &&
			state.actions.dialog.descendantCount >= 0 &&
			!state.actions.dialog.picks.every(pick => pick.kind === 'session' || pick.kind === 'listener'),
	};
}
