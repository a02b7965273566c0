// One line of text per row, fitted to the terminal: which session columns fit, how wide,
// and the exact text of each row. Shared by the explorer and the plain-text view.
import type {CpuUsage} from './cpu.js';
import {sessionMemoryBytes} from './cpu.js';
import {
	displayWidth, fitToWidth, formatBytes, formatDuration, formatEndpoint, formatLoginTime, formatPercent,
	type Alignment,
} from './format.js';
import {rowPrefix, type TreeRow} from './rows.js';
import {sanitizeCommand, sanitizeText} from './sanitize.js';
import type {Session, SessionReport} from './types.js';

export type SessionColumn = 'user' | 'from' | 'tty' | 'login' | 'idle' | 'kind' | 'cpu' | 'memory';

/** Left to right on screen. */
const displayOrder: readonly SessionColumn[] = ['user', 'from', 'tty', 'login', 'idle', 'kind', 'cpu', 'memory'];
/** Most important first: on a narrow terminal the last ones are left out. */
const priority: readonly SessionColumn[] = ['user', 'from', 'idle', 'cpu', 'memory', 'tty', 'login', 'kind'];

const titles: Readonly<Record<SessionColumn, string>> = {
	user: 'USER', from: 'FROM', tty: 'TTY', login: 'LOGIN', idle: 'IDLE', kind: 'KIND', cpu: 'CPU%', memory: 'MEM',
};

const alignments: Readonly<Record<SessionColumn, Alignment>> = {
	user: 'left', from: 'left', tty: 'left', login: 'left', idle: 'right', kind: 'left', cpu: 'right', memory: 'right',
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

export type RowContext = {
	readonly usage: CpuUsage;
	/** Epoch ms the durations are measured to: the report's time, so a frozen view stays frozen. */
	readonly now: number;
};

function sessionCell(session: Session, column: SessionColumn, context: RowContext): string {
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
			return session.ttys.length === 0 && session.idleSeconds === undefined ? '-' : formatDuration(session.idleSeconds);
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
	user: [4, 12], from: [4, 24], tty: [3, 12], login: [5, 5], idle: [5, 5], kind: [7, 7], cpu: [5, 5], memory: [6, 6],
};

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
				widest = Math.max(widest, displayWidth(sessionCell(session, column, context)));
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

/** The exact text of one row: one line, never wider than the layout allows. */
export function formatRow(row: TreeRow, layout: ColumnLayout, context: RowContext): string {
	switch (row.kind) {
		case 'listener': {
			const {listener} = row;
			const ports = listener.ports.map(port => `:${port}`).join(' ') || '?';
			const sessions = `${row.sessionCount} session${row.sessionCount === 1 ? '' : 's'}`;
			return fitLine(`${rowPrefix(row)}listener ${ports}  pid ${listener.pid}  ${sessions}  ${sanitizeText(listener.command)}`, layout);
		}

		case 'session': {
			const {session} = row;
			const mark = session.isOwn ? '*' : ' ';
			const cells = layout.columns.map(({column, width}) => fitToWidth(sessionCell(session, column, context), width, alignments[column]));
			const command = session.foreground === undefined ? '-' : sanitizeText(session.foreground.command);
			return fitLine(`${rowPrefix(row)}${mark}${[...cells, command].join(' ')}`, layout);
		}

		case 'process': {
			const {process} = row;
			const cells = [
				fitToWidth(String(process.pid), pidWidth, 'right'),
				fitToWidth(sanitizeText(process.user), layout.userWidth),
				fitToWidth(sanitizeText(process.state), 1),
				...(layout.showCpu ? [fitToWidth(formatPercent(context.usage.byProcess.get(row.id)), 5, 'right')] : []),
				fitToWidth(formatBytes(process.rssBytes), 6, 'right'),
				sanitizeCommand(process.argv, process.comm),
			];
			return fitLine(`${rowPrefix(row)}${cells.join(' ')}`, layout);
		}
	}
}
