// The rows the tree view shows, formatted: only the slice in the viewport. Pure, so the
// reducer can tell whether a refresh changed anything on screen (screen-key.ts) with the very
// text the view draws (tree-view.tsx).
import {
	computeLayout,
	formatRowWithSpans,
	healthNote,
	sessionCell,
	type ColumnLayout,
	type FormattedRow,
	type RowContext,
	type RowHighlight,
	type SessionColumn,
} from '../../model/view/columns.js';
import type {FilterResult} from '../../model/filter/apply-filter.js';
import {formatPercent} from '../../model/view/format.js';
import {rowPrefix, type RowList, type SessionRow, type TreeRow} from '../../model/view/rows.js';
import {processId, type ProcessId, type ProcessNode, type Session, type SessionReport} from '../../model/types.js';
import type {RenderCache} from './render-cache.js';

export type ShownRow = {readonly row: TreeRow; readonly formatted: FormattedRow; readonly isDimmed: boolean};

/**
One layout per width while the sessions are the same objects (a refresh in which nothing
happened keeps the array, model/report/build-report.ts) and the wall-clock minute is the same:
idle times are the only widths that move with the clock, and the live explorer shows them as they
were at the minute, so a layout measured at a minute's first refresh fits them all minute long.
*/
export function layoutOf(
	report: SessionReport,
	width: number,
	cache: Pick<RenderCache, 'layouts'>,
	columns?: readonly SessionColumn[],
): ColumnLayout {
	const minute = Math.floor(report.takenAt / 60_000);
	let cached = cache.layouts.get(report.sessions);
	if (cached?.listeners !== report.listeners || cached.minute !== minute) {
		cached = {listeners: report.listeners, minute, byWidth: new Map()};
		cache.layouts.set(report.sessions, cached);
	}

	const {byWidth} = cached;

	const key = columns === undefined ? String(width) : `${width}:${columns.join(',')}`;
	let layout = byWidth.get(key);
	if (layout === undefined) {
		layout = computeLayout(report, width, columns === undefined ? {} : {columns});
		byWidth.set(key, layout);
	}

	return layout;
}

/** Puts the tag mark in the space between a row's tree glyph and its text; the width stays. */
function markTagged(text: string, row: TreeRow): string {
	const position = rowPrefix(row).length - 1;
	return position < 0 || position >= text.length ? text : `${text.slice(0, position)}+${text.slice(position + 1)}`;
}

/** Id of the session's foreground process, whose command the session row shows. */
function foregroundIdOf(session: Session): ProcessId | undefined {
	const foregroundPid = session.foreground?.pid;
	if (foregroundPid === undefined) {
		return undefined;
	}

	const pending: ProcessNode[] = [session.tree];
	for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
		if (node.process.pid === foregroundPid) {
			return processId(node.process);
		}

		pending.push(...node.children);
	}

	return undefined;
}

function highlightsOf(row: TreeRow, filter: FilterResult | undefined): readonly RowHighlight[] {
	if (!filter?.isFiltering) {
		return [];
	}

	if (row.kind === 'process') {
		return filter.processHighlights.get(row.id) ?? [];
	}

	if (row.kind === 'session') {
		const foregroundId = foregroundIdOf(row.session);
		const foreground =
			foregroundId === undefined
				? []
				: (filter.processHighlights.get(foregroundId) ?? []).filter(range => range.field === 'command');
		return [...(filter.sessionHighlights.get(row.id) ?? []), ...foreground];
	}

	return [];
}

function isContext(row: TreeRow, filter: FilterResult | undefined): boolean {
	if (!filter?.isFiltering) {
		return false;
	}

	if (row.kind === 'process') {
		return filter.processMarks.get(row.id) === 'context';
	}

	return row.kind === 'session' && filter.sessionMarks.get(row.id) === 'context';
}

