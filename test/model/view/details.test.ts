// The detail pane's text: everything known about one row, as labelled lines that fit the width.
import {describe, expect, test} from 'vitest';
import {detailLines, listenerIdOf, type DetailExtras} from '../../../source/model/view/details.js';
import {displayWidth} from '../../../source/model/view/format.js';
import {flattenReport, type TreeRow} from '../../../source/model/view/rows.js';
import type {Leftover, Session, SessionReport} from '../../../source/model/types.js';
import {child, listener, listenerProcess, node, processRecord, report, shellSession} from '../../fixtures/builders.js';

const words = Array.from({length: 1000}, () => 'abcd');
const hostileArgv = ['evil\u001B]0;pwned\u0007', 'c1\u009B31m', 'bidi\u202Etxt'];
const shell = shellSession(2000, {
	user: 'bob',
	tty: 'pts/7',
	peer: {address: '203.0.113.7', port: 41_022},
	shellChildren: [child(2003, 2002, words, {user: 'bob'}), child(2004, 2002, hostileArgv, {user: 'bob', comm: 'evil'})],
});
const bob: Session = {
	...shell,
	ttys: ['pts/7', 'pts/8'],
	health: {
		health: 'stalled',
		evidence: ['client is not reading: 81920 B queued, zero-window probes'],
		tcp: {
			state: 'ESTABLISHED',
			sendQueueBytes: 81_920,
			receiveQueueBytes: 0,
			timer: 'zero-window-probe',
			retransmits: 0,
			lastSendMs: 1000,
			lastReceiveMs: 30_000,
			lastAckMs: 1000,
			retransmitsTotal: undefined,
		},
	},
};
const leftover: Leftover = {
	id: '7000:70000',
	tree: node(processRecord({pid: 7000, argv: ['sh', 'job.sh']}), child(7001, 7000, ['sleep', '3600'])),
	peer: {address: '198.51.100.9', port: 40_000},
	local: {address: '10.0.0.1', port: 22},
	sshTty: '/dev/pts/4',
};
const fixture: SessionReport = report([bob], {
	listeners: [{...listener({pid: 800}), process: listenerProcess(800, 9000)}],
	leftovers: [leftover],
	leftoversReadable: true,
});
const {rows} = flattenReport(fixture, {policy: 'all', overrides: new Map()});
const rowOf = (predicate: (row: TreeRow) => boolean) => rows.find(row => predicate(row))!;
const sessionRow = rowOf(row => row.kind === 'session');
const processRow = (pid: number) => rowOf(row => row.kind === 'process' && row.process.pid === pid);
const noExtras: DetailExtras = {history: []};

/** The value of a labelled line, with its wrapped continuation lines joined by spaces. */
function valueOf(lines: readonly string[], label: string): string | undefined {
	const at = lines.findIndex(line => line.startsWith(`  ${label} `));
	if (at === -1) {
		return undefined;
	}

	const pieces = [lines[at]!.slice(16)];
	for (const line of lines.slice(at + 1)) {
		if (!/^ {16}\S/u.test(line)) {
			break;
		}

		pieces.push(line.slice(16));
	}

	return pieces.join(' ');
}

describe('lines fit the width', () => {
	// 39: the narrowest pane, on the narrowest terminal the explorer runs in (40 columns, one spare).
	for (const width of [39, 40, 80, 120]) {
		test(`never wider than ${width} cells, whatever the row`, () => {
			for (const row of rows) {
				for (const line of detailLines(row, fixture, noExtras, width)) {
					expect(displayWidth(line), `${row.kind} ${row.id}: ${line}`).toBeLessThanOrEqual(width);
				}
			}
		});
	}
});

