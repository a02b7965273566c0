// The tree viewport: the selection (an identity, pid + start ticks, never a row index, so it follows
// its process across refreshes and re-sorts), the scroll offset and what is expanded.
import {allRowIds, type Expansion, type RowList, type TreeRow} from '../../model/view/rows.js';
import type {ProcessId, SessionReport} from '../../model/types.js';
import {isFiltering, selectRows} from './view.js';
import type {ExplorerState, Selection} from './types.js';

/** Shown while the selected session is filtered out; cleared with the filter or a move. */
export const hiddenByFilterNotice = 'The selected session is hidden by the filter (Esc clears it)';

export function sessionIdOf(row: TreeRow): ProcessId | undefined {
	if (row.kind === 'session') {
		return row.session.id;
	}

	return row.kind === 'process' ? row.sessionId : undefined;
}

export function selectionAt(list: RowList, index: number): Selection | undefined {
	const row = list.rows[index];
	if (row === undefined) {
		return undefined;
	}

	const ancestors: ProcessId[] = [];
	let {parentId} = row;
	while (parentId !== undefined) {
		ancestors.unshift(parentId);
		const parentIndex = list.indexById.get(parentId);
		parentId = parentIndex === undefined ? undefined : list.rows[parentIndex]?.parentId;
	}

	return {id: row.id, ancestors, sessionId: sessionIdOf(row)};
}

/** Row index of the selection, or undefined when it is not among the rows. */
export function selectedIndex(state: ExplorerState, list: RowList = selectRows(state)): number | undefined {
	return state.selection === undefined ? undefined : list.indexById.get(state.selection.id);
}

export function firstSessionIndex(list: RowList): number {
	const index = list.rows.findIndex(row => row.kind === 'session');
	return index === -1 ? 0 : index;
}

export function clampOffset(offset: number, index: number | undefined, rowCount: number, height: number): number {
	let next = offset;
	if (index !== undefined) {
		if (index < next) {
			next = index;
		} else if (index >= next + height) {
			next = index - height + 1;
		}
	}

	return Math.max(0, Math.min(next, Math.max(0, rowCount - height)));
}

/** Puts the cursor on row `index` (clamped) and scrolls just enough to keep it in view. */
export function moveTo(state: ExplorerState, list: RowList, index: number): ExplorerState {
	if (list.rows.length === 0) {
		return state;
	}

	const clamped = Math.max(0, Math.min(index, list.rows.length - 1));
	return {
		...state,
		selection: selectionAt(list, clamped),
		scrollOffset: clampOffset(state.scrollOffset, clamped, list.rows.length, state.viewportHeight),
		notice: undefined,
	};
}

/**
A session whose monitor died lives on as its user side (a new top, so a new session id): the
selection follows the connection to it, and the footer says what happened.
*/
export function followConnection(state: ExplorerState, before: SessionReport | undefined): ExplorerState {
	const {selection, report} = state;
	const sessionId = selection?.sessionId;
	if (
		selection === undefined ||
		sessionId === undefined ||
		report === undefined ||
		report.sessions.some(session => session.id === sessionId)
	) {
		return state;
	}

	const gone = before?.sessions.find(session => session.id === sessionId);
	const successor =
		gone?.userSidePid === undefined
			? undefined
			: report.sessions.find(session => session.pid === gone.userSidePid && session.isOrphaned);
	if (successor === undefined) {
		return state;
	}

	const renamed = (id: ProcessId) => (id === sessionId ? successor.id : id);
	return {
		...state,
		selection: {
			id: renamed(selection.id),
			ancestors: selection.ancestors.map(id => renamed(id)),
			sessionId: successor.id,
		},
		notice: `The session's monitor ${sessionId.split(':')[0] ?? '?'} is gone; its connection lives on, orphaned`,
	};
}

/**
Finds the selection in new rows: the same process if it is still shown, else its nearest
ancestor that is (its parent when it exited, or the row it was folded into). When nothing of
its branch is left, the cursor stays at the same height and the footer says why.
*/
export function reselect(state: ExplorerState, previous: RowList, next: RowList): ExplorerState {
	const {selection} = state;
	const previousIndex = selection === undefined ? undefined : previous.indexById.get(selection.id);
	let index: number | undefined;
	let {notice} = state;
	if (selection !== undefined) {
		index = next.indexById.get(selection.id);
		for (let level = selection.ancestors.length - 1; index === undefined && level >= 0; level--) {
			index = next.indexById.get(selection.ancestors[level]!);
		}

		if (index === undefined && next.rows.length > 0) {
			index = Math.min(previousIndex ?? 0, next.rows.length - 1);
		}

		// Wherever the cursor lands, it is no longer in the session the user was looking at: say so.
		const sessionEnded =
			selection.sessionId !== undefined &&
			!(state.report?.sessions.some(session => session.id === selection.sessionId) ?? false);
		if (sessionEnded) {
			notice = 'The selected session ended';
		} else if (selection.sessionId !== undefined && !next.indexById.has(selection.sessionId)) {
			notice = hiddenByFilterNotice;
		}
	} else if (next.rows.length > 0) {
		index = firstSessionIndex(next);
	}

	if (index === undefined) {
		return {...state, selection: undefined, scrollOffset: 0, notice};
	}

	// Keep the selected row at the same height on screen when rows appear or vanish above it.
	const screenRow = previousIndex === undefined ? undefined : previousIndex - state.scrollOffset;
	const offset =
		screenRow === undefined || next.indexById.get(selection?.id ?? '') === undefined
			? state.scrollOffset
			: index - screenRow;
	return {
		...state,
		selection: selectionAt(next, index),
		scrollOffset: clampOffset(offset, index, next.rows.length, state.viewportHeight),
		notice,
	};
}

export function withExpansion(state: ExplorerState, expansion: Expansion): ExplorerState {
	const previous = selectRows(state);
	return reselect({...state, expansion}, previous, selectRows({...state, expansion}));
}

/** Changes whichever expansion is in force: the filter's while filtering, the tree's otherwise. */
export function withActiveExpansion(state: ExplorerState, expansion: Expansion): ExplorerState {
	if (!isFiltering(state)) {
		return withExpansion(state, expansion);
	}

	const previous = selectRows(state);
	const next = {...state, filterExpansion: expansion};
	return reselect(next, previous, selectRows(next));
}

export function setExpanded(state: ExplorerState, id: ProcessId, isExpanded: boolean): ExplorerState {
	const active = isFiltering(state) ? state.filterExpansion : state.expansion;
	const overrides = new Map(active.overrides);
	overrides.set(id, isExpanded);
	// The operator chose: sessions no longer open and close by themselves as they fit.
	return withActiveExpansion({...state, isExpansionAuto: false}, {...active, overrides});
}

/** Re-derives the rows after a change to what is shown (filter, sort), keeping the cursor on its row. */
export function withView(state: ExplorerState, change: Partial<ExplorerState>): ExplorerState {
	const previous = selectRows(state);
	const next = {...state, ...change};
	return reselect(next, previous, selectRows(next));
}

export function forgetGoneProcesses(expansion: Expansion, report: SessionReport): Expansion {
	if (expansion.overrides.size === 0) {
		return expansion;
	}

	const ids = allRowIds(report);
	const overrides = new Map([...expansion.overrides].filter(([id]) => ids.has(id)));
	return overrides.size === expansion.overrides.size ? expansion : {...expansion, overrides};
}
