// Search that moves the cursor instead of hiding rows (htop's `/`): the text a row is searched
// by, and the next row, in either direction, whose text holds every word of a query.
import {ownProcessPids} from '../report/process-tree.js';
import type {SessionReport} from '../types.js';
import {formatEndpoint} from './format.js';
import type {RowList, TreeRow} from './rows.js';
import {sanitizeCommand, sanitizeText} from './sanitize.js';

/** What a row is searched by: what it shows, and its terminals and pid in full. */
export function rowSearchText(row: TreeRow): string {
	switch (row.kind) {
		case 'session': {
			const {session} = row;
			return [
				session.user,
				String(session.pid),
				formatEndpoint(session.peer),
				...session.ttys,
				session.kind,
				session.foreground?.command ?? '',
			]
				.map(text => sanitizeText(text))
				.join(' ');
		}

		case 'process':
		case 'leftover': {
			const {process} = row;
			return `${process.pid} ${sanitizeText(process.user)} ${sanitizeCommand(process.argv, process.comm)}`;
		}

		case 'listener': {
			const {listener} = row;
			return `${listener.pid} ${listener.ports.map(port => `:${port}`).join(' ')} ${sanitizeText(listener.command)}`;
		}

		case 'leftover-group': {
			return 'left behind';
		}
	}
}

/** Every word, smart-case: a word with a capital letter matches as typed, others in any case. */
export function createRowMatcher(query: string, report: SessionReport): (row: TreeRow) => boolean {
	const words = query.split(/\s+/u).filter(Boolean);
	const own = ownProcessPids(report);
	return row => {
		if (words.length === 0 || (row.kind === 'process' && own.has(row.process.pid))) {
			return false;
		}

		const text = rowSearchText(row);
		const folded = text.toLowerCase();
		return words.every(word => (word === word.toLowerCase() ? folded.includes(word) : text.includes(word)));
	};
}

/**
The index of the first row matching after `from` (before it, going back), wrapping around;
`from` itself counts last. `from` -1 starts at the first row.
*/
export function findMatch(
	list: RowList,
	from: number,
	direction: 1 | -1,
	matches: (row: TreeRow) => boolean,
): number | undefined {
	const count = list.rows.length;
	for (let step = 1; step <= count; step++) {
		const index = (((from + direction * step) % count) + count) % count;
		if (matches(list.rows[index]!)) {
			return index;
		}
	}

	return undefined;
}

export function countMatches(list: RowList, matches: (row: TreeRow) => boolean): number {
	return list.rows.reduce((total, row) => total + (matches(row) ? 1 : 0), 0);
}
