// One line of text per row, fitted to the terminal: which session columns fit, how wide,
// and the exact text of each row. Shared by the explorer and the plain-text view.
import type {Session, SessionReport} from '../types.js';
import {displayWidth, fitToWidth, formatBytes, formatEndpoint, formatPercent, type Alignment} from './format.js';
import {fitLine, LineBuilder, type FormattedRow, type RowHighlight} from './line-builder.js';
import {healthStyles, sessionCell, sessionTags, type RowContext, type SessionColumn} from './session-cells.js';
import {rowPrefix, type TreeRow} from './rows.js';
import {sanitizeCommand, sanitizeText} from './sanitize.js';

/** Left to right on screen. */
const displayOrder: readonly SessionColumn[] = [
	'user',
	'who',
	'pid',
	'from',
	'tty',
	'login',
	'idle',
	'health',
	'kind',
	'cpu',
	'memory',
];
/**
Most important first: on a narrow terminal the last ones give way (README, "Columns"). What triage
needs stays at 80 columns: who, which pid to act on, from where, how idle, whether the connection
is alive, and on which terminal.
*/
export const columnPriority: readonly SessionColumn[] = [
	'user',
	'pid',
	'from',
	'idle',
	'health',
	'who',
	'tty',
	'kind',
	'login',
	'cpu',
	'memory',
];

export const columnTitles: Readonly<Record<SessionColumn, string>> = {
	user: 'USER',
	who: 'WHO',
	pid: 'PID',
	from: 'FROM',
	tty: 'TTY',
	login: 'LOGIN',
	idle: 'IDLE',
	health: 'HEALTH',
	kind: 'KIND',
	cpu: 'CPU%',
	memory: 'MEM',
};

const alignments: Readonly<Record<SessionColumn, Alignment>> = {
	user: 'left',
	who: 'left',
	pid: 'right',
	from: 'left',
	tty: 'left',
	login: 'left',
	idle: 'right',
	health: 'left',
	kind: 'left',
	cpu: 'right',
	memory: 'right',
};

/** The narrowest the command may get before a lower-priority column is dropped. */
const minimumCommandWidth = 14;
const pidWidth = 7;

export type Column = {readonly column: SessionColumn; readonly width: number};

export type ColumnLayout = {
	/** Cells available per line; undefined means unlimited (a pipe). */
	readonly width: number | undefined;
	readonly columns: readonly Column[];
	readonly userWidth: number;
	/** Cells taken by the tree prefix of session rows, so the title line aligns with them. */
	readonly sessionIndent: number;
	/** False for a one-shot view: CPU% needs two readings. */
	readonly showCpu: boolean;
};

const naturalWidths: Readonly<Record<SessionColumn, readonly [minimum: number, maximum: number]>> = {
	user: [4, 12],
	who: [3, 18],
	pid: [3, 7],
	from: [4, 24],
	tty: [3, 12],
	login: [5, 5],
	idle: [5, 6],
	health: [6, 6],
	kind: [7, 7],
	cpu: [5, 5],
	memory: [6, 6],
};

// The widths of a session's cells that depend on the session alone (not on the clock or the CPU
// figures), once per session object: a refresh keeps the object of every session nothing happened in.
const contextColumns: ReadonlySet<SessionColumn> = new Set(['idle', 'login', 'cpu']);
const fixedCellWidths = new WeakMap<Session, Map<SessionColumn, number>>();

function cellWidth(session: Session, column: SessionColumn, context: RowContext): number {
	if (contextColumns.has(column)) {
		return displayWidth(sessionCell(session, column, context));
	}

	let widths = fixedCellWidths.get(session);
	if (widths === undefined) {
		widths = new Map();
		fixedCellWidths.set(session, widths);
	}

	let width = widths.get(column);
	if (width === undefined) {
		width = displayWidth(sessionCell(session, column, context));
		widths.set(column, width);
	}

	return width;
}

/**
Chooses the session columns that fit `width` (all of them when unlimited) and their
widths, from the sessions actually shown so the data decides, within bounds.
*/
export function computeLayout(
	report: SessionReport,
	width: number | undefined,
	options: {readonly showCpu?: boolean; readonly columns?: readonly SessionColumn[]} = {},
): ColumnLayout {
	const context: RowContext = {usage: {byProcess: new Map(), bySession: new Map()}, now: report.takenAt};
	const hasListeners = report.sessions.some(session =>
		report.listeners.some(listener => listener.pid === session.listenerPid),
	);
	const sessionIndent = (hasListeners ? 4 : 2) + 1;
	const widths = new Map<SessionColumn, number>();
	for (const column of displayOrder) {
		const [minimum, maximum] = naturalWidths[column];
		let widest = Math.max(minimum, displayWidth(columnTitles[column]));
		if (minimum !== maximum) {
			for (const session of report.sessions) {
				widest = Math.max(widest, cellWidth(session, column, context));
			}
		}

		widths.set(column, Math.min(widest, maximum));
	}

	const chosen = new Set<SessionColumn>();
	let used = sessionIndent;
	for (const column of columnPriority) {
		if (
			(column === 'cpu' && options.showCpu === false) ||
			(options.columns !== undefined && !options.columns.includes(column))
		) {
			continue;
		}

		// Reports built without socket data have no health to show, and without sshd's log no WHO.
		if (column === 'health' && !report.sessions.some(session => session.health !== undefined)) {
			continue;
		}

		if (
			column === 'who' &&
			!report.sessions.some(session => session.auth !== undefined || (session.sourceFailures ?? 0) > 0)
		) {
			continue;
		}

		const columnWidth = (widths.get(column) ?? 0) + 1;
		// Strictly in order: a less important column never shows where a more important one did not fit.
		if (width !== undefined && used + columnWidth + minimumCommandWidth > width) {
			break;
		}

		chosen.add(column);
		used += columnWidth;
	}

	const userWidth = widths.get('user') ?? 4;
	return {
		width,
		columns: displayOrder
			.filter(column => chosen.has(column))
			.map(column => ({column, width: widths.get(column) ?? 1})),
		userWidth,
		sessionIndent,
		showCpu: options.showCpu !== false,
	};
}

