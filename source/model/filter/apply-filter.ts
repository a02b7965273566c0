// Filtering a report while keeping every tree a tree.
//
// A term holds for a process when the process's own fields match it (command line, pid) or
// its session's fields do (user, peer, terminals, kind). Then:
// - a session whose own fields satisfy every term is a match, and its whole tree is shown;
//   so is a session whose top sshd matches, since the session row stands for that sshd;
// - a process that satisfies every term, at least one by its own fields, is a match: it is shown
//   with all its descendants, and its ancestors up to the session's sshd are shown as context.
// So `sshd` shows each sshd with everything under it, `alice` shows alice's sessions whole, and
// `alice vim` shows the vim processes in alice's sessions with the path down to them.
import Fuse from 'fuse.js';
import {commandLine, peerText, ttysText, userText} from './filter-text.js';
import {
	parseFilterQuery,
	type FilterTerm,
	type HighlightField,
	type HighlightRange,
	type MatchOutcome,
	type TextTerm,
} from './query-parser.js';
import {processId, type ProcessId, type ProcessNode, type Session, type SessionReport} from '../types.js';

/**
- `match`: the process itself matches the query.
- `descendant`: shown because it is under a match: a matching process above it, or its session matched.
- `context`: shown only because a match lies below it; dim it.
*/
export type ProcessMark = 'match' | 'descendant' | 'context';

/** `match`: the session's own fields, or its top sshd (the process the session row stands for), satisfy the query. `context`: only something deeper does. */
export type SessionMark = 'match' | 'context';

export type FilterResult = {
	/** The report's sessions that have something to show, in the report's order. A session whose tree is shown whole is the same object; otherwise a copy whose `tree` holds only the shown nodes. */
	readonly sessions: readonly Session[];
	/** By session id; empty when the query filters nothing. */
	readonly sessionMarks: ReadonlyMap<ProcessId, SessionMark>;
	/** By process id; empty when the query filters nothing. */
	readonly processMarks: ReadonlyMap<ProcessId, ProcessMark>;
	/** By session id: ranges in the session's `user`, `peer`, `ttys` and `kind` text. */
	readonly sessionHighlights: ReadonlyMap<ProcessId, readonly HighlightRange[]>;
	/** By process id, for matching processes: ranges in their `command` and `pid` text. */
	readonly processHighlights: ReadonlyMap<ProcessId, readonly HighlightRange[]>;
	/** Rows marked `match`: matching sessions plus matching processes other than a session's top sshd, which has no row of its own. */
	readonly matchCount: number;
	/** False when the query has no usable term: everything is shown and nothing is marked. */
	readonly isFiltering: boolean;
	readonly hint: string | undefined;
	/** Sessions shown only to keep a chain of ssh hops readable (session-view.ts): not matches. */
	readonly chainIds?: ReadonlySet<ProcessId>;
};

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

type TermHits = ReadonlyMap<number, readonly HighlightRange[]>;

/**
What typing searches, built once per report: the displayed text of every session and process, already case-folded, so a keystroke only scans strings.

Why not a `Fuse` instance over a fuse index: `Fuse#search` runs bitap on every field of every record on every keystroke, 50 to 200 ms for 10,000 processes on a busy two-core machine. Here a word is first looked for exactly, then only fields that could be within the allowed errors (see `fuzzyPrefilter`) go through fuse's own bitap (`Fuse.match`): the same matches and highlights, five to fifteen times faster when few rows match.
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

function processDocument(node: ProcessNode, sessionIndex: number): SearchDocument {
	return {
		sessionIndex,
		node,
		id: processId(node.process),
		fields: [...searchField('command', commandLine(node.process)), ...searchField('pid', String(node.process.pid))],
	};
}

/**
Builds the search index for one report. Build it once per report (a `useMemo` on the report) and pass it to `applyFilter` on every keystroke.
*/
export function createFilterIndex(report: SessionReport): FilterIndex {
	const documents: SearchDocument[] = report.sessions.map((session, sessionIndex) => sessionDocument(session, sessionIndex));
	const documentIndexByNode = new Map<ProcessNode, number>();
	for (const [sessionIndex, session] of report.sessions.entries()) {
		const pending: ProcessNode[] = [session.tree];
		for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
			documentIndexByNode.set(node, documents.length);
			documents.push(processDocument(node, sessionIndex));
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
		word.slice(Math.floor((piece * word.length) / (errors + 1)), Math.floor(((piece + 1) * word.length) / (errors + 1))));
	const bigrams = Array.from({length: word.length - 1}, (_, start) => word.slice(start, start + 2));
	const neededBigrams = bigrams.length - (2 * errors);
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
		ranges.push({field: field.field, start: Math.min(start, field.text.length), end: Math.min(start + wanted.length, field.text.length)});
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

	return (result.indices ?? []).map(([start, end]) => [Math.min(start, text.length), Math.min(end + 1, text.length)] as const);
}

