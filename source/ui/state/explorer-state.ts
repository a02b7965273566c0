// The explorer's one reducer (the ink-ui select split: this file is the pure state, the
// key hook only dispatches, the views only render). Selection is an identity (pid + start
// ticks), never a row index, so it follows its process across refreshes and re-sorts.
import {unknownCpuUsage, type CpuUsage} from '../../model/view/cpu.js';
import type {FilterResult} from '../../model/filter/apply-filter.js';
import {allRowIds, flattenReport, initialExpansion, type Expansion, type RowList, type TreeRow} from '../../model/view/rows.js';
import {defaultViewOptions, viewReport} from '../../model/view/session-view.js';
import {nextSortKey, type SortKey} from '../../model/view/sort.js';
import {summaryLines} from '../../model/view/summary.js';
import {formatTitleLine} from '../../model/view/columns.js';
import type {ProcessId, SessionReport} from '../../model/types.js';
import type {Key} from 'ink';
import type {RowPick} from '../../model/guard/row-plans.js';
import {
	actionEventArrived,
	type ActionCommand,
	type ActionEvent,
	type ActionsState,
	createActionsState,
	pruneTags,
	runActionCommand,
	taggedIds,
	typeIntoDialog,
} from './action-state.js';
import {commandFor, type ExplorerCommand, type KeyContext} from '../keys/keymap.js';
import {healthNoteOfRow, layoutOf, visibleRows} from './visible-rows.js';

export type Selection = {
	readonly id: ProcessId;
	/** Ancestors of the selected row, nearest last: where the cursor goes if the row vanishes. */
	readonly ancestors: readonly ProcessId[];
	/** The session the row belongs to, so a move to another session is never silent. */
	readonly sessionId: ProcessId | undefined;
};

export type ExplorerState = {
	readonly report: SessionReport | undefined;
	readonly usage: CpuUsage;
	readonly expansion: Expansion;
	readonly selection: Selection | undefined;
	/** Index of the first visible row. */
	readonly scrollOffset: number;
	readonly viewportHeight: number;
	readonly isPaused: boolean;
	readonly isHelpOpen: boolean;
	/** A one-off message for the footer, such as "the selected session ended". */
	readonly notice: string | undefined;
	/** Set by the quit key; the root component then unmounts. */
	readonly hasQuit: boolean;
	/** The filter line's text; empty shows every session. */
	readonly filterQuery: string;
	/** True while the filter line has the keyboard. */
	readonly isFilterOpen: boolean;
	/** What is expanded while a filter is active: every match opens, whatever was folded before. Reset on each new query. */
	readonly filterExpansion: Expansion;
	readonly sortKey: SortKey;
	readonly isSortReversed: boolean;
	/** Tags, the open action dialog, the request for the executor, results (action-state.ts). */
	readonly actions: ActionsState;
	/** Cells per line the rows are fitted to; until known, every refresh is drawn. */
	readonly width: number | undefined;
	/** Epoch ms of the last full /proc scan, for the header. */
	readonly lastFullScanAt: number | undefined;
};

/** How the explorer starts: from `--filter`, `--sort` and `--reverse`. */
export type InitialView = {
	readonly filterQuery?: string;
	readonly sortKey?: SortKey;
	readonly isSortReversed?: boolean;
	/** `--read-only`: every action disabled. */
	readonly isReadOnly?: boolean;
	/** Why actions are disabled when it is not `--read-only` (`--require-audit` and an audit log that cannot be written). */
	readonly readOnlyReason?: string;
	/** The audit log cannot be written, found at start: the header says so before any action. */
	readonly auditWarning?: string;
	/** sshtop's own pid, which the guard refuses; defaults to process.pid. */
	readonly selfPid?: number;
	/** Cells per line (the terminal's width less one). */
	readonly width?: number;
	/** A report read before the first frame, so the first frame already shows it. */
	readonly report?: SessionReport;
	readonly lastFullScanAt?: number;
};

