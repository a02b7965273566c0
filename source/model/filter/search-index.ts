// What typing searches: the displayed text of every session and process of one report, case-folded
// once, and a word's hits (exact, or fuse.js's bitap within the allowed errors), kept per index.
import Fuse from 'fuse.js';
import {processId, type ProcessId, type ProcessNode, type Session, type SessionReport} from '../types.js';
import {ownProcessPids} from '../report/process-tree.js';
import {commandLine, peerText, ttysText, userText} from './filter-text.js';
import type {HighlightField, HighlightRange, TextTerm} from './filter-terms.js';

/** One searchable string as a row displays it, with its lower-cased form for case-insensitive words. */
type SearchField = {
	readonly field: HighlightField;
	readonly text: string;
	readonly folded: string;
};

type SearchDocument = {
	readonly sessionIndex: number;
	/** Undefined for the document that holds the session's own fields. */
	readonly node: ProcessNode | undefined;
	readonly id: ProcessId;
	readonly fields: readonly SearchField[];
};

export type TermHits = ReadonlyMap<number, readonly HighlightRange[]>;

/**
What typing searches, built once per report: the displayed text of every session and process, already case-folded, so a keystroke only scans strings.

Why not a `Fuse` instance over a fuse index: `Fuse#search` runs bitap on every field of every record on every keystroke, too slow beside thousands of processes. Here a word is first looked for exactly, then only fields that could be within the allowed errors (see `fuzzyPrefilter`) go through fuse's own bitap (`Fuse.match`): the same matches and highlights, for much less when few rows match.
*/
export type FilterIndex = {
	readonly report: SessionReport;
	/** The session documents come first, one per session in report order, then one per process. */
	readonly documents: readonly SearchDocument[];
	readonly documentIndexByNode: ReadonlyMap<ProcessNode, number>;
	/**
	Results of the words searched so far: typing changes only the last word, so only it is searched again. Bounded, and invisible from outside: a word always gives the same hits for one index.
	*/
	readonly wordCache: Map<string, TermHits>;
};

const wordCacheSize = 64;

/** One error per five characters: `mange` finds `manage.py`, while `sshd` does not find `ssh`. */
const fuzzyThreshold = 0.2;

/** Longest pattern fuse's bitap handles in one piece; longer ones it splits, and any piece matching counts. */
const bitapPatternLimit = 32;

function searchField(field: HighlightField, text: string | undefined): SearchField[] {
	return text === undefined || text === '' ? [] : [{field, text, folded: text.toLowerCase()}];
}

function sessionDocument(session: Session, sessionIndex: number): SearchDocument {
	return {
		sessionIndex,
		node: undefined,
		id: session.id,
		fields: [
			...searchField('user', userText(session.user)),
			...searchField('peer', session.peer === undefined ? undefined : peerText(session.peer)),
			...searchField('ttys', ttysText(session.ttys)),
			...searchField('kind', session.kind),
		],
	};
}

function processDocument(node: ProcessNode, sessionIndex: number, isSearchable: boolean): SearchDocument {
	return {
		sessionIndex,
		node,
		id: processId(node.process),
		fields: isSearchable
			? [...searchField('command', commandLine(node.process)), ...searchField('pid', String(node.process.pid))]
			: [],
	};
}

/**
Builds the search index for one report. Build it once per report (a `useMemo` on the report) and pass it to `applyFilter` on every keystroke.
*/
export function createFilterIndex(report: SessionReport): FilterIndex {
	const documents: SearchDocument[] = report.sessions.map((session, sessionIndex) =>
		sessionDocument(session, sessionIndex),
	);
	const documentIndexByNode = new Map<ProcessNode, number>();
	// `sshtop --filter zzqqxx` would otherwise always match its own session.
	const own = ownProcessPids(report);
	for (const [sessionIndex, session] of report.sessions.entries()) {
		const pending: ProcessNode[] = [session.tree];
		for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
			documentIndexByNode.set(node, documents.length);
			documents.push(processDocument(node, sessionIndex, !own.has(node.process.pid)));
			pending.push(...node.children);
		}
	}

	return {report, documents, documentIndexByNode, wordCache: new Map()};
}

/** Errors fuse allows a pattern of this length: the most `errors` with `errors / length <= threshold`, its own test. */
function allowedErrors(length: number): number {
	let errors = 0;
	while ((errors + 1) / length <= fuzzyThreshold) {
		errors += 1;
	}

	return errors;
}

