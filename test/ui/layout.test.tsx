// How the explorer fits the terminal: which session columns show at each width (the least
// important give way first), and what it says when the terminal is too small for it.
import {afterEach, describe, expect, test} from 'vitest';
import type {HealthAssessment} from '../../source/model/report/health.js';
import {columnPriority, columnTitles} from '../../source/model/view/columns.js';
import {displayWidth} from '../../source/model/view/format.js';
import type {Session, SessionReport} from '../../source/model/types.js';
import type {SessionColumn} from '../../source/model/view/session-cells.js';
import {minimumColumns, minimumRowsFor} from '../../source/ui/explorer.js';
import type {LoadIdlePolicy} from '../../source/ui/hooks/use-idle-policies.js';
import {idleFor, listener, report, shellSession} from '../fixtures/builders.js';
import {renderExplorer, type ExplorerHarness} from './render-explorer.js';

const plain = (text: string) => text.replaceAll(/\u001B\[[\d;]*m/gu, '');
const health = (verdict: HealthAssessment['health']): HealthAssessment => ({
	health: verdict,
	evidence: [],
	tcp: undefined,
});

const sessions: readonly Session[] = [
	{...shellSession(1000, {user: 'alice', isOwn: true, ...idleFor(900)}), health: health('ok')},
	{
		...shellSession(2000, {user: 'bob', tty: 'pts/7', peer: {address: '203.0.113.7', port: 41_022}}),
		ttys: ['pts/7', 'pts/8', 'pts/9'],
		health: health('dead-peer'),
	},
	{...shellSession(31_337, {user: 'carol', tty: 'pts/12', ...idleFor(30)}), health: health('stalled')},
];
const fixture = report(sessions);
const titleToColumn = new Map(Object.entries(columnTitles).map(([column, title]) => [title, column as SessionColumn]));

/** The session columns on screen, read from the title line, left to right. */
function shownColumns(frame: string): SessionColumn[] {
	const titleLine = plain(frame)
		.split('\n')
		.find(line => line.includes('USER') && line.includes('COMMAND'));
	return (titleLine ?? '')
		.trim()
		.split(/ +/u)
		.flatMap(title => {
			const column = titleToColumn.get(title);
			return column === undefined ? [] : [column];
		});
}

/** The row of a session: its tree glyph, the user, then the cells. */
const sessionRow = (frame: string, user: string) =>
	plain(frame)
		.split('\n')
		.find(line => new RegExp(`^[├└]─[▾▸] [* ]${user} `, 'u').test(line)) ?? '';

let harness: ExplorerHarness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

describe('session columns per width', () => {
	test('at 80×24 every session row shows its pid and its terminal (pts/7+2 for three)', async () => {
		harness = await renderExplorer(fixture, {columns: 80, rows: 24});
		const frame = harness.frame();
		expect(shownColumns(frame)).toEqual(expect.arrayContaining(['user', 'pid', 'from', 'idle', 'health', 'tty']));
		expect(sessionRow(frame, 'alice')).toMatch(/^├─▾ \*alice +1000 +203\.0\.113\.7:51000 +pts\/0 /u);
		expect(sessionRow(frame, 'bob')).toMatch(/ bob +2000 +203\.0\.113\.7:41022 +pts\/7\+2 /u);
		expect(sessionRow(frame, 'carol')).toMatch(/ carol +31337 +\S+ +pts\/12 /u);
	});

	test('columns show in display order: user, pid, from, tty, login, idle, health, kind, CPU, memory', async () => {
		harness = await renderExplorer(fixture, {columns: 200, rows: 24});
		expect(shownColumns(harness.frame())).toEqual([
			'user',
			'pid',
			'from',
			'tty',
			'login',
			'idle',
			'health',
			'kind',
			'cpu',
			'memory',
		]);
	});

	test('as the terminal narrows, columns give way in priority order, the least important first', async () => {
		const widths = [200, 120, 100, 80];
		const shown: SessionColumn[][] = [];
		for (const columns of widths) {
			harness = await renderExplorer(fixture, {columns, rows: 24});
			shown.push(shownColumns(harness.frame()));
			harness.unmount();
			harness = undefined;
		}

		// No fixture session has sshd's log behind it: WHO has nothing to show and never does.
		const priority = columnPriority.filter(column => column !== 'who');
		for (const [index, columns] of shown.entries()) {
			// What shows is the most important ones: the first of the priority list.
			const byPriority = priority.filter(column => columns.includes(column));
			expect(byPriority, `at ${widths[index]} columns`).toEqual(priority.slice(0, columns.length));
			// A narrower terminal shows no column a wider one did not.
			for (const column of shown[index + 1] ?? []) {
				expect(columns).toContain(column);
			}
		}

		expect(shown[0]).toHaveLength(priority.length);
		expect(shown.at(-1)!.length).toBeLessThan(priority.length);
	});

	test.each([
		[80, 24],
		[100, 30],
		[120, 40],
		[200, 50],
	] as const)(
		'at %i×%i every line fits the width and the frame is shorter than the terminal',
		async (columns, rows) => {
			const explorer = await renderExplorer(fixture, {columns, rows});
			harness = explorer;
			const lines = explorer.lines();
			expect(lines.length).toBeLessThan(rows);
			for (const line of lines) {
				expect(displayWidth(plain(line))).toBeLessThan(columns);
			}

			expect(shownColumns(explorer.frame()).length).toBeGreaterThan(0);
			for (const user of ['alice', 'bob', 'carol']) {
				expect(sessionRow(explorer.frame(), user)).not.toBe('');
			}
		},
	);
});

describe('a terminal too small', () => {
	const words = (text: string) => plain(text).split(/\s+/u).filter(Boolean).join(' ');

	test('at 30×8 the message is wrapped to the screen and names the minimum it needs', async () => {
		harness = await renderExplorer(fixture, {columns: 100, rows: 24});
		harness.resize(30, 8);
		const frame = await harness.waitFor(frame => frame.includes('Terminal too small'), 'the message');
		const lines = harness.lines();
		expect(lines.length).toBeLessThan(8);
		for (const line of lines) {
			expect(displayWidth(plain(line))).toBeLessThan(30);
		}

		// The fixture's header: the host line and the sessions line.
		expect(words(frame)).toBe(
			`Terminal too small (30×8): sshtop needs ${minimumColumns}×${minimumRowsFor(2)}. q quits.`,
		);
	});

	test('q quits from there', async () => {
		harness = await renderExplorer(fixture, {columns: 100, rows: 24});
		harness.resize(30, 8);
		await harness.waitFor(frame => frame.includes('Terminal too small'), 'the message');
		harness.press('q');
		await harness.waitFor(() => harness!.hasExited(), 'the explorer to exit');
	});

	test('40 columns and the minimum rows are enough; one row fewer is not', async () => {
		harness = await renderExplorer(fixture, {columns: 100, rows: 24});
		const minimum = minimumRowsFor(2);
		harness.resize(minimumColumns, minimum);
		await harness.waitFor(frame => frame.includes('USER') && !frame.includes('too small'), 'the tree at the minimum');
		harness.resize(minimumColumns, minimum - 1);
		await harness.waitFor(frame => frame.includes('Terminal too small'), 'the message one row short');
		harness.resize(minimumColumns - 1, minimum);
		await harness.waitFor(
			frame => words(frame).startsWith(`Terminal too small (${minimumColumns - 1}×${minimum})`),
			'the message one column short',
		);
	});

	test('each listener with its own idle policy adds a header line, and a row to the minimum', async () => {
		// Listener 800 keeps connections 5 minutes, listener 801 (port 2222) 1 minute: two policy lines.
		const loadPolicy: LoadIdlePolicy = async each => ({
			clientAliveIntervalSeconds: each.pid === 800 ? 300 : 60,
			clientAliveCountMax: 3,
			tcpKeepAlive: true,
		});
		const neededAt = async (withListeners: SessionReport) => {
			harness = await renderExplorer(withListeners, {columns: 100, rows: 30, loadPolicy});
			const policies = withListeners.listeners.length;
			await harness.waitFor(
				frame => (frame.match(/idle policy/gu) ?? []).length === policies,
				`${policies} idle policy lines`,
			);
			harness.resize(30, 8);
			const frame = await harness.waitFor(frame => frame.includes('Terminal too small'), 'the message');
			harness.unmount();
			harness = undefined;
			return Number(/needs \d+×(\d+)/u.exec(words(frame))?.[1]);
		};

		const one = await neededAt(fixture);
		const two = await neededAt(
			report(sessions, {listeners: [listener({pid: 800}), listener({pid: 801, ports: [2222]})]}),
		);
		expect(one).toBe(minimumRowsFor(3));
		expect(two).toBe(one + 1);
	});
});