export type ExplorerEvent =
	| {
		readonly type: 'report-arrived';
		readonly report: SessionReport;
		readonly usage: CpuUsage;
		readonly lastFullScanAt?: number | undefined;
		/**
		A timed refresh: kept only when it changes what is on screen, so an idle explorer neither
		renders nor writes. Whatever is held back is sent again, unconditionally, before the next
		key press (use-snapshots.ts), so keys always act on the newest report.
		*/
		readonly isQuiet?: boolean;
	}
	| {readonly type: 'load-failed'; readonly message: string}
	| {readonly type: 'viewport-resized'; readonly height: number; readonly width?: number}
	/** A key press, resolved against the key table with the state as it is when it is applied. */
	| {readonly type: 'key-pressed'; readonly input: string; readonly key: Key}
	| {readonly type: 'command'; readonly command: ExplorerCommand}
	/** The executor's report on a confirmed action (use-actions.ts). */
	| {readonly type: 'action-event'; readonly event: ActionEvent};

const hiddenByFilterNotice = 'The selected session is hidden by the filter (Esc clears it)';
const filterExpansionDefault: Expansion = {policy: 'all', overrides: new Map()};

export function createInitialState(viewportHeight: number, initial: InitialView = {}): ExplorerState {
	const state: ExplorerState = {
		report: undefined,
		usage: unknownCpuUsage,
		expansion: initialExpansion,
		selection: undefined,
		scrollOffset: 0,
		viewportHeight: Math.max(1, viewportHeight),
		isPaused: false,
		isHelpOpen: false,
		notice: undefined,
		hasQuit: false,
		filterQuery: initial.filterQuery ?? '',
		isFilterOpen: false,
		filterExpansion: filterExpansionDefault,
		sortKey: initial.sortKey ?? defaultViewOptions.sortKey,
		isSortReversed: initial.isSortReversed ?? false,
		actions: createActionsState({
			selfPid: initial.selfPid,
			isReadOnly: initial.isReadOnly === true || initial.readOnlyReason !== undefined,
			readOnlyReason: initial.readOnlyReason,
			auditWarning: initial.auditWarning,
		}),
		width: initial.width,
		lastFullScanAt: initial.lastFullScanAt,
	};
	return initial.report === undefined
		? state
		: explorerReducer(state, {type: 'report-arrived', report: initial.report, usage: unknownCpuUsage, lastFullScanAt: initial.lastFullScanAt});
}

const noRows: RowList = {rows: [], indexById: new Map()};

/** What the rows are derived from; a change to any of these re-derives, nothing else does. */
type ViewInput = Pick<ExplorerState, 'report' | 'usage' | 'expansion' | 'filterQuery' | 'filterExpansion' | 'sortKey' | 'isSortReversed'>;

export type ExplorerView = {
	readonly list: RowList;
	/** Undefined before the first report. */
	readonly filter: FilterResult | undefined;
};

// The last two derivations: a refresh compares the state on screen with the one it would make.
let cachedViews: Array<{readonly input: ViewInput; readonly view: ExplorerView}> = [];

/**
The rows are made of a report's listeners, sessions and left-behind processes only, and a
refresh in which nothing happened keeps those arrays (model/sessions.ts): its rows are the last
ones. A filter is matched against the report itself (its idle terms against the report's time).
*/
function hasSameRows(a: SessionReport | undefined, b: SessionReport | undefined, filterQuery: string): boolean {
	return a === b || (filterQuery === '' && a !== undefined && b !== undefined && a.sessions === b.sessions
		&& a.listeners === b.listeners && a.leftovers === b.leftovers);
}

function sameViewInput(a: ViewInput, b: ViewInput): boolean {
	return a.filterQuery === b.filterQuery && hasSameRows(a.report, b.report, a.filterQuery) && a.expansion === b.expansion
		&& a.filterExpansion === b.filterExpansion && a.sortKey === b.sortKey && a.isSortReversed === b.isSortReversed
		// CPU figures only move the rows when sorting by CPU.
		&& (a.usage === b.usage || a.sortKey !== 'cpu');
}

