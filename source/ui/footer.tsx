import {memo} from 'react';
import {Text} from 'ink';
import {displayWidth, fitToWidth} from '../model/view/format.js';
import {footerEntries, type FooterEntry, type KeyContext} from './keys/keymap.js';

/** The filter as the footer shows it. */
export type FooterFilter = {
	readonly query: string;
	readonly isOpen: boolean;
	/** Undefined when the query filters nothing (empty, or only malformed qualifiers). */
	readonly matchCount: number | undefined;
	/** Why part of the query was left out (`idle: 'abc' is not a duration`). */
	readonly hint: string | undefined;
};

/** The search as the footer shows it. */
export type FooterSearch = {
	readonly query: string;
	readonly isOpen: boolean;
	/** Rows matching when the search last moved; undefined before it has. */
	readonly matchCount: number | undefined;
};

export type FooterProps = {
	readonly context: KeyContext;
	readonly notice: string | undefined;
	/** `12/340`: where the cursor is in the tree. */
	readonly position: string;
	readonly width: number;
	readonly filter?: FooterFilter;
	readonly search?: FooterSearch;
	/** About the selected row, such as why its connection looks dead. */
	readonly selectionNote?: string | undefined;
};

function matches(count: number | undefined): string | undefined {
	return count === undefined ? undefined : `${count} match${count === 1 ? '' : 'es'}`;
}

/** The filter line while typing (`/alice▏`), or the filter in force (`filter: alice (3 matches)`). */
function filterText(filter: FooterFilter | undefined): string | undefined {
	if (filter === undefined || (!filter.isOpen && filter.query === '')) {
		return undefined;
	}

	if (filter.isOpen) {
		return [`filter: ${filter.query}▏`, matches(filter.matchCount), filter.hint].filter(Boolean).join('  ');
	}

	const count = matches(filter.matchCount);
	return [`filter: ${filter.query}${count === undefined ? '' : ` (${count})`}`, filter.hint].filter(Boolean).join('  ');
}

/** Keys that always keep their place: a newcomer must be able to find help and the way out. */
const essentialKeys = new Set(['?', 'q']);

/**
The key hints that fit after `lead`: when they do not all fit, the ones further right give way
first, except help and quit.
*/
function fittedKeys(entries: readonly FooterEntry[], lead: string, available: number): string {
	const shown = [...entries];
	const render = () =>
		[lead, shown.map(entry => `${entry.keys} ${entry.label}`).join('  ')].filter(Boolean).join('  ·  ');
	for (let index = shown.length - 1; displayWidth(render()) > available && index >= 0; index--) {
		if (!essentialKeys.has(shown[index]!.keys)) {
			shown.splice(index, 1);
		}
	}

	return render();
}

/** The search line while typing (`search: vim▏  2 matches`), or the search n and N repeat. */
function searchText(search: FooterSearch | undefined): string | undefined {
	if (search === undefined || (!search.isOpen && search.query === '')) {
		return undefined;
	}

	const count =
		search.matchCount === undefined ? undefined : search.matchCount === 0 ? 'no match' : matches(search.matchCount);
	return [`search: ${search.query}${search.isOpen ? '▏' : ''}`, count].filter(Boolean).join('  ');
}

export const Footer = memo(({context, notice, position, width, filter, search, selectionNote}: FooterProps) => {
	const right = position === '' ? '' : ` ${position}`;
	const lead = [searchText(search), filterText(filter), notice, selectionNote].filter(Boolean).join('  ·  ');
	const text = fittedKeys(footerEntries(context), lead, width - right.length);
	return <Text wrap="truncate">{fitToWidth(text, width - right.length) + right}</Text>;
});
Footer.displayName = 'Footer';