describe('a session', () => {
	const lines = detailLines(sessionRow, fixture, noExtras, 100);

	test('says how it logged in and what it forwards, from sshd’s log and its sockets', () => {
		const withIdentity = report([
			{
				...bob,
				auth: {
					method: 'publickey',
					user: 'bob',
					peer: {address: '203.0.113.7', port: 41_022},
					keyType: 'ED25519',
					fingerprint: 'SHA256:bHowcv5gqplee8235Q1GejTUaPPIFCX2F1gLKSnHTo8',
					keySource: {file: '/home/bob/.ssh/authorized_keys', line: 3},
					keyComment: 'bob\u001B[2J@laptop',
					certificate: undefined,
				},
				forwards: [
					{kind: 'remote', listen: {address: '127.0.0.1', port: 8080}, path: undefined, connections: 2},
					{kind: 'agent', listen: undefined, path: '/tmp/ssh-X/agent.2001', connections: 0},
				],
			},
		]);
		const row = flattenReport(withIdentity, {policy: 'all', overrides: new Map()}).rows.find(
			each => each.kind === 'session',
		)!;
		const detail = detailLines(row, withIdentity, noExtras, 120);
		expect(valueOf(detail, 'login method')).toBe('publickey');
		expect(valueOf(detail, 'key')).toBe('ED25519 SHA256:bHowcv5gqplee8235Q1GejTUaPPIFCX2F1gLKSnHTo8');
		expect(valueOf(detail, 'key line')).toBe('/home/bob/.ssh/authorized_keys:3');
		expect(valueOf(detail, 'key comment')).toBe('bob^[[2J@laptop');
		expect(detail.filter(line => line.startsWith('  forward '))).toEqual([
			expect.stringMatching(/remote \(-R\) listening on 127\.0\.0\.1:8080, 2 connections$/u),
			expect.stringMatching(/agent \(-A\) at \/tmp\/ssh-X\/agent\.2001$/u),
		]);
		expect(valueOf(lines, 'login method')).toBe("unknown (sshd's log does not say)");
	});

	test('starts with its pid, user and peer, then its facts', () => {
		expect(lines[0]).toBe('Session 2000: bob from 203.0.113.7:41022');
		expect(valueOf(lines, 'kind')).toBe('shell, established');
		expect(valueOf(lines, 'peer')).toBe('203.0.113.7:41022');
		expect(valueOf(lines, 'local')).toBe('10.0.0.1:22');
		expect(valueOf(lines, 'listener')).toBe('800');
		expect(valueOf(lines, 'terminals')).toBe('pts/7, pts/8 (2 channels with a terminal)');
		expect(valueOf(lines, 'idle')).toBe('2m (tty)');
		expect(valueOf(lines, 'health')).toBe('stalled: client is not reading: 81920 B queued, zero-window probes');
		expect(valueOf(lines, 'TCP state')).toBe('ESTABLISHED');
		expect(valueOf(lines, 'timer')).toBe('zero-window-probe, 0 retransmits now');
	});

	test('then the facts of its sshd', () => {
		expect(lines).toContain('Its sshd (2000)');
		expect(valueOf(lines, 'command')).toBe('sshd: bob [priv]');
		expect(valueOf(lines, 'user')).toBe('root (uid 0)');
	});

	test('the sshd policy when it is known', () => {
		const known = detailLines(
			sessionRow,
			fixture,
			{history: [], policy: {clientAliveIntervalSeconds: 300, clientAliveCountMax: 3, tcpKeepAlive: true}},
			100,
		);
		expect(valueOf(known, 'sshd policy')).toContain('ClientAlive 300s × 3');
		expect(listenerIdOf(sessionRow, fixture)).toBe(fixture.listeners[0]!.id);
	});
});

