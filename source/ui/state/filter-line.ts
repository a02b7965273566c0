// The filter line: the query typed into it, and the expansion a query opens with.
import type {Key} from 'ink';
import type {Expansion} from '../../model/view/rows.js';
import {hiddenByFilterNotice, withView} from './tree-viewport.js';
import type {ExplorerState} from './types.js';

export const filterExpansionDefault: Expansion = {policy: 'all', overrides: new Map()};

export function setFilterQuery(state: ExplorerState, filterQuery: string): ExplorerState {
	if (filterQuery === state.filterQuery) {
		return state;
	}

	// A new query opens all of its matches; choices made under the previous query do not carry over.
	// The note about a hidden session stays until the filter is cleared or the cursor moves.
	const notice = state.notice === hiddenByFilterNotice && filterQuery === '' ? undefined : state.notice;
	return withView({...state, notice}, {filterQuery, filterExpansion: filterExpansionDefault});
}

/** Text typed while the filter line is open: printable characters, no control keys. */
export function isTyping(input: string, key: Key): boolean {
	return (
		input !== '' &&
		!key.ctrl &&
		!key.meta &&
		!key.return &&
		!key.escape &&
		!key.tab &&
		!key.backspace &&
		!key.delete &&
		!key.upArrow &&
		!key.downArrow &&
		!key.leftArrow &&
		!key.rightArrow &&
		!key.pageUp &&
		!key.pageDown &&
		// eslint-disable-next-line no-control-regex -- control characters are keys, not text.
		!/[\u0000-\u001F\u007F]/u.test(input)
	);
}