/**
Where a word matches. Words too short to be allowed an error, and exact words, are plain substring searches: fuse's bitap with no error allowed finds the same occurrences.
*/
function searchWord(index: FilterIndex, term: TextTerm): TermHits {
	const wanted = term.isCaseSensitive ? term.text : term.text.toLowerCase();
	const isFuzzy = term.mode === 'fuzzy' && allowedErrors(term.text.length) > 0;
	const mayMatch = isFuzzy ? fuzzyPrefilter(wanted) ?? (() => true) : () => false;
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

function cachedSearchWord(index: FilterIndex, term: TextTerm): TermHits {
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

function mergeRanges(ranges: readonly HighlightRange[]): readonly HighlightRange[] {
	const sorted = ranges
		.filter(range => range.end > range.start)
		.toSorted((a, b) => a.field.localeCompare(b.field) || a.start - b.start || a.end - b.end);
	const merged: HighlightRange[] = [];
	for (const range of sorted) {
		const last = merged.at(-1);
		if (last !== undefined && last.field === range.field && range.start <= last.end) {
			merged[merged.length - 1] = {...last, end: Math.max(last.end, range.end)};
		} else {
			merged.push(range);
		}
	}

	return merged;
}

function sameNodes(a: readonly ProcessNode[], b: readonly ProcessNode[]): boolean {
	return a.length === b.length && a.every((node, position) => node === b[position]);
}

/** Everything shown, nothing marked: an empty query (or one with no term understood). */
export function unfiltered(report: SessionReport, hint?: string): FilterResult {
	return {
		sessions: report.sessions,
		sessionMarks: new Map(),
		processMarks: new Map(),
		sessionHighlights: new Map(),
		processHighlights: new Map(),
		matchCount: 0,
		isFiltering: false,
		hint,
	};
}

export type FilterOptions = {
	/**
	Every text word matches as an exact substring (smart-case still applies), never fuzzily: what
	`reap` and anything else that sends signals uses, where a near miss must select nothing.
	*/
	readonly isExact?: boolean;
};

export function applyFilter(index: FilterIndex, query: string, options: FilterOptions = {}): FilterResult {
	const parsed = parseFilterQuery(query);
	const {hint} = parsed;
	const terms = options.isExact === true
		? parsed.terms.map(term => (term.type === 'text' ? {...term, mode: 'exact' as const} : term))
		: parsed.terms;
	const {report} = index;
	if (terms.length === 0) {
		return unfiltered(report, hint);
	}

	const textHits = terms.map(term => (term.type === 'text' ? cachedSearchWord(index, term) : undefined));
	// Session documents come first, so a session's document index is its index in the report.
	const sessionOutcome = (term: FilterTerm, termIndex: number, session: Session, sessionIndex: number): MatchOutcome =>
		term.type === 'text' ? textHits[termIndex]?.get(sessionIndex) : term.matchSession?.(session, report.takenAt);
	const processOutcome = (term: FilterTerm, termIndex: number, node: ProcessNode, documentIndex: number): MatchOutcome =>
		term.type === 'text' ? textHits[termIndex]?.get(documentIndex) : term.matchProcess?.(node.process);

	const sessions: Session[] = [];
	const sessionMarks = new Map<ProcessId, SessionMark>();
	const processMarks = new Map<ProcessId, ProcessMark>();
	const sessionHighlights = new Map<ProcessId, readonly HighlightRange[]>();
	const processHighlights = new Map<ProcessId, readonly HighlightRange[]>();
	let matchCount = 0;

	for (const [sessionIndex, session] of report.sessions.entries()) {
		const sessionOutcomes = terms.map((term, termIndex) => sessionOutcome(term, termIndex, session, sessionIndex));
		const isSessionMatch = sessionOutcomes.every(outcome => outcome !== undefined);

		const processRanges = (node: ProcessNode, documentIndex: number): readonly HighlightRange[] | undefined => {
			const ranges: HighlightRange[] = [];
			let hasOwnMatch = false;
			for (const [termIndex, term] of terms.entries()) {
				const own = processOutcome(term, termIndex, node, documentIndex);
				if (own !== undefined) {
					hasOwnMatch = true;
					ranges.push(...own);
				} else if (sessionOutcomes[termIndex] === undefined) {
					return undefined;
				}
			}

			return hasOwnMatch ? ranges : undefined;
		};

		const idOf = (node: ProcessNode, documentIndex: number): ProcessId => index.documents[documentIndex]?.id ?? processId(node.process);

		/** Marks `node` as a match when it is one, and says so. */
		const markIfMatch = (node: ProcessNode): boolean => {
			const documentIndex = index.documentIndexByNode.get(node) ?? -1;
			const ranges = processRanges(node, documentIndex);
			if (ranges === undefined) {
				return false;
			}

			const id = idOf(node, documentIndex);
			processMarks.set(id, 'match');
			processHighlights.set(id, mergeRanges(ranges));
			matchCount += node === session.tree ? 0 : 1;
			return true;
		};

		/** Everything under a match is shown, each node a match of its own or a descendant. */
		const markDescendants = (top: ProcessNode): void => {
			const pending = [...top.children];
			for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
				if (!markIfMatch(node)) {
					processMarks.set(idOf(node, index.documentIndexByNode.get(node) ?? -1), 'descendant');
				}

				pending.push(...node.children);
			}
		};

		// Depth first with an explicit stack, children before their parent: a fork bomb's chain of
		// processes must not overflow the call stack. A node is kept when it matches (with its whole
		// subtree) or when some child is kept (then with only those children, as context).
		type Frame = {readonly node: ProcessNode; readonly shownChildren: ProcessNode[]; nextChild: number};
		let tree: ProcessNode | undefined;
		if (isSessionMatch) {
			if (!markIfMatch(session.tree)) {
				processMarks.set(idOf(session.tree, index.documentIndexByNode.get(session.tree) ?? -1), 'descendant');
			}

			markDescendants(session.tree);
			tree = session.tree;
		} else {
			const frames: Frame[] = [];
			const deliver = (shown: ProcessNode | undefined) => {
				const parent = frames.at(-1);
				if (parent === undefined) {
					tree = shown;
				} else if (shown !== undefined) {
					parent.shownChildren.push(shown);
				}
			};

			const enter = (node: ProcessNode) => {
				if (markIfMatch(node)) {
					markDescendants(node);
					deliver(node);
				} else {
					frames.push({node, shownChildren: [], nextChild: 0});
				}
			};

			enter(session.tree);
			for (let frame = frames.at(-1); frame !== undefined; frame = frames.at(-1)) {
				const child = frame.node.children[frame.nextChild];
				if (child !== undefined) {
					frame.nextChild += 1;
					enter(child);
					continue;
				}

				frames.pop();
				const {node, shownChildren} = frame;
				if (shownChildren.length === 0) {
					deliver(undefined);
					continue;
				}

				processMarks.set(idOf(node, index.documentIndexByNode.get(node) ?? -1), 'context');
				deliver(sameNodes(shownChildren, node.children) ? node : {process: node.process, children: shownChildren});
			}
		}

		if (tree === undefined) {
			continue;
		}

		sessions.push(tree === session.tree ? session : {...session, tree});
		const isShownAsMatch = isSessionMatch || processMarks.get(processId(session.tree.process)) === 'match';
		sessionMarks.set(session.id, isShownAsMatch ? 'match' : 'context');
		matchCount += isShownAsMatch ? 1 : 0;

		const sessionRanges = mergeRanges(sessionOutcomes.flatMap(outcome => outcome ?? []));
		if (sessionRanges.length > 0) {
			sessionHighlights.set(session.id, sessionRanges);
		}
	}

	return {
		sessions,
		sessionMarks,
		processMarks,
		sessionHighlights,
		processHighlights,
		matchCount,
		isFiltering: true,
		hint,
	};
}
