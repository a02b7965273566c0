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
import Fuse, {type FuseIndex, type IFuseOptions} from 'fuse.js';
import {commandLine, peerText, ttysText, userText} from './filter-text.js';
import {
	parseFilterQuery,
	type FilterTerm,
	type HighlightField,
	type HighlightRange,
	type MatchOutcome,
	type TextTerm,
} from './filter-query.js';
import {processId, type ProcessId, type ProcessNode, type Session, type SessionReport} from './types.js';

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
};

type SearchDocument = {
	readonly sessionIndex: number;
	/** Undefined for the document that holds the session's own fields. */
	readonly node: ProcessNode | undefined;
} & Readonly<Partial<Record<HighlightField, string>>>;

type CaseMode = 'caseSensitive' | 'caseInsensitive';

export type FilterIndex = {
	readonly report: SessionReport;
	/** The session documents come first, one per session in report order, then one per process. */
	readonly documents: readonly SearchDocument[];
	readonly documentIndexByNode: ReadonlyMap<ProcessNode, number>;
	/** Fuse instances over one shared index: case sensitivity and threshold are search options in fuse, not index options. */
	readonly searchers: Readonly<Record<TextTerm['mode'], Readonly<Record<CaseMode, Fuse<SearchDocument>>>>>;
};

const searchedFields: readonly HighlightField[] = ['user', 'peer', 'ttys', 'kind', 'command', 'pid'];

const baseOptions: IFuseOptions<SearchDocument> = {
	keys: [...searchedFields],
	includeMatches: true,
	// Commands are long and the interesting part is anywhere in them.
	ignoreLocation: true,
	// Rows keep tree order, so fuse's ranking is not used.
	shouldSort: false,
	ignoreFieldNorm: true,
};

/** One error per five characters: `mange` finds `manage.py`, while `sshd` does not find `ssh`. */
const fuzzyThreshold = 0.2;

function sessionDocument(session: Session, sessionIndex: number): SearchDocument {
	return {
		sessionIndex,
		node: undefined,
		user: userText(session.user),
		peer: session.peer === undefined ? undefined : peerText(session.peer),
		ttys: ttysText(session.ttys),
		kind: session.kind,
	};
}

function processDocument(node: ProcessNode, sessionIndex: number): SearchDocument {
	return {
		sessionIndex,
		node,
		command: commandLine(node.process),
		pid: String(node.process.pid),
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

	const fuseIndex: FuseIndex<SearchDocument> = Fuse.createIndex([...searchedFields], documents);
	const searcher = (threshold: number, isCaseSensitive: boolean) =>
		new Fuse(documents, {...baseOptions, threshold, isCaseSensitive}, fuseIndex);
	return {
		report,
		documents,
		documentIndexByNode,
		searchers: {
			fuzzy: {caseSensitive: searcher(fuzzyThreshold, true), caseInsensitive: searcher(fuzzyThreshold, false)},
			// Threshold 0 with ignoreLocation is an exact substring search.
			exact: {caseSensitive: searcher(0, true), caseInsensitive: searcher(0, false)},
		},
	};
}

function searchText(index: FilterIndex, term: TextTerm): ReadonlyMap<number, readonly HighlightRange[]> {
	const fuse = index.searchers[term.mode][term.isCaseSensitive ? 'caseSensitive' : 'caseInsensitive'];
	const hits = new Map<number, readonly HighlightRange[]>();
	for (const result of fuse.search(term.text)) {
		const ranges: HighlightRange[] = [];
		for (const match of result.matches ?? []) {
			const field = match.key as HighlightField;
			// Fuse searches lower-cased text, which is longer than the original for a few characters (İ).
			const length = match.value?.length ?? 0;
			for (const [start, end] of match.indices) {
				ranges.push({field, start: Math.min(start, length), end: Math.min(end + 1, length)});
			}
		}

		hits.set(result.refIndex, ranges);
	}

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

export function applyFilter(index: FilterIndex, query: string): FilterResult {
	const {terms, hint} = parseFilterQuery(query);
	const {report} = index;
	if (terms.length === 0) {
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

	const textHits = terms.map(term => (term.type === 'text' ? searchText(index, term) : undefined));
	// Session documents come first, so a session's document index is its index in the report.
	const sessionOutcome = (term: FilterTerm, termIndex: number, session: Session, sessionIndex: number): MatchOutcome =>
		term.type === 'text' ? textHits[termIndex]?.get(sessionIndex) : term.matchSession?.(session);
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

		const processRanges = (node: ProcessNode): readonly HighlightRange[] | undefined => {
			const documentIndex = index.documentIndexByNode.get(node);
			if (documentIndex === undefined) {
				return undefined;
			}

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

		const visit = (node: ProcessNode, isUnderMatch: boolean): ProcessNode | undefined => {
			const id = processId(node.process);
			const ranges = processRanges(node);
			if (ranges !== undefined) {
				processMarks.set(id, 'match');
				processHighlights.set(id, mergeRanges(ranges));
				matchCount += node === session.tree ? 0 : 1;
			}

			if (isUnderMatch || ranges !== undefined) {
				if (ranges === undefined) {
					processMarks.set(id, 'descendant');
				}

				for (const child of node.children) {
					visit(child, true);
				}

				return node;
			}

			const shownChildren: ProcessNode[] = [];
			for (const child of node.children) {
				const shown = visit(child, false);
				if (shown !== undefined) {
					shownChildren.push(shown);
				}
			}

			if (shownChildren.length === 0) {
				return undefined;
			}

			processMarks.set(id, 'context');
			return sameNodes(shownChildren, node.children) ? node : {process: node.process, children: shownChildren};
		};

		const tree = visit(session.tree, isSessionMatch);
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
