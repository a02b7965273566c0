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
import {processId, type ProcessId, type ProcessNode, type Session, type SessionReport} from '../types.js';
import {cachedSearchWord, type FilterIndex} from './search-index.js';
import {parseFilterQuery, type FilterTerm, type HighlightRange, type MatchOutcome} from './query-parser.js';

export {createFilterIndex, type FilterIndex} from './search-index.js';

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

function mergeRanges(ranges: readonly HighlightRange[]): readonly HighlightRange[] {
	const sorted = ranges
		.filter(range => range.end > range.start)
		.toSorted((a, b) => a.field.localeCompare(b.field) || a.start - b.start || a.end - b.end);
	const merged: HighlightRange[] = [];
	for (const range of sorted) {
		const last = merged.at(-1);
		if (last?.field === range.field && range.start <= last.end) {
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
	const terms =
		options.isExact === true
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
	const processOutcome = (
		term: FilterTerm,
		termIndex: number,
		node: ProcessNode,
		documentIndex: number,
	): MatchOutcome =>
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
		/** Processes below the session's top that match on their own. */
		let processMatches = 0;

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

		const idOf = (node: ProcessNode, documentIndex: number): ProcessId =>
			index.documents[documentIndex]?.id ?? processId(node.process);

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
			processMatches += node === session.tree ? 0 : 1;
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
		matchCount += processMatches + (isShownAsMatch ? 1 : 0);

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