export type VisibleRowsInput = {
	readonly list: RowList;
	readonly layout: ColumnLayout;
	readonly context: RowContext;
	readonly scrollOffset: number;
	readonly height: number;
	readonly filter: FilterResult | undefined;
	readonly taggedIds: ReadonlySet<ProcessId>;
	/** The explorer's render cache: formatted lines kept while what they show is the same. */
	readonly cache: Pick<RenderCache, 'processLines' | 'sessionLines'>;
};

/** Session lines kept at most: ids of ended sessions stay until the map is cleared. */
const sessionLinesLimit = 4096;

/**
A session row's line, by the session's id: a refresh builds every session anew (its idle time has
grown), but the cells it shows change far less often. The key is the text of every cell and what
else the line is made of; fitting the cells to their columns is what it saves.
*/
function formatSessionRow(
	row: SessionRow,
	layout: ColumnLayout,
	context: RowContext,
	sessionLines: RenderCache['sessionLines'],
): FormattedRow {
	const {session} = row;
	const cells = layout.columns.map(({column, width}) => `${width}\u0001${sessionCell(session, column, context)}`);
	const foreground = session.foreground === undefined ? '\u0002' : session.foreground.command;
	const key = [
		rowPrefix(row),
		session.isOwn,
		session.isOwnChain,
		session.isOrphaned,
		session.isVerified,
		layout.width,
		session.health?.health,
		foreground,
		...cells,
	].join('\0');
	const cached = sessionLines.get(row.id);
	if (cached?.key === key) {
		return cached.line;
	}

	const line = formatRowWithSpans(row, layout, context);
	if (sessionLines.size >= sessionLinesLimit) {
		sessionLines.clear();
	}

	sessionLines.set(row.id, {key, line});
	return line;
}

/**
A process row's line, by the record it shows: the scanner hands over the same record while the
process's stat line does not change, so on a quiet refresh most process rows are the lines of the
refresh before. The key holds the rest of what the line shows: its place in the tree, the widths
it is fitted to and its CPU figure.
*/
function formatRow(
	row: TreeRow,
	layout: ColumnLayout,
	context: RowContext,
	highlights: readonly RowHighlight[],
	cache: VisibleRowsInput['cache'],
): FormattedRow {
	if (highlights.length > 0 || (row.kind !== 'process' && row.kind !== 'session')) {
		return formatRowWithSpans(row, layout, context, highlights);
	}

	if (row.kind === 'session') {
		return formatSessionRow(row, layout, context, cache.sessionLines);
	}

	const {processLines} = cache;
	const key = `${rowPrefix(row)}\0${layout.width}\0${layout.userWidth}\0${layout.showCpu}\0${formatPercent(context.usage.byProcess.get(row.id))}`;
	const cached = processLines.get(row.process);
	if (cached?.key === key) {
		return cached.line;
	}

	const line = formatRowWithSpans(row, layout, context);
	processLines.set(row.process, {key, line});
	return line;
}

/** The rows inside the viewport, each as the exact text (and emphasis) it is drawn with. */
export function visibleRows({
	list,
	layout,
	context,
	scrollOffset,
	height,
	filter,
	taggedIds,
	cache,
}: VisibleRowsInput): ShownRow[] {
	return list.rows.slice(scrollOffset, scrollOffset + height).map(row => {
		const formatted = formatRow(row, layout, context, highlightsOf(row, filter), cache);
		return {
			row,
			formatted: taggedIds.has(row.id) ? {...formatted, text: markTagged(formatted.text, row)} : formatted,
			isDimmed: isContext(row, filter),
		};
	});
}

/** Why the selected row's connection is not fine (a session row, or a process in that session). */
export function healthNoteOfRow(row: TreeRow | undefined, report: SessionReport | undefined): string | undefined {
	if (row?.kind === 'session') {
		return healthNote(row.session);
	}

	const session = row?.kind === 'process' ? report?.sessions.find(each => each.id === row.sessionId) : undefined;
	return session === undefined ? undefined : healthNote(session);
}
