// The detail pane: Enter on a row shows everything sshtop knows about it, wrapped to the
// terminal and scrolled with the tree's keys; Esc or Enter closes it.
import {afterEach, describe, expect, test} from 'vitest';
import type {HealthAssessment} from '../../source/model/report/health.js';
import {displayWidth} from '../../source/model/view/format.js';
import type {Session} from '../../source/model/types.js';
import type {ProcessDetails} from '../../source/proc/read-process-details.js';
import {child, processRecord, report, shellSession} from '../fixtures/builders.js';
import {recordingExecutor} from './action-fakes.js';
import {keys, renderExplorer, type ExplorerHarness} from './render-explorer.js';

const sgr = /\u001B\[[\d;]*m/gu;
const plain = (text: string) => text.replaceAll(sgr, '');
const selectionStart = '\u001B[7m';
const selectedLine = (frame: string) => plain(frame.split('\n').find(line => line.includes(selectionStart)) ?? '');
const paneTitle = (frame: string) =>
	plain(frame)
		.split('\n')
		.find(line => /^(?:Details|Keys)\b/u.test(line)) ?? '';

/** The sshd's command line: long enough to wrap at 100 columns. */
const sshdArgv = [
	'sshd:',
	'bob',
	'[priv]',
	...Array.from({length: 12}, (_, index) => `-oSetEnv=LONG_OPTION_${index}=value-${index}`),
];
const hostileArgv = ['evil\u001B]0;pwned\u0007', 'c1\u009B31m', 'bidi\u202Etxt.sh', 'clear\u001B[2J'];

const deadPeer: HealthAssessment = {
	health: 'dead-peer',
	evidence: ['peer stopped acknowledging: 7 retransmits, 2048 B unacknowledged, no ACK for 95 s'],
	tcp: {
		state: 'ESTABLISHED',
		sendQueueBytes: 2048,
		receiveQueueBytes: 0,
		timer: 'retransmit',
		retransmits: 7,
		lastSendMs: 95_000,
		lastReceiveMs: 96_000,
		lastAckMs: 95_500,
		retransmitsTotal: 9,
	},
};
const shell = shellSession(2000, {
	user: 'bob',
	tty: 'pts/1',
	peer: {address: '203.0.113.7', port: 41_022},
	shellChildren: [
		child(2003, 2002, ['sleep', '600'], {user: 'bob', tty: 'pts/1'}),
		child(2004, 2002, hostileArgv, {user: 'bob', tty: 'pts/1', comm: 'evil'}),
	],
	foregroundPid: 2003,
});
const bob: Session = {
	...shell,
	ttys: ['pts/1', 'pts/4', 'pts/5'],
	health: deadPeer,
	tree: {...shell.tree, process: processRecord({...shell.tree.process, argv: sshdArgv})},
};
const fixture = report([bob]);

/** A reader of cwd and SSH_* variables that records what it is asked; no /proc. */
function fakeDetails() {
	const calls: Array<readonly [number, number]> = [];
	const read = (pid: number, startTicks: number): ProcessDetails => {
		calls.push([pid, startTicks]);
		return {
			cwd: {value: pid === 2000 ? '/' : '/home/bob/project'},
			sshVariables: {
				value: [
					['SSH_CLIENT', '203.0.113.7 41022 22'],
					['SSH_CONNECTION', '203.0.113.7 41022 10.0.0.1 22'],
					['SSH_TTY', '/dev/pts/1'],
					['SSH_ORIGINAL_COMMAND', 'rsync\u001B[31m --server'],
				],
			},
		};
	};

	return {calls, read};
}

let harness: ExplorerHarness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

async function openDetails(explorer: ExplorerHarness): Promise<string> {
	explorer.press(keys.enter);
	return explorer.waitFor(frame => paneTitle(frame).startsWith('Details'), 'the detail pane');
}

describe('the details of a session', () => {
	test('Enter on a session row shows its pid, peer, terminals, health evidence and its sshd, with cwd and SSH_* variables', async () => {
		const reader = fakeDetails();
		harness = await renderExplorer(fixture, {columns: 100, rows: 80, readProcessDetails: reader.read});
		expect(selectedLine(harness.frame())).toContain('bob');
		const lines = plain(await openDetails(harness)).split('\n');
		const line = (label: string) => lines.find(each => each.trimStart().startsWith(label)) ?? '';
		expect(lines).toContain('Session 2000: bob from 203.0.113.7:41022');
		expect(line('peer')).toMatch(/^ {2}peer +203\.0\.113\.7:41022$/u);
		expect(line('local')).toMatch(/10\.0\.0\.1:22$/u);
		expect(line('terminals')).toMatch(/pts\/1, pts\/4, pts\/5 \(3 channels with a terminal\)$/u);
		expect(line('foreground')).toMatch(/2003 sleep 600$/u);
		expect(line('health')).toContain('dead-peer: peer stopped acknowledging: 7 retransmits');
		expect(line('TCP state')).toMatch(/ESTABLISHED$/u);
		expect(line('timer')).toContain('retransmit, 7 retransmits now, 9 in all');
		expect(lines).toContain('Its sshd (2000)');
		// The command line, wrapped under its label: every argument is there, in order.
		const commandAt = lines.findIndex(each => each.trimStart().startsWith('command'));
		const commandLines = [lines[commandAt]!];
		for (const each of lines.slice(commandAt + 1)) {
			if (!/^ {16}\S/u.test(each)) {
				break;
			}

			commandLines.push(each);
		}

		expect(commandLines.length).toBeGreaterThan(1);
		expect(commandLines.map(each => each.trim()).join(' ')).toBe(`command       ${sshdArgv.join(' ')}`);
		expect(line('cwd')).toMatch(/^ {2}cwd +\/$/u);
		expect(line('SSH_CONNECTION')).toMatch(/203\.0\.113\.7 41022 10\.0\.0\.1 22$/u);
		expect(line('SSH_TTY')).toMatch(/\/dev\/pts\/1$/u);
		// A value is text from the process: shown, never passed to the terminal.
		expect(line('SSH_ORIGINAL_COMMAND')).toContain('rsync^[[31m --server');
		expect(reader.calls).toContainEqual([2000, bob.tree.process.startTicks]);
		for (const each of lines) {
			expect(displayWidth(each)).toBeLessThan(100);
		}
	});

	test('Esc closes it, and so does Enter; the tree is as it was', async () => {
		harness = await renderExplorer(fixture, {columns: 160, rows: 30});
		const tree = harness.frame();
		await openDetails(harness);
		expect(harness.frame()).not.toContain('▾ listener');
		expect(harness.lines().at(-1)).toContain('Esc close');
		harness.press(keys.escape);
		await harness.waitFor(frame => frame === tree, 'the tree again');
		await openDetails(harness);
		harness.press(keys.enter);
		await harness.waitFor(frame => frame === tree, 'the tree again after Enter');
	});

	test('without a reader (or before it answered) the pane still shows what the scan knows', async () => {
		harness = await renderExplorer(fixture, {columns: 100, rows: 80});
		const frame = plain(await openDetails(harness));
		expect(frame).toContain('Session 2000: bob from 203.0.113.7:41022');
		expect(frame).not.toMatch(/^ {2}cwd /mu);
	});
});

describe('scrolling', () => {
	test('↓, PgDn and End scroll it, and it stops at its last line; Home goes back', async () => {
		harness = await renderExplorer(fixture, {columns: 100, rows: 16, readProcessDetails: fakeDetails().read});
		const first = await openDetails(harness);
		const [, total] = /lines 1–\d+ of (\d+)/u.exec(paneTitle(first)) ?? [];
		expect(Number(total)).toBeGreaterThan(16);
		await harness.pressUntil(keys.down, frame => paneTitle(frame).includes('lines 2–'), '↓ to scroll one line');
		harness.press(keys.pageDown);
		await harness.waitFor(frame => !/lines [12]–/u.test(paneTitle(frame)), 'PgDn to scroll a page');
		harness.press(keys.end);
		const last = await harness.waitFor(
			frame => paneTitle(frame).includes(`–${total} of ${total}`),
			'End to show the last line',
		);
		// The last line of the details is the last line of the pane, above the footer.
		expect(plain(last).split('\n').at(-2)).toMatch(/^ {2}SSH_ORIGINAL_COMMAND/u);
		harness.press(keys.down, keys.pageDown);
		harness.press(keys.home);
		await harness.waitFor(frame => paneTitle(frame).includes('lines 1–'), 'Home to the top');
		for (const line of harness.lines()) {
			expect(displayWidth(plain(line))).toBeLessThan(100);
		}

		expect(harness.lines().length).toBeLessThan(16);
	});

	test('scrolling past the end does nothing: the next ↑ moves at once', async () => {
		harness = await renderExplorer(fixture, {columns: 100, rows: 16, readProcessDetails: fakeDetails().read});
		await openDetails(harness);
		const atEnd = await harness.pressUntil(keys.end, frame => /–(\d+) of \1\b/u.test(paneTitle(frame)), 'the end');
		const [, from, total] = /lines (\d+)–\d+ of (\d+)/u.exec(paneTitle(atEnd)) ?? [];
		harness.press(keys.down, keys.down, keys.pageDown, keys.up);
		await harness.waitFor(
			frame => paneTitle(frame).includes(`lines ${Number(from) - 1}–${Number(total) - 1} of`),
			'one line up from the end',
		);
	});
});

describe('the details of a process', () => {
	test('Enter on a process row shows `Process PID` and its facts', async () => {
		harness = await renderExplorer(fixture, {columns: 100, rows: 60, readProcessDetails: fakeDetails().read});
		harness.press(keys.end);
		await harness.waitFor(frame => selectedLine(frame).includes('2004'), 'the last process');
		harness.press(keys.up);
		await harness.waitFor(frame => selectedLine(frame).includes('2003'), 'sleep selected');
		const lines = plain(await openDetails(harness)).split('\n');
		expect(lines).toContain('Process 2003');
		expect(lines.find(line => line.trimStart().startsWith('command'))).toMatch(/command +sleep 600$/u);
		expect(lines.find(line => line.trimStart().startsWith('user'))).toMatch(/bob \(uid 1001\)$/u);
		expect(lines.find(line => line.trimStart().startsWith('parent'))).toMatch(/2002$/u);
		expect(lines.find(line => line.trimStart().startsWith('terminal'))).toContain('pts/1');
		expect(lines.find(line => line.trimStart().startsWith('cwd'))).toMatch(/\/home\/bob\/project$/u);
		expect(lines.some(line => line.startsWith('Session '))).toBe(false);
	});

	test('a hostile command line is shown sanitised: escape sequences, C1 controls and bidi overrides as placeholders', async () => {
		harness = await renderExplorer(fixture, {columns: 100, rows: 60});
		harness.press(keys.end);
		await harness.waitFor(frame => selectedLine(frame).includes('2004'), 'the hostile process');
		const frame = await openDetails(harness);
		expect(plain(frame)).toContain('Process 2004');
		expect(plain(frame)).toContain('evil^[]0;pwned^G c1<U+009B>31m bidi<U+202E>txt.sh clear^[[2J');
		// The only escape sequences left are the explorer's own SGR attributes.
		expect(frame.replaceAll(sgr, '')).not.toContain('\u001B');
		expect(frame).not.toMatch(/[\u0007\u009B\u202E]/u);
	});

	test('what was done to it this run is listed under "Done to it"', async () => {
		harness = await renderExplorer(fixture, {columns: 100, rows: 60, actionExecutor: recordingExecutor()});
		harness.press(keys.end);
		await harness.waitFor(frame => selectedLine(frame).includes('2004'), 'the last process');
		harness.press(keys.up);
		await harness.waitFor(frame => selectedLine(frame).includes('2003'), 'sleep selected');
		let lines = plain(await openDetails(harness)).split('\n');
		expect(lines).not.toContain('Done to it');
		harness.press(keys.escape);
		await harness.waitFor(frame => !paneTitle(frame).startsWith('Details'), 'the pane closed');
		harness.press('t');
		await harness.waitFor(frame => frame.includes('Default is No'), 'the confirmation');
		harness.press('y');
		await harness.waitFor(frame => frame.includes('Sent SIGTERM to 2003'), 'the result');
		lines = plain(await openDetails(harness)).split('\n');
		const doneAt = lines.indexOf('Done to it');
		expect(doneAt).toBeGreaterThan(0);
		expect(lines[doneAt + 1]).toMatch(/^ {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +Sent SIGTERM to 2003/u);
	});
});