describe('a process', () => {
	test('starts with `Process PID`', () => {
		const lines = detailLines(processRow(2004), fixture, noExtras, 80);
		expect(lines[0]).toBe('Process 2004');
		expect(valueOf(lines, 'parent')).toBe('2002');
	});

	test('a command line over 4096 characters is cut, saying how much is left out', () => {
		const full = words.join(' ');
		expect(full.length).toBe(4999);
		const command = valueOf(detailLines(processRow(2003), fixture, noExtras, 80), 'command');
		expect(command).toBe(`${full.slice(0, 4096)}… (903 more characters)`);
	});

	test('a command line of 4096 characters is shown whole', () => {
		const row = processRow(2003);
		const exact: TreeRow =
			row.kind === 'process' ? {...row, process: processRecord({pid: 2003, argv: ['x'.repeat(4096)]})} : row;
		const command = detailLines(exact, fixture, noExtras, 4200).find(line => line.startsWith('  command'));
		expect(command).toBe(`  command       ${'x'.repeat(4096)}`);
	});

	test('a hostile command line is shown as placeholders, never as control characters', () => {
		const lines = detailLines(processRow(2004), fixture, noExtras, 100);
		expect(valueOf(lines, 'command')).toBe('evil^[]0;pwned^G c1<U+009B>31m bidi<U+202E>txt');
		expect(lines.join('\n')).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202E]/u);
	});

	test('cwd and SSH_* variables when they were read; the reason when they could not be', () => {
		const read = detailLines(
			processRow(2003),
			fixture,
			{
				history: [],
				process: {cwd: {value: '/home/bob'}, sshVariables: {value: [['SSH_TTY', '/dev/pts/7']]}},
			},
			80,
		);
		expect(valueOf(read, 'cwd')).toBe('/home/bob');
		expect(valueOf(read, 'SSH_TTY')).toBe('/dev/pts/7');
		const denied = detailLines(
			processRow(2003),
			fixture,
			{
				history: [],
				process: {
					cwd: {reason: 'permission denied (run as root to see it)'},
					sshVariables: {reason: 'permission denied (run as root to see it)'},
				},
			},
			80,
		);
		expect(valueOf(denied, 'cwd')).toBe('permission denied (run as root to see it)');
		expect(valueOf(denied, 'SSH_*')).toBe('permission denied (run as root to see it)');
		const none = detailLines(
			processRow(2003),
			fixture,
			{history: [], process: {cwd: {value: '/'}, sshVariables: {value: []}}},
			80,
		);
		expect(valueOf(none, 'SSH_*')).toBe('none');
	});
});

describe('what was done to it', () => {
	const target = processRow(2004);
	const startTicks = target.kind === 'process' ? target.process.startTicks : 0;

	test('"Done to it" lists the notes about this very process, and the checks of its session', () => {
		const history: DetailExtras['history'] = [
			{at: fixture.takenAt, sentence: 'Sent SIGTERM to 2004.', about: {pid: 2004, startTicks}},
			// The same pid, another process (its start time differs): not this one.
			{
				at: fixture.takenAt,
				sentence: 'Sent SIGKILL to an earlier 2004.',
				about: {pid: 2004, startTicks: startTicks + 1},
			},
			{at: fixture.takenAt, sentence: 'Something about no one.'},
			{at: fixture.takenAt, sentence: 'session 2000: the connection is closed.', about: {sessionId: bob.id}},
		];
		const lines = detailLines(target, fixture, {history}, 100);
		const done = lines.slice(lines.indexOf('Done to it') + 1);
		expect(lines).toContain('Done to it');
		expect(done).toHaveLength(1);
		expect(done[0]).toMatch(/^ {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +Sent SIGTERM to 2004\.$/u);
		const sessionLines = detailLines(sessionRow, fixture, {history}, 100);
		expect(sessionLines.slice(sessionLines.indexOf('Done to it') + 1).join('\n')).toContain(
			'session 2000: the connection is closed.',
		);
	});

	test('nothing done: no such heading', () => {
		expect(detailLines(target, fixture, noExtras, 100)).not.toContain('Done to it');
	});
});

describe('other rows', () => {
	test('the listener, a process left behind and the left-behind heading', () => {
		const listenerLines = detailLines(
			rowOf(row => row.kind === 'listener'),
			fixture,
			noExtras,
			100,
		);
		expect(listenerLines[0]).toBe('Listener 800');
		expect(valueOf(listenerLines, 'ports')).toBe('22');
		const leftoverLines = detailLines(
			rowOf(row => row.kind === 'leftover'),
			fixture,
			noExtras,
			100,
		);
		expect(leftoverLines[0]).toBe('Process 7000, left behind by a logout');
		expect(valueOf(leftoverLines, 'came from')).toBe('198.51.100.9:40000 on /dev/pts/4');
		expect(
			detailLines(
				rowOf(row => row.kind === 'leftover-group'),
				fixture,
				noExtras,
				100,
			)[0],
		).toMatch(/processes left behind by logouts$/u);
	});
});
