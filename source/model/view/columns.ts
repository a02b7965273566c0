// One line of text per row, fitted to the terminal: which session columns fit, how wide,
// and the exact text of each row. Shared by the explorer and the plain-text view.
import type {CpuUsage} from './cpu.js';
import {sessionMemoryBytes} from './cpu.js';
import {
	displayWidth, fitToWidth, formatBytes, formatEndpoint, formatIdle, formatLoginTime, formatPercent, truncateToWidth,
	type Alignment,
} from './format.js';
import {rowPrefix, type TreeRow} from './rows.js';
import {sanitizeCommand, sanitizeText} from './sanitize.js';
import type {SessionHealth} from '../report/health.js';
import {idleSecondsAt} from '../report/idle.js';
import type {Session, SessionReport} from '../types.js';

export type SessionColumn = 'user' | 'from' | 'tty' | 'login' | 'idle' | 'health' | 'kind' | 'cpu' | 'memory';

/** Left to right on screen. */
const displayOrder: readonly SessionColumn[] = ['user', 'from', 'tty', 'login', 'idle', 'health', 'kind', 'cpu', 'memory'];
/** Most important first: on a narrow terminal the last ones are left out. A dead connection must show at 80 columns. */
const priority: readonly SessionColumn[] = ['user', 'from', 'idle', 'health', 'cpu', 'memory', 'tty', 'login', 'kind'];

const titles: Readonly<Record<SessionColumn, string>> = {
	user: 'USER', from: 'FROM', tty: 'TTY', login: 'LOGIN', idle: 'IDLE', health: 'HEALTH', kind: 'KIND', cpu: 'CPU%', memory: 'MEM',
};

const alignments: Readonly<Record<SessionColumn, Alignment>> = {
	user: 'left', from: 'left', tty: 'left', login: 'left', idle: 'right', health: 'left', kind: 'left', cpu: 'right', memory: 'right',
};

/**
The HEALTH column: quiet when fine, loud when not. Upper case, so a dead or stalled connection
stands out without colour too; the explorer also colours them (red, yellow, faint).
*/
export const healthLabels: Readonly<Record<SessionHealth, string>> = {
	ok: 'ok', stalled: 'STALL', 'dead-peer': 'DEAD', unknown: '?',
};

const healthStyles: Readonly<Record<SessionHealth, SpanStyle | undefined>> = {
	ok: undefined, stalled: 'warning', 'dead-peer': 'danger', unknown: 'faint',
};

/** Why a session's connection is not fine, for the status line: `DEAD: connection is closing (CLOSE_WAIT)`; nothing when it is. */
export function healthNote(session: Session): string | undefined {
	const health = session.health;
	if (health === undefined || health.health === 'ok') {
		return undefined;
	}

	const name = health.health === 'unknown' ? 'health unknown' : healthLabels[health.health];
	return [name, ...health.evidence.map(sentence => sanitizeText(sentence))].join(': ');
}

/**
Words before a session's command that say it is not an ordinary connection: `[orphaned]` (its
monitor is gone, the connection lives on), `[unverified]` (its sshd could not be checked),
`[outer hop]` (a session the operator's own was opened from).
*/
export function sessionTags(session: Session): ReadonlyArray<{readonly text: string; readonly style: SpanStyle}> {
	const tags: Array<{readonly text: string; readonly style: SpanStyle}> = [];
	if (session.isOrphaned) {
		tags.push({text: '[orphaned]', style: 'warning'});
	}

	if (!session.isVerified) {
		tags.push({text: '[unverified]', style: 'faint'});
	}

	if (session.isOwnChain && !session.isOwn) {
		tags.push({text: '[your outer hop]', style: 'warning'});
	}

	return tags;
}

/** Marks an idle time measured without a terminal (from the session's channels): `5m~`. */
export const channelIdleMark = '~';

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