/** The title line above the session rows. */
export function formatTitleLine(layout: ColumnLayout): string {
	const cells = layout.columns.map(({column, width}) => fitToWidth(columnTitles[column], width, alignments[column]));
	return fitLine(`${' '.repeat(layout.sessionIndent)}${[...cells, 'COMMAND'].join(' ')}`, layout.width);
}

const sessionFieldOf: Partial<Record<SessionColumn, string>> = {
	user: 'user',
	who: 'who',
	from: 'peer',
	tty: 'ttys',
	kind: 'kind',
};

/** The exact text of one row: one line, never wider than the layout allows. */
export function formatRow(row: TreeRow, layout: ColumnLayout, context: RowContext): string {
	return formatRowWithSpans(row, layout, context).text;
}

/**
The text of one row and where `highlights` land in it. For a session row, `highlights` holds
its own fields' ranges (user, peer, ttys, kind) and its foreground command's (`command`).
*/
export function formatRowWithSpans(
	row: TreeRow,
	layout: ColumnLayout,
	context: RowContext,
	highlights: readonly RowHighlight[] = [],
): FormattedRow {
	const rangesOf = (field: string) => highlights.filter(range => range.field === field);
	switch (row.kind) {
		case 'listener': {
			const {listener} = row;
			const ports = listener.ports.map(port => `:${port}`).join(' ') || '?';
			const sessions = `${row.sessionCount} session${row.sessionCount === 1 ? '' : 's'}`;
			return new LineBuilder()
				.prefix(
					`${rowPrefix(row)}listener ${ports}  pid ${listener.pid}  ${sessions}  ${sanitizeText(listener.command)}`,
				)
				.finish(layout.width);
		}

		case 'session': {
			const {session} = row;
			const line = new LineBuilder().prefix(`${rowPrefix(row)}${session.isOwnChain || session.isOwn ? '*' : ' '}`);
			for (const {column, width} of layout.columns) {
				const field = sessionFieldOf[column];
				const style =
					column === 'health' && session.health !== undefined ? healthStyles[session.health.health] : undefined;
				line.add(
					sessionCell(session, column, context),
					field === undefined ? [] : rangesOf(field),
					{width, alignment: alignments[column]},
					style,
				);
			}

			for (const tag of sessionTags(session)) {
				line.add(tag.text, [], undefined, tag.style);
			}

			line.add(session.foreground === undefined ? '-' : sanitizeText(session.foreground.command), rangesOf('command'));
			return line.finish(layout.width);
		}

		case 'process': {
			const {process} = row;
			const line = new LineBuilder()
				.prefix(rowPrefix(row))
				.add(String(process.pid), rangesOf('pid'), {width: pidWidth, alignment: 'right'})
				.add(sanitizeText(process.user), [], {width: layout.userWidth, alignment: 'left'})
				.add(sanitizeText(process.state), [], {width: 1, alignment: 'left'});
			if (layout.showCpu) {
				line.add(formatPercent(context.usage.byProcess.get(row.id)), [], {width: 5, alignment: 'right'});
			}

			return line
				.add(formatBytes(process.rssBytes), [], {width: 6, alignment: 'right'})
				.add(sanitizeCommand(process.argv, process.comm), rangesOf('command'))
				.finish(layout.width);
		}

		case 'leftover-group': {
			const count = `${row.leftoverCount} process${row.leftoverCount === 1 ? '' : 'es'}`;
			return new LineBuilder()
				.prefix(`${rowPrefix(row)}left behind: ${count} outlived their SSH session`)
				.finish(layout.width);
		}

		case 'leftover': {
			const {process, leftover} = row;
			const line = new LineBuilder()
				.prefix(rowPrefix(row))
				.add(String(process.pid), [], {width: pidWidth, alignment: 'right'})
				.add(sanitizeText(process.user), [], {width: layout.userWidth, alignment: 'left'})
				.add(sanitizeText(process.state), [], {width: 1, alignment: 'left'})
				.add(formatBytes(process.rssBytes), [], {width: 6, alignment: 'right'});
			// The top process says where it came from; the ones below it share that.
			if (row.isTop) {
				const tty = leftover.sshTty === undefined ? '' : ` ${sanitizeText(leftover.sshTty.replace(/^\/dev\//u, ''))}`;
				line.add(`from ${sanitizeText(formatEndpoint(leftover.peer))}${tty}:`);
			}

			return line.add(sanitizeCommand(process.argv, process.comm)).finish(layout.width);
		}
	}
}

export {
	channelIdleMark,
	healthLabels,
	healthNote,
	sessionCell,
	sessionTags,
	type RowContext,
	type SessionColumn,
} from './session-cells.js';
export type {FormattedRow, RowHighlight, SpanStyle, TextSpan} from './line-builder.js';