/**
The visible rows of a state: sort(filter(report)) flattened under the expansion in force.
Memoised on its inputs: one derivation per change, shared by reducer and view; the filter's
search index is built once per report (session-view.ts), so a keystroke only scans it.
*/
export function selectView(state: ViewInput): ExplorerView {
	if (state.report === undefined) {
		return {list: noRows, filter: undefined};
	}

	const cached = cachedViews.find(entry => sameViewInput(entry.input, state));
	if (cached !== undefined) {
		return cached.view;
	}

	const {report, filter} = viewReport(state.report, {
		query: state.filterQuery,
		sortKey: state.sortKey,
		reverse: state.isSortReversed,
		cpuPercentBySessionId: state.usage.bySession,
	});
	const view = {list: flattenReport(report, filter.isFiltering ? state.filterExpansion : state.expansion), filter};
	const input: ViewInput = {
		report: state.report,
		usage: state.usage,
		expansion: state.expansion,
		filterQuery: state.filterQuery,
		filterExpansion: state.filterExpansion,
		sortKey: state.sortKey,
		isSortReversed: state.isSortReversed,
	};
	cachedViews = [{input, view}, ...cachedViews.slice(0, 1)];
	return view;
}

/** The visible rows of a state (see selectView). */
export function selectRows(state: ViewInput): RowList {
	return selectView(state).list;
}

/** Whether a filter is narrowing the rows now (a query of only malformed qualifiers is not). */
function isFiltering(state: ViewInput): boolean {
	return selectView(state).filter?.isFiltering ?? false;
}

function sessionIdOf(row: TreeRow): ProcessId | undefined {
	if (row.kind === 'session') {
		return row.session.id;
	}

	return row.kind === 'process' ? row.sessionId : undefined;
}