export type RowContext = {
	readonly usage: CpuUsage;
	/** Epoch ms the durations are measured to: the report's time, so a frozen view stays frozen. */
	readonly now: number;
	/**
	Show idle times as they were at the start of the current wall-clock minute. Shown in whole
	minutes, each session's idle time would tick over at its own second, one redraw each; this
	way every row moves on together, once a minute (the live explorer).
	*/
	readonly isIdleByMinute?: boolean;
};

/** The idle time a row shows: see RowContext.isIdleByMinute. */
function shownIdleSeconds(seconds: number | undefined, context: RowContext): number | undefined {
	if (seconds === undefined || context.isIdleByMinute !== true) {
		return seconds;
	}

	// Under a minute the seconds show, as `w` shows them; past it, whole minutes that move on together.
	if (seconds < 60) {
		return seconds;
	}

	const sinceMinute = (context.now % 60_000) / 1000;
	return Math.max(60, seconds - sinceMinute);
}

/** The text of one of a session row's cells, before it is fitted to its column. */
export function sessionCell(session: Session, column: SessionColumn, context: RowContext): string {
	switch (column) {
		case 'user': {
			return sanitizeText(session.user);
		}

		case 'from': {
			return sanitizeText(formatEndpoint(session.peer));
		}

		case 'tty': {
			return session.ttys.length === 0 ? '-' : sanitizeText(session.ttys.join(','));
		}

		case 'login': {
			return formatLoginTime(session.loginAt, context.now);
		}

		case 'idle': {
			const idleSeconds = idleSecondsAt(session, context.now);
			if (session.ttys.length === 0 && idleSeconds === undefined) {
				return '-';
			}

			return formatIdle(shownIdleSeconds(idleSeconds, context)) + ((session.idleSource === 'channels' || session.idleSource === 'network') && idleSeconds !== undefined ? channelIdleMark : '');
		}

		case 'health': {
			return session.health === undefined ? '-' : healthLabels[session.health.health];
		}

		case 'kind': {
			return session.kind;
		}

		case 'cpu': {
			return formatPercent(context.usage.bySession.get(session.id));
		}

		case 'memory': {
			return formatBytes(memoryOf(session));
		}
	}
}

// A session's tree is summed once per report, not on every key press that redraws its row.
const memoryBySession = new WeakMap<Session, number>();
function memoryOf(session: Session): number {
	let bytes = memoryBySession.get(session);
	if (bytes === undefined) {
		bytes = sessionMemoryBytes(session.tree);
		memoryBySession.set(session, bytes);
	}

	return bytes;
}

