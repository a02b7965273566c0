import {describe, expect, test} from 'vitest';
import {
	columnPriority,
	computeLayout,
	formatRow,
	formatRowWithSpans,
	formatTitleLine,
	healthNote,
} from '../../../source/model/view/columns.js';
import type {SessionHealth} from '../../../source/model/report/health.js';
import type {Session} from '../../../source/model/types.js';
import {unknownCpuUsage} from '../../../source/model/view/cpu.js';
import {displayWidth} from '../../../source/model/view/format.js';
import {flattenReport} from '../../../source/model/view/rows.js';
import {compactTtys, type SessionColumn} from '../../../source/model/view/session-cells.js';
import {child, idleFor, report, shellSession, takenAt} from '../../fixtures/builders.js';

const context = {usage: unknownCpuUsage, now: takenAt};

describe('lines fit the terminal', () => {
	const wide = shellSession(1000, {
		user: '漢字ユーザー',
		shellChildren: [
			child(1003, 1002, ['vim', '長い長い長い長い長い長い長い長い長い長い長い長い長い長い長い長い長い.txt']),
		],
		foregroundPid: 1003,
	});

	for (const width of [40, 60, 80, 120]) {
		test(`every line is exactly ${width} cells, counting wide characters as two`, () => {
			const sessions = report([wide, shellSession(2000, {user: 'bob'})]);
			const layout = computeLayout(sessions, width);
			const lines = [
				formatTitleLine(layout),
				...flattenReport(sessions).rows.map(row => formatRow(row, layout, context)),
			];
			for (const line of lines) {
				expect(displayWidth(line)).toBe(width);
				expect(line).not.toContain('\n');
			}
		});
	}

	test('a narrow terminal drops the least important session columns first', () => {
		const sessions = report([shellSession(2000, {user: 'bob'})]);
		const narrow = computeLayout(sessions, 60).columns.map(each => each.column);
		const wideLayout = computeLayout(sessions, 160).columns.map(each => each.column);
		expect(wideLayout).toEqual(['user', 'pid', 'from', 'tty', 'login', 'idle', 'kind', 'cpu', 'memory']);
		expect(narrow).toEqual(expect.arrayContaining(['user', 'pid', 'from', 'idle']));
		expect(narrow).not.toContain('kind');
		expect(narrow).not.toContain('memory');
	});

	test('a session row shows user, pid, peer, tty, login, idle, kind, CPU, memory and the foreground command', () => {
		const sessions = report([shellSession(2000, {user: 'bob', peer: {address: '203.0.113.7', port: 41_022}})]);
		const layout = computeLayout(sessions, 160);
		const sessionRow = flattenReport(sessions).rows[1]!;
		expect(formatRow(sessionRow, layout, context)).toMatch(
			/└─▾ {2}bob +2000 +203\.0\.113\.7:41022 +pts\/0 +\w{3}\d\d +2m +shell +- +12\.0M -bash/u,
		);
	});

	test('a connection with several terminals shows the first and how many more: pts/7+2', () => {
		expect(compactTtys(['pts/7', 'pts/8', 'pts/9'])).toBe('pts/7+2');
		expect(compactTtys(['pts/7'])).toBe('pts/7');
		expect(compactTtys([])).toBe('-');
		expect(compactTtys(['pts/\u001B[2J', 'pts/1'])).toBe('pts/^[[2J+1');
		const sessions = report([shellSession(2000, {user: 'bob', tty: 'pts/7', ttys: ['pts/7', 'pts/8', 'pts/9']})]);
		expect(formatRow(flattenReport(sessions).rows[1]!, computeLayout(sessions, 160), context)).toMatch(/ pts\/7\+2 /u);
	});

	test('the operator’s own session is marked with *', () => {
		const sessions = report([shellSession(2000, {user: 'bob', isOwn: true})]);
		const line = formatRow(flattenReport(sessions).rows[1]!, computeLayout(sessions, 100), context);
		expect(line).toContain('*bob');
	});

	test('a process row shows pid, user, state, CPU, memory and command', () => {
		const sessions = report([shellSession(2000, {user: 'bob'})]);
		const line = formatRow(flattenReport(sessions).rows[3]!, computeLayout(sessions, 100), context);
		expect(line.trimEnd()).toMatch(/└── +2002 bob +S +- +4\.0M -bash$/u);
	});
});