function selectionAt(list: RowList, index: number): Selection | undefined {
	const row = list.rows[index];
	if (row === undefined) {
		return undefined;
	}

	const ancestors: ProcessId[] = [];
	let parentId = row.parentId;
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

/** What the key table needs to know about this state. */
export function keyContextOf(state: ExplorerState, list: RowList = selectRows(state)): KeyContext {
	const index = selectedIndex(state, list);
	const row = index === undefined ? undefined : list.rows[index];
	return {
		isHelpOpen: state.isHelpOpen,
		isPaused: state.isPaused,
		isFilterOpen: state.isFilterOpen,
		hasFilter: state.filterQuery !== '',
		selectedKind: row?.kind,
		canExpand: Boolean(row?.hasChildren && !row.isExpanded),
		canCollapse: Boolean(row?.isExpanded),
		dialog: state.actions.dialog?.kind,
		isReadOnly: state.actions.isReadOnly,
		hasTags: state.actions.tags.length > 0,
		canAddDescendants: state.actions.dialog?.kind === 'menu' && state.actions.dialog.descendantCount >= 0
			&& !state.actions.dialog.picks.every(pick => pick.kind === 'session' || pick.kind === 'listener'),
	};
}

function firstSessionIndex(list: RowList): number {
	const index = list.rows.findIndex(row => row.kind === 'session');
	return index === -1 ? 0 : index;
}

function clampOffset(offset: number, index: number | undefined, rowCount: number, height: number): number {
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
function moveTo(state: ExplorerState, list: RowList, index: number): ExplorerState {
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
function followConnection(state: ExplorerState, before: SessionReport | undefined): ExplorerState {
	const {selection, report} = state;
	const sessionId = selection?.sessionId;
	if (selection === undefined || sessionId === undefined || report === undefined || report.sessions.some(session => session.id === sessionId)) {
		return state;
	}

	const gone = before?.sessions.find(session => session.id === sessionId);
	const successor = gone?.userSidePid === undefined
		? undefined
		: report.sessions.find(session => session.pid === gone.userSidePid && session.isOrphaned);
	if (successor === undefined) {
		return state;
	}

	const renamed = (id: ProcessId) => (id === sessionId ? successor.id : id);
	return {
		...state,
		selection: {id: renamed(selection.id), ancestors: selection.ancestors.map(renamed), sessionId: successor.id},
		notice: `The session's monitor ${sessionId.split(':')[0] ?? '?'} is gone; its connection lives on, orphaned`,
	};
}

/**
Finds the selection in new rows: the same process if it is still shown, else its nearest
ancestor that is (its parent when it exited, or the row it was folded into). When nothing of
its branch is left, the cursor stays at the same height and the footer says why.
*/
function reselect(state: ExplorerState, previous: RowList, next: RowList): ExplorerState {
	const {selection} = state;
	const previousIndex = selection === undefined ? undefined : previous.indexById.get(selection.id);
	let index: number | undefined;
	let notice = state.notice;
	if (selection !== undefined) {
		index = next.indexById.get(selection.id);
		for (let level = selection.ancestors.length - 1; index === undefined && level >= 0; level--) {
			index = next.indexById.get(selection.ancestors[level]!);
		}

		if (index === undefined && next.rows.length > 0) {
			index = Math.min(previousIndex ?? 0, next.rows.length - 1);
		}

		// Wherever the cursor lands, it is no longer in the session the user was looking at: say so.
		const sessionEnded = selection.sessionId !== undefined
			&& !(state.report?.sessions.some(session => session.id === selection.sessionId) ?? false);
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
	const offset = screenRow === undefined || next.indexById.get(selection?.id ?? '') === undefined
		? state.scrollOffset
		: index - screenRow;
	return {
		...state,
		selection: selectionAt(next, index),
		scrollOffset: clampOffset(offset, index, next.rows.length, state.viewportHeight),
		notice,
	};
}

function withExpansion(state: ExplorerState, expansion: Expansion): ExplorerState {
	const previous = selectRows(state);
	return reselect({...state, expansion}, previous, selectRows({...state, expansion}));
}

/** Changes whichever expansion is in force: the filter's while filtering, the tree's otherwise. */
function withActiveExpansion(state: ExplorerState, expansion: Expansion): ExplorerState {
	if (!isFiltering(state)) {
		return withExpansion(state, expansion);
	}

	const previous = selectRows(state);
	const next = {...state, filterExpansion: expansion};
	return reselect(next, previous, selectRows(next));
}

function setExpanded(state: ExplorerState, id: ProcessId, isExpanded: boolean): ExplorerState {
	const active = isFiltering(state) ? state.filterExpansion : state.expansion;
	const overrides = new Map(active.overrides);
	overrides.set(id, isExpanded);
	return withActiveExpansion(state, {...active, overrides});
}

/** Re-derives the rows after a change to what is shown (filter, sort), keeping the cursor on its row. */
function withView(state: ExplorerState, change: Partial<ExplorerState>): ExplorerState {
	const previous = selectRows(state);
	const next = {...state, ...change};
	return reselect(next, previous, selectRows(next));
}

function setFilterQuery(state: ExplorerState, filterQuery: string): ExplorerState {
	if (filterQuery === state.filterQuery) {
		return state;
	}

	// A new query opens all of its matches; choices made under the previous query do not carry over.
	// The note about a hidden session stays until the filter is cleared or the cursor moves.
	const notice = state.notice === hiddenByFilterNotice && filterQuery === '' ? undefined : state.notice;
	return withView({...state, notice}, {filterQuery, filterExpansion: filterExpansionDefault});
}

/** Text typed while the filter line is open: printable characters, no control keys. */
function isTyping(input: string, key: Key): boolean {
	return input !== '' && !key.ctrl && !key.meta && !key.return && !key.escape && !key.tab && !key.backspace && !key.delete
		&& !key.upArrow && !key.downArrow && !key.leftArrow && !key.rightArrow && !key.pageUp && !key.pageDown
		// eslint-disable-next-line no-control-regex -- control characters are keys, not text.
		&& !/[\u0000-\u001F\u007F]/.test(input);
}

const actionCommands: ReadonlySet<string> = new Set<ActionCommand>([
	'open-actions', 'quick-term', 'quick-hang-up', 'quick-kill', 'toggle-tag', 'untag-all', 'toggle-history',
	'dialog-yes', 'dialog-no', 'dialog-accept', 'dialog-up', 'dialog-down', 'dialog-switch', 'dialog-descendants', 'dialog-erase',
]);

function isActionCommand(command: ExplorerCommand): command is ActionCommand {
	return actionCommands.has(command);
}

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

function runCommand(state: ExplorerState, command: ExplorerCommand): ExplorerState {
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
			return setFilterQuery(state, Array.from(state.filterQuery).slice(0, -1).join(''));
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
			if (row === undefined || !row.hasChildren) {
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

// Each state's screen is described once, however many refreshes compare against it.
const screenKeys = new WeakMap<ExplorerState, string>();

/**
Everything a report can change on screen, as text: the header's summary, the rows in view
exactly as drawn, and what the footer says about the selection. Two states with the same key
draw the same frame.
*/
function screenKey(state: ExplorerState, report: SessionReport, width: number): string {
	const cached = screenKeys.get(state);
	if (cached !== undefined) {
		return cached;
	}

	const {list, filter} = selectView(state);
	const index = selectedIndex(state, list);
	const parts = [
		...summaryLines(report, {isCoarse: true, isPaused: state.isPaused, sort: {key: state.sortKey, reverse: state.isSortReversed}, lastFullScanAt: state.lastFullScanAt}),
		`${list.rows.length} ${index} ${state.selection?.id} ${state.notice}`,
		healthNoteOfRow(index === undefined ? undefined : list.rows[index], report) ?? '',
		JSON.stringify(keyContextOf(state, list)),
		`${filter?.isFiltering ? filter.matchCount : ''} ${filter?.hint}`,
	];
	// Help and dialogs cover the tree: rows changing underneath them are not on screen.
	if (!state.isHelpOpen && state.actions.dialog === undefined) {
		const layout = layoutOf(report, width);
		parts.push(formatTitleLine(layout));
		const context = {usage: state.usage, now: report.takenAt, isIdleByMinute: true};
		const rows = visibleRows({list, layout, context, scrollOffset: state.scrollOffset, height: state.viewportHeight, filter, taggedIds: taggedIds(state.actions)});
		for (const {row, formatted, isDimmed} of rows) {
			parts.push(`${row.id} ${isDimmed} ${JSON.stringify(formatted.spans)} ${formatted.text}`);
		}
	}

	const key = parts.join('\n');
	screenKeys.set(state, key);
	return key;
}

/** Whether a refresh would leave the frame as it is (unknown before the first report and width). */
function isSameScreen(shown: ExplorerState, next: ExplorerState): boolean {
	if (shown.report === undefined || next.report === undefined || shown.width === undefined || shown.width !== next.width) {
		return false;
	}

	return screenKey(shown, shown.report, shown.width) === screenKey(next, next.report, next.width);
}

function forgetGoneProcesses(expansion: Expansion, report: SessionReport): Expansion {
	if (expansion.overrides.size === 0) {
		return expansion;
	}

	const ids = allRowIds(report);
	const overrides = new Map([...expansion.overrides].filter(([id]) => ids.has(id)));
	return overrides.size === expansion.overrides.size ? expansion : {...expansion, overrides};
}

export function explorerReducer(state: ExplorerState, event: ExplorerEvent): ExplorerState {
	switch (event.type) {
		case 'report-arrived': {
			// Already here: a key press re-sends the newest report, which a quiet refresh may have kept.
			if (event.report === state.report) {
				return state;
			}

			const previous = selectRows(state);
			const arrived = {
				...state,
				report: event.report,
				usage: event.usage,
				lastFullScanAt: event.lastFullScanAt ?? state.lastFullScanAt,
				expansion: forgetGoneProcesses(state.expansion, event.report),
				filterExpansion: forgetGoneProcesses(state.filterExpansion, event.report),
				actions: pruneTags(state.actions, event.report),
			};
			const next = reselect(followConnection(arrived, state.report), previous, selectRows(arrived));
			// Same screen: keep the state, so nothing re-renders and nothing is written.
			return event.isQuiet && isSameScreen(state, next) ? state : next;
		}

		case 'load-failed': {
			return {...state, notice: `Refresh failed: ${event.message}`};
		}

		case 'viewport-resized': {
			const height = Math.max(1, event.height);
			const width = event.width ?? state.width;
			if (height === state.viewportHeight && width === state.width) {
				return state;
			}

			const list = selectRows(state);
			return {...state, width, viewportHeight: height, scrollOffset: clampOffset(state.scrollOffset, selectedIndex(state, list), list.rows.length, height)};
		}

		case 'key-pressed': {
			// The open filter line takes text: j, k, q and s are letters of the query then.
			if (state.isFilterOpen && isTyping(event.input, event.key)) {
				return setFilterQuery(state, state.filterQuery + event.input);
			}

			// The signal-entry line of an action dialog takes text the same way.
			const typed = typeIntoDialog(state.actions, event.input, event.key);
			if (typed !== undefined) {
				return {...state, actions: typed};
			}

			const command = commandFor(event.input, event.key, keyContextOf(state));
			return command === undefined ? state : runCommand(state, command);
		}

		case 'command': {
			return runCommand(state, event.command);
		}

		case 'action-event': {
			return {...state, actions: actionEventArrived(state.actions, event.event)};
		}
	}
}