const naturalWidths: Readonly<Record<SessionColumn, readonly [minimum: number, maximum: number]>> = {
	user: [4, 12], from: [4, 24], tty: [3, 12], login: [5, 5], idle: [5, 6], health: [6, 6], kind: [7, 7], cpu: [5, 5], memory: [6, 6],
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
export function computeLayout(report: SessionReport, width: number | undefined, options: {readonly showCpu?: boolean} = {}): ColumnLayout {
	const context: RowContext = {usage: {byProcess: new Map(), bySession: new Map()}, now: report.takenAt};
	const hasListeners = report.sessions.some(session => report.listeners.some(listener => listener.pid === session.listenerPid));
	const sessionIndent = (hasListeners ? 4 : 2) + 1;
	const widths = new Map<SessionColumn, number>();
	for (const column of displayOrder) {
		const [minimum, maximum] = naturalWidths[column];
		let widest = Math.max(minimum, displayWidth(titles[column]));
		if (minimum !== maximum) {
			for (const session of report.sessions) {
				widest = Math.max(widest, cellWidth(session, column, context));
			}
		}

		widths.set(column, Math.min(widest, maximum));
	}

	const chosen = new Set<SessionColumn>();
	let used = sessionIndent;
	for (const column of priority) {
		if (column === 'cpu' && options.showCpu === false) {
			continue;
		}

		// Reports built without socket data have no health to show.
		if (column === 'health' && !report.sessions.some(session => session.health !== undefined)) {
			continue;
		}

		const columnWidth = (widths.get(column) ?? 0) + 1;
		if (width === undefined || used + columnWidth + minimumCommandWidth <= width) {
			chosen.add(column);
			used += columnWidth;
		}
	}

	const userWidth = widths.get('user') ?? 4;
	return {
		width,
		columns: displayOrder.filter(column => chosen.has(column)).map(column => ({column, width: widths.get(column) ?? 1})),
		userWidth,
		sessionIndent,
		showCpu: options.showCpu !== false,
	};
}

function fitLine(line: string, layout: ColumnLayout): string {
	return layout.width === undefined ? line.trimEnd() : fitToWidth(line, layout.width);
}

/** The title line above the session rows. */
export function formatTitleLine(layout: ColumnLayout): string {
	const cells = layout.columns.map(({column, width}) => fitToWidth(titles[column], width, alignments[column]));
	return fitLine(`${' '.repeat(layout.sessionIndent)}${[...cells, 'COMMAND'].join(' ')}`, layout);
}

/**
How a span is drawn: `match` a filter match; `danger` (dead peer), `warning` (stalled) and
`faint` (unknown) for the health column.
*/
export type SpanStyle = 'match' | 'danger' | 'warning' | 'faint';

/** Characters `start` to `end` of a row's text to emphasise (string indices, not cells); a filter match when no style is given. */
export type TextSpan = readonly [start: number, end: number, style?: SpanStyle];

export type FormattedRow = {
	readonly text: string;
	/** Where the filter's matches landed in `text`, after fitting: only what is still visible. */
	readonly spans: readonly TextSpan[];
};

/** Ranges in the texts a row displays (see filter-text.ts): which field, which characters. */
export type RowHighlight = {readonly field: string; readonly start: number; readonly end: number};

function commonPrefixLength(a: string, b: string): number {
	let length = 0;
	while (length < a.length && length < b.length && a[length] === b[length]) {
		length++;
	}

	return length;
}

/** Builds one line cell by cell, carrying highlight ranges from each cell's text to the line. */
class LineBuilder {
	text = '';
	spans: TextSpan[] = [];
	private hasCell = false;

	add(raw: string, ranges: readonly RowHighlight[] = [], fit?: {readonly width: number; readonly alignment: Alignment}, style?: SpanStyle): this {
		// Cells are separated by one space; the tree prefix already ends where the first cell starts.
		if (this.hasCell) {
			this.text += ' ';
		}

		this.hasCell = true;

		let shown = raw;
		let kept = raw.length;
		let padding = 0;
		if (fit !== undefined) {
			shown = fitToWidth(raw, fit.width, fit.alignment);
			const truncated = truncateToWidth(raw, fit.width);
			kept = truncated === raw ? raw.length : commonPrefixLength(raw, truncated);
			padding = fit.alignment === 'right' ? shown.length - truncated.length : 0;
		}

		const base = this.text.length + padding;
		if (style !== undefined && kept > 0) {
			this.spans.push([base, base + Math.min(kept, raw.length), style]);
		}

		for (const range of ranges) {
			const start = Math.max(0, range.start);
			const end = Math.min(kept, range.end);
			if (end > start) {
				this.spans.push([base + start, base + end]);
			}
		}

		this.text += shown;
		return this;
	}

	prefix(text: string): this {
		this.text += text;
		return this;
	}

	finish(layout: ColumnLayout): FormattedRow {
		const text = fitLine(this.text, layout);
		const kept = commonPrefixLength(this.text, text);
		const spans = this.spans
			.map(([start, end, style]): TextSpan => [start, Math.min(end, kept), style])
			.filter(([start, end]) => end > start);
		return {text, spans};
	}
}

const sessionFieldOf: Partial<Record<SessionColumn, string>> = {user: 'user', from: 'peer', tty: 'ttys', kind: 'kind'};

/** The exact text of one row: one line, never wider than the layout allows. */
export function formatRow(row: TreeRow, layout: ColumnLayout, context: RowContext): string {
	return formatRowWithSpans(row, layout, context).text;
}

/**
The text of one row and where `highlights` land in it. For a session row, `highlights` holds
its own fields' ranges (user, peer, ttys, kind) and its foreground command's (`command`).
*/
export function formatRowWithSpans(row: TreeRow, layout: ColumnLayout, context: RowContext, highlights: readonly RowHighlight[] = []): FormattedRow {
	const rangesOf = (field: string) => highlights.filter(range => range.field === field);
	switch (row.kind) {
		case 'listener': {
			const {listener} = row;
			const ports = listener.ports.map(port => `:${port}`).join(' ') || '?';
			const sessions = `${row.sessionCount} session${row.sessionCount === 1 ? '' : 's'}`;
			return new LineBuilder().prefix(`${rowPrefix(row)}listener ${ports}  pid ${listener.pid}  ${sessions}  ${sanitizeText(listener.command)}`).finish(layout);
		}

		case 'session': {
			const {session} = row;
			const line = new LineBuilder().prefix(`${rowPrefix(row)}${session.isOwnChain || session.isOwn ? '*' : ' '}`);
			for (const {column, width} of layout.columns) {
				const field = sessionFieldOf[column];
				const style = column === 'health' && session.health !== undefined ? healthStyles[session.health.health] : undefined;
				line.add(sessionCell(session, column, context), field === undefined ? [] : rangesOf(field), {width, alignment: alignments[column]}, style);
			}

			for (const tag of sessionTags(session)) {
				line.add(tag.text, [], undefined, tag.style);
			}

			line.add(session.foreground === undefined ? '-' : sanitizeText(session.foreground.command), rangesOf('command'));
			return line.finish(layout);
		}

		case 'process': {
			const {process} = row;
			const line = new LineBuilder().prefix(rowPrefix(row))
				.add(String(process.pid), rangesOf('pid'), {width: pidWidth, alignment: 'right'})
				.add(sanitizeText(process.user), [], {width: layout.userWidth, alignment: 'left'})
				.add(sanitizeText(process.state), [], {width: 1, alignment: 'left'});
			if (layout.showCpu) {
				line.add(formatPercent(context.usage.byProcess.get(row.id)), [], {width: 5, alignment: 'right'});
			}

			return line
				.add(formatBytes(process.rssBytes), [], {width: 6, alignment: 'right'})
				.add(sanitizeCommand(process.argv, process.comm), rangesOf('command'))
				.finish(layout);
		}

		case 'leftover-group': {
			const count = `${row.leftoverCount} process${row.leftoverCount === 1 ? '' : 'es'}`;
			return new LineBuilder().prefix(`${rowPrefix(row)}left behind: ${count} outlived their SSH session`).finish(layout);
		}

		case 'leftover': {
			const {process, leftover} = row;
			const line = new LineBuilder().prefix(rowPrefix(row))
				.add(String(process.pid), [], {width: pidWidth, alignment: 'right'})
				.add(sanitizeText(process.user), [], {width: layout.userWidth, alignment: 'left'})
				.add(sanitizeText(process.state), [], {width: 1, alignment: 'left'})
				.add(formatBytes(process.rssBytes), [], {width: 6, alignment: 'right'});
			// The top process says where it came from; the ones below it share that.
			if (row.isTop) {
				const tty = leftover.sshTty === undefined ? '' : ` ${sanitizeText(leftover.sshTty.replace(/^\/dev\//, ''))}`;
				line.add(`from ${sanitizeText(formatEndpoint(leftover.peer))}${tty}:`);
			}

			return line.add(sanitizeCommand(process.argv, process.comm)).finish(layout);
		}
	}
}