/**
A cheap test every text that `word` matches passes, or undefined when there is none (a word fuse splits into several patterns). Both halves are standard for approximate matching with `errors` edits:
- pigeonhole: the edits spoil at most `errors` of `errors + 1` disjoint pieces of the word, so one piece appears as it is;
- q-grams (Jokinen and Ukkonen): an edit spoils at most two of the word's two-letter pieces, so at least `length - 1 - 2 × errors` of them appear.
*/
function fuzzyPrefilter(word: string): ((text: string) => boolean) | undefined {
	if (word.length > bitapPatternLimit) {
		return undefined;
	}

	const errors = allowedErrors(word.length);
	const pieces = Array.from({length: errors + 1}, (_, piece) =>
		word.slice(
			Math.floor((piece * word.length) / (errors + 1)),
			Math.floor(((piece + 1) * word.length) / (errors + 1)),
		),
	);
	const bigrams = Array.from({length: word.length - 1}, (_, start) => word.slice(start, start + 2));
	const neededBigrams = bigrams.length - 2 * errors;
	return text => {
		if (!pieces.some(piece => text.includes(piece))) {
			return false;
		}

		let found = 0;
		for (const [position, bigram] of bigrams.entries()) {
			if (text.includes(bigram)) {
				found += 1;
				if (found >= neededBigrams) {
					return true;
				}
			} else if (found + (bigrams.length - position - 1) < neededBigrams) {
				return false;
			}
		}

		return found >= neededBigrams;
	};
}

function exactRanges(field: SearchField, haystack: string, wanted: string): HighlightRange[] {
	const ranges: HighlightRange[] = [];
	for (let start = haystack.indexOf(wanted); start !== -1; start = haystack.indexOf(wanted, start + wanted.length)) {
		// The folded text is longer than the original for a few characters (İ); never point past it.
		ranges.push({
			field: field.field,
			start: Math.min(start, field.text.length),
			end: Math.min(start + wanted.length, field.text.length),
		});
	}

	return ranges;
}

/** Fuse's bitap on one text: the match verdict and its highlights, as `Fuse#search` would give them. */
function fuzzyMatchRanges(term: TextTerm, text: string): ReadonlyArray<readonly [number, number]> {
	const result = Fuse.match(term.text, text, {
		threshold: fuzzyThreshold,
		isCaseSensitive: term.isCaseSensitive,
		// Commands are long and the interesting part is anywhere in them.
		ignoreLocation: true,
		includeMatches: true,
	});
	if (!result.isMatch) {
		return [];
	}

	return (result.indices ?? []).map(
		([start, end]) => [Math.min(start, text.length), Math.min(end + 1, text.length)] as const,
	);
}

/**
Where a word matches. Words too short to be allowed an error, and exact words, are plain substring searches: fuse's bitap with no error allowed finds the same occurrences.
*/
function searchWord(index: FilterIndex, term: TextTerm): TermHits {
	const wanted = term.isCaseSensitive ? term.text : term.text.toLowerCase();
	const isFuzzy = term.mode === 'fuzzy' && allowedErrors(term.text.length) > 0;
	const mayMatch = isFuzzy ? (fuzzyPrefilter(wanted) ?? (() => true)) : () => false;
	// Process tables repeat themselves (-bash, the same worker many times): run bitap once per distinct text.
	const fuzzyByText = new Map<string, ReadonlyArray<readonly [number, number]>>();
	const hits = new Map<number, readonly HighlightRange[]>();
	for (const [documentIndex, document] of index.documents.entries()) {
		let ranges: HighlightRange[] | undefined;
		for (const field of document.fields) {
			const haystack = term.isCaseSensitive ? field.text : field.folded;
			let fieldRanges: HighlightRange[] = [];
			if (haystack.includes(wanted)) {
				fieldRanges = exactRanges(field, haystack, wanted);
			} else if (mayMatch(haystack)) {
				let matched = fuzzyByText.get(field.text);
				if (matched === undefined) {
					matched = fuzzyMatchRanges(term, field.text);
					fuzzyByText.set(field.text, matched);
				}

				fieldRanges = matched.map(([start, end]) => ({field: field.field, start, end}));
			}

			if (fieldRanges.length > 0) {
				ranges = [...(ranges ?? []), ...fieldRanges];
			}
		}

		if (ranges !== undefined) {
			hits.set(documentIndex, ranges);
		}
	}

	return hits;
}

export function cachedSearchWord(index: FilterIndex, term: TextTerm): TermHits {
	const key = `${term.mode} ${term.isCaseSensitive} ${term.text}`;
	const cached = index.wordCache.get(key);
	if (cached !== undefined) {
		return cached;
	}

	const hits = searchWord(index, term);
	if (index.wordCache.size >= wordCacheSize) {
		const oldest = index.wordCache.keys().next();
		if (oldest.done !== true) {
			index.wordCache.delete(oldest.value);
		}
	}

	index.wordCache.set(key, hits);
	return hits;
}