describe('connection health', () => {
	const withHealth = (session: Session, health: SessionHealth, evidence: readonly string[] = []): Session => ({
		...session,
		health: {health, evidence, tcp: undefined},
	});

	test('the HEALTH column outranks CPU, memory, tty, login and kind: it stays at 80 columns', () => {
		const sessions = report([
			withHealth(shellSession(2000, {user: 'bob'}), 'dead-peer'),
			withHealth(shellSession(3000, {user: 'carol'}), 'ok'),
		]);
		expect(computeLayout(sessions, 80).columns.map(each => each.column)).toEqual(
			expect.arrayContaining(['user', 'from', 'idle', 'health']),
		);
		const line = formatRow(
			flattenReport(sessions).rows.find(row => row.kind === 'session')!,
			computeLayout(sessions, 80),
			context,
		);
		expect(line).toMatch(/ DEAD /u);
		expect(displayWidth(line)).toBe(80);
	});

	test('columns give way strictly in priority order: none shows where a more important one did not fit', () => {
		const sessions = report([
			withHealth(shellSession(2000, {user: 'bob'}), 'ok'),
			withHealth(shellSession(3000, {user: 'carol'}), 'ok'),
			withHealth(shellSession(4000, {user: 'dave'}), 'dead-peer'),
		]);
		// Without sshd's log behind any session, WHO has nothing to show and never does.
		const priority: readonly SessionColumn[] = columnPriority.filter(column => column !== 'who');
		for (const width of [40, 50, 60, 70, 80, 100, 120, 200]) {
			const shown = computeLayout(sessions, width).columns.map(each => each.column);
			const ranks = shown.map(column => priority.indexOf(column)).toSorted((a, b) => a - b);
			expect(ranks, `${width} columns`).toEqual(ranks.map((_, index) => index));
		}
	});

	test('the health cell carries its style as a span; a filter match keeps its own', () => {
		const sessions = report([withHealth(shellSession(2000, {user: 'bob'}), 'stalled')]);
		const {text, spans} = formatRowWithSpans(flattenReport(sessions).rows[1]!, computeLayout(sessions, 120), context, [
			{field: 'user', start: 0, end: 3},
		]);
		const styled = spans.map(([start, end, style]) => `${style ?? 'match'}:${text.slice(start, end)}`);
		expect(styled).toEqual(['match:bob', 'warning:STALL']);
	});

	test('healthNote names the verdict and its evidence, and says nothing for ok', () => {
		expect(
			healthNote(withHealth(shellSession(2000, {user: 'bob'}), 'dead-peer', ['connection is closing (CLOSE_WAIT)'])),
		).toBe('DEAD: connection is closing (CLOSE_WAIT)');
		expect(
			healthNote(withHealth(shellSession(2000, {user: 'bob'}), 'unknown', ['socket not readable (not root?)'])),
		).toBe('health unknown: socket not readable (not root?)');
		expect(healthNote(withHealth(shellSession(2000, {user: 'bob'}), 'ok'))).toBeUndefined();
		expect(healthNote(shellSession(2000, {user: 'bob'}))).toBeUndefined();
	});

	test('the live explorer moves every idle time on together, at the wall-clock minute, not each at its own second', () => {
		// Idle `seconds` at `now`: the session keeps the instant its user was last seen.
		const sessions = (idle: readonly number[], now: number) =>
			report(
				idle.map((seconds, index) => ({
					...shellSession(1000 * (index + 1), {user: `user${index}`}),
					idleSince: now - seconds * 1000,
				})),
			);
		const idleCells = (idle: readonly number[], now: number) => {
			const built = sessions(idle, now);
			const rows = flattenReport(built).rows.filter(row => row.kind === 'session');
			return rows.map(
				row =>
					/ (\d+s|\d+m) /u.exec(
						formatRow(row, computeLayout(built, 120), {...context, now, isIdleByMinute: true}),
					)?.[1],
			);
		};

		const minute = Math.floor(takenAt / 60_000) * 60_000;
		// 20 s into the minute, idle 130 s and 170 s: both as they were at the minute, 110 s and 150 s.
		expect(idleCells([130, 170], minute + 20_000)).toEqual(['1m', '2m']);
		// 39 s later, idle 169 s and 209 s (2m and 3m by the clock): still shown as at the minute.
		expect(idleCells([169, 209], minute + 59_000)).toEqual(['1m', '2m']);
		// Past the next minute both move on together, in one redraw.
		expect(idleCells([180, 220], minute + 70_000)).toEqual(['2m', '3m']);
		// Under a minute the seconds show, as w shows them; a minute is never shown as seconds.
		expect(idleCells([12, 70], minute + 20_000)).toEqual(['12s', '1m']);
		// One-shot views show the idle time itself.
		const built = sessions([110], minute + 20_000);
		expect(
			formatRow(
				flattenReport(built).rows.find(row => row.kind === 'session')!,
				computeLayout(built, 120),
				{...context, now: minute + 20_000},
			),
		).toMatch(/ 1m /u);
	});

	test('network idle is marked with ~', () => {
		const forward: Session = {...shellSession(2000, {user: 'bob'}), ttys: [], ...idleFor(90), idleSource: 'network'};
		const sessions = report([forward]);
		expect(formatRow(flattenReport(sessions).rows[1]!, computeLayout(sessions, 120), context)).toMatch(/ 1m~ /u);
	});
});
