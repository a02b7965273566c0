// Connection health, network idle and what outlived its session, as the explorer shows them.
import {afterEach, describe, expect, test} from 'vitest';
import type {HealthAssessment, SessionHealth} from '../../source/model/report/health.js';
import {renderPlainText} from '../../source/model/view/plain-text.js';
import type {Leftover, Session} from '../../source/model/types.js';
import {child, idleFor, node, processRecord, report, shellSession} from '../fixtures/builders.js';
import {keys, renderExplorer, type ExplorerHarness} from './render-explorer.js';

const sgr = /\u001B\[[\d;]*m/gu;
const plain = (text: string) => text.replaceAll(sgr, '');
const selectionStart = '\u001B[7m';
const footer = (frame: string) => plain(frame.split('\n').at(-1) ?? '');

function withHealth(session: Session, health: SessionHealth, evidence: readonly string[] = []): Session {
	const assessment: HealthAssessment = {health, evidence, tcp: undefined};
	return {...session, health: assessment};
}

/** The SGR parameters in force where `text` starts on `line`. */
function attributesBefore(line: string, text: string): string[] {
	const at = line.indexOf(text);
	const codes = /((?:\u001B\[[\d;]*m)*)$/u.exec(line.slice(0, at))?.[1] ?? '';
	return [...codes.matchAll(/\u001B\[([\d;]*)m/gu)].flatMap(([, parameters]) => (parameters ?? '').split(';'));
}

const rowOf = (frame: string, user: string) =>
	frame.split('\n').find(line => new RegExp(`[─▸▾] [* ]${user} `, 'u').test(plain(line)));

const healthy = withHealth(shellSession(1000, {user: 'alice'}), 'ok');
const stalled = withHealth(shellSession(2000, {user: 'bob', tty: 'pts/1'}), 'stalled', [
	'client is not reading: 81920 B queued, zero-window probes',
]);
const dead = withHealth(shellSession(3000, {user: 'carol', tty: 'pts/2'}), 'dead-peer', [
	'peer stopped acknowledging: 7 retransmits, 2048 B unacknowledged, no ACK for 95 s',
]);
const unknown = withHealth(shellSession(4000, {user: 'dave', tty: 'pts/3'}), 'unknown', [
	'socket not readable (not root?)',
]);
const everyHealth = report([healthy, stalled, dead, unknown]);

let harness: ExplorerHarness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

describe('the HEALTH column', () => {
	test('at 80 columns every health reads plainly: ok, STALL, DEAD, ?', async () => {
		harness = await renderExplorer(everyHealth, {columns: 80, rows: 24});
		const frame = plain(harness.frame());
		expect(frame).toMatch(/ HEALTH /u);
		expect(rowOf(frame, 'alice')).toMatch(/ ok +/u);
		expect(rowOf(frame, 'bob')).toMatch(/ STALL /u);
		expect(rowOf(frame, 'carol')).toMatch(/ DEAD /u);
		expect(rowOf(frame, 'dave')).toMatch(/ \? +/u);
		for (const line of frame.split('\n')) {
			expect(line.length).toBeLessThan(80);
		}
	});

	test('with colour: dead-peer red, stalled yellow, both bold; unknown faint; ok plain', async () => {
		harness = await renderExplorer(everyHealth, {columns: 100, color: true});
		const frame = harness.frame();
		expect(attributesBefore(rowOf(frame, 'carol')!, 'DEAD')).toEqual(expect.arrayContaining(['1', '31']));
		expect(attributesBefore(rowOf(frame, 'bob')!, 'STALL')).toEqual(expect.arrayContaining(['1', '33']));
		const daveRow = rowOf(frame, 'dave')!;
		expect(attributesBefore(daveRow, '?')).toContain('2');
		expect(attributesBefore(rowOf(frame, 'alice')!, ' ok ')).not.toContain('31');
	});

	test('without colour (NO_COLOR) dead-peer and stalled are still bold', async () => {
		harness = await renderExplorer(everyHealth, {columns: 100, color: false});
		const frame = harness.frame();
		expect(attributesBefore(rowOf(frame, 'carol')!, 'DEAD')).toContain('1');
		expect(attributesBefore(rowOf(frame, 'carol')!, 'DEAD')).not.toContain('31');
		expect(attributesBefore(rowOf(frame, 'bob')!, 'STALL')).toContain('1');
	});

	test('the footer gives the evidence for the selected session, and for a process in it', async () => {
		harness = await renderExplorer(everyHealth, {columns: 160});
		const selected = (frame: string) => plain(frame.split('\n').find(line => line.includes(selectionStart)) ?? '');
		// Collapsed, the rows are: listener, alice, bob, carol, dave.
		harness.press('*', '*');
		await harness.waitFor(frame => plain(frame).includes('├─▸  alice'), 'collapsed sessions');
		harness.press(keys.home, keys.down, keys.down, keys.down);
		let frame = await harness.waitFor(frame => selected(frame).includes('carol'), 'carol selected');
		frame = await harness.waitFor(frame => footer(frame).includes('DEAD: peer stopped acknowledging'), 'the evidence');
		expect(footer(frame)).toContain('7 retransmits, 2048 B unacknowledged, no ACK for 95 s');
		harness.press(keys.right, keys.right);
		frame = await harness.waitFor(frame => selected(frame).includes('3001'), 'carol’s user-side sshd');
		expect(footer(frame)).toContain('DEAD: peer stopped acknowledging');
	});

	test('no evidence in the footer for a healthy session', async () => {
		harness = await renderExplorer(report([healthy]), {columns: 160});
		expect(footer(harness.frame())).not.toMatch(/DEAD|STALL|health/u);
	});

	test('a report without socket data has no HEALTH column', async () => {
		harness = await renderExplorer(report([shellSession(1000, {user: 'alice'})]));
		expect(harness.frame()).not.toContain('HEALTH');
	});
});

describe('network idle', () => {
	test('a session without a terminal shows its network idle with ~; a terminal’s idle has none', async () => {
		const forward: Session = {
			...withHealth(shellSession(5000, {user: 'erin', tty: 'pts/9'}), 'ok'),
			ttys: [],
			kind: 'forward',
			...idleFor(300),
			idleSource: 'channels',
		};
		const shell: Session = {
			...withHealth(shellSession(6000, {user: 'frank', tty: 'pts/6'}), 'ok'),
			...idleFor(420),
			idleSource: 'tty',
		};
		harness = await renderExplorer(report([forward, shell]), {columns: 120});
		const frame = plain(harness.frame());
		expect(rowOf(frame, 'erin')).toMatch(/ 5m~ /u);
		expect(rowOf(frame, 'frank')).toMatch(/ 7m /u);
	});

	test('the help screen explains the ~ and the health words', async () => {
		harness = await renderExplorer(everyHealth, {columns: 160, rows: 50});
		harness.press('?');
		await harness.waitFor(frame => frame.includes('Keys'), 'the help screen');
		// The notes on the marks and figures follow the keys, at the end of the help.
		const help = plain(await harness.pressUntil(keys.end, frame => frame.includes('left behind:'), 'the notes'));
		expect(help).toContain(
			"IDLE 5m~: no terminal to watch, so idle is the time since the session's channels last carried data",
		);
		expect(help).toContain('DEAD the peer stopped acknowledging');
		expect(help).toContain('left behind:');
	});
});

describe('left behind', () => {
	const sleeper = node(
		processRecord({pid: 7000, user: 'alice', comm: 'nohup', argv: ['sh', 'job.sh']}),
		child(7001, 7000, ['sleep', '3600']),
	);
	const leftover: Leftover = {
		id: '7000:70000',
		tree: sleeper,
		peer: {address: '198.51.100.9', port: 40_000},
		local: {address: '10.0.0.1', port: 22},
		sshTty: '/dev/pts/4',
	};
	const withLeftover = report([withHealth(shellSession(1000, {user: 'alice'}), 'ok')], {
		leftovers: [leftover],
		leftoversReadable: true,
	});

	test('a group after the sessions lists each leftover with its peer, user and command; its tree opens with →', async () => {
		harness = await renderExplorer(withLeftover, {columns: 140});
		let frame = plain(harness.frame());
		const lines = frame.split('\n');
		const group = lines.findIndex(line => line.includes('left behind: 1 process outlived their SSH session'));
		expect(group).toBeGreaterThan(lines.findIndex(line => line.includes(' alice ')));
		expect(lines[group + 1]).toMatch(/└─▸ +7000 alice +S +4\.0M from 198\.51\.100\.9:40000 pts\/4: sh job\.sh/u);
		expect(frame).not.toContain('sleep 3600');
		harness.press(keys.end);
		await harness.waitFor(
			frame => plain(frame.split('\n').find(line => line.includes(selectionStart)) ?? '').includes('7000'),
			'the leftover selected',
		);
		harness.press(keys.right);
		frame = plain(await harness.waitFor(frame => frame.includes('sleep 3600'), 'its child'));
		expect(frame).toMatch(/└── +7001 alice +S +4\.0M sleep 3600/u);
	});

	test('a filter searches sessions: the group gives way while it is on', async () => {
		harness = await renderExplorer(withLeftover, {columns: 140});
		harness.press('\\', ...'alice');
		await harness.waitFor(frame => footer(frame).includes('match'), 'the filter');
		expect(harness.frame()).not.toContain('left behind');
		harness.press(keys.escape);
		await harness.waitFor(frame => frame.includes('left behind'), 'the group again');
	});

	test('the plain tree lists the group too', () => {
		const text = renderPlainText(withLeftover, {color: false});
		expect(text).toContain('left behind: 1 process outlived their SSH session');
		expect(text).toMatch(/7001 alice +S +4\.0M sleep 3600/u);
	});

	test('"leftovers need root" when they could not be looked for; "ss unavailable" when health is from /proc only', async () => {
		harness = await renderExplorer(
			report([withHealth(shellSession(1000, {user: 'alice'}), 'unknown', ['socket not readable (not root?)'])], {
				leftoversReadable: false,
				tcpInfoSource: 'proc-only',
				isPartial: true,
			}),
			{columns: 160},
		);
		const frame = plain(harness.frame());
		expect(frame).toContain('leftovers need root');
		expect(frame).toContain('ss unavailable: health from /proc only');
	});

	test('no such notes when everything could be read', async () => {
		harness = await renderExplorer(withLeftover, {columns: 160});
		const frame = plain(harness.frame());
		expect(frame).not.toContain('need root');
		expect(frame).not.toContain('ss unavailable');
	});
});
