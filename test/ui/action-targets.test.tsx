// What else the operator can act on, and what the dialogs say first: the listener, processes left
// behind, a zombie, a stopped process, one that ignores the signal, and survivors ended TERM then KILL.
import {afterEach, describe, expect, test} from 'vitest';
import {SIGTERM} from '../../source/model/guard/signal-catalogue.js';
import {targetFromProcess} from '../../source/model/guard/target.js';
import type {Leftover} from '../../source/model/types.js';
import {targetNotes} from '../../source/ui/state/action-state.js';
import {child, listener, listenerProcess, node, processRecord, report, shellSession} from '../fixtures/builders.js';
import {recordingExecutor} from './action-fakes.js';
import {keys, renderExplorer, type ExplorerHarness} from './render-explorer.js';

const selectionStart = '\u001B[7m';
const plain = (text: string) => text.replaceAll(/\u001B\[\d+m/gu, '');
const selectedLine = (frame: string) => plain(frame.split('\n').find(line => line.includes(selectionStart)) ?? '');

const listenerRecord = listenerProcess(800, 9000);
const bob = shellSession(2000, {
	user: 'bob',
	tty: 'pts/1',
	peer: {address: '203.0.113.7', port: 41_022},
	shellChildren: [child(2003, 2002, ['defunct-child'], {user: 'bob', tty: 'pts/1', state: 'Z', argv: []})],
});
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
const fixture = report([bob], {
	listeners: [{...listener({pid: 800}), process: listenerRecord}],
	leftovers: [leftover],
	leftoversReadable: true,
});

let harness: ExplorerHarness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

async function start(executor = recordingExecutor()) {
	harness = await renderExplorer(fixture, {actionExecutor: executor, rows: 40, columns: 140});
	await harness.waitFor(frame => frame.includes('bob'), 'the tree');
	return {explorer: harness, executor};
}

async function select(explorer: ExplorerHarness, text: string): Promise<void> {
	explorer.press(keys.home);
	await explorer.waitFor(frame => selectedLine(frame).includes('listener'), 'the first row');
	for (let step = 0; step < 40 && !selectedLine(explorer.frame()).includes(text); step++) {
		const before = selectedLine(explorer.frame());
		explorer.press(keys.down);

		await explorer.waitFor(frame => selectedLine(frame) !== before, 'the cursor to move');
	}

	expect(selectedLine(explorer.frame())).toContain(text);
}

describe('the listener row', () => {
	test('k offers stopping and reloading, saying what each does to logins and sessions; then a second confirmation', async () => {
		const {explorer, executor} = await start();
		await select(explorer, 'listener :22');
		explorer.press('k');
		const menu = plain(await explorer.waitFor(frame => frame.includes('Stop listening'), 'the listener menu'));
		expect(menu).toContain('Act on the SSH listener 800 (port 22)');
		expect(menu).toContain('SIGTERM: no new logins; sessions it accepted stay connected');
		expect(menu).toContain('SIGHUP: sshd re-executes itself and re-reads its configuration; sessions stay');
		expect(menu).not.toContain('descendants');
		explorer.press(keys.down, keys.enter);
		await explorer.waitFor(frame => frame.includes('Default is No'), 'the first question');
		expect(explorer.frame()).toContain('1 target needs an extra confirmation after this one.');
		explorer.press('y');
		const second = plain(
			await explorer.waitFor(frame => frame.includes('Extra confirmation 1 of 1'), 'the second question'),
		);
		expect(second).toContain(
			'This is the SSH listener (pid 800, port 22): SIGHUP makes sshd re-read its configuration',
		);
		explorer.press('y');
		await explorer.waitFor(frame => frame.includes('Sent SIGHUP to 800'), 'the result');
		expect(executor.executed.map(call => [call.plan.signal.name, call.plan.targets.map(target => target.pid)])).toEqual(
			[['SIGHUP', [800]]],
		);
	});
});

describe('processes left behind', () => {
	test('t on a left-behind row ends that process, confirmed first', async () => {
		const {explorer, executor} = await start();
		await select(explorer, '7000');
		explorer.press('t');
		const dialog = plain(await explorer.waitFor(frame => frame.includes('Default is No'), 'the confirmation'));
		expect(dialog).toContain('SIGTERM to 7000 (sh job.sh)');
		explorer.press('y');
		await explorer.waitFor(frame => frame.includes('Sent SIGTERM to 7000'), 'the result');
		expect(executor.executed.map(call => call.plan.targets.map(target => target.pid))).toEqual([[7000]]);
	});

	test('K on the left-behind heading ends every process left behind, with what runs below them, parents first', async () => {
		const {explorer, executor} = await start();
		await select(explorer, 'left behind');
		explorer.press('K');
		const dialog = plain(await explorer.waitFor(frame => frame.includes('Default is No'), 'the confirmation'));
		expect(dialog).toContain('Targets (2)');
		explorer.press('y');
		await explorer.waitFor(frame => frame.includes('SIGKILL: 2 sent'), 'the result');
		expect(executor.executed.map(call => call.plan.targets.map(target => target.pid))).toEqual([[7000, 7001]]);
	});
});

describe('what a dialog says before it asks', () => {
	test('a zombie is explained, and nothing is asked', async () => {
		const {explorer, executor} = await start();
		explorer.press('*');
		await explorer.waitFor(frame => frame.includes('2003'), 'every row expanded');
		await select(explorer, '2003');
		explorer.press('t');
		const dialog = plain(await explorer.waitFor(frame => frame.includes('Nothing can be sent'), 'the refusal'));
		expect(dialog).toContain(
			'2003 ([defunct-child]) is a zombie: it has exited, and no signal can reach it. Its parent 2002 has not reaped it',
		);
		expect(dialog).not.toContain('Default is No');
		expect(executor.executed).toEqual([]);
	});

	test('a stopped target gets SIGCONT after TERM; one that ignores the signal, or a namespace init without a handler, will not act', () => {
		const stopped = targetFromProcess(processRecord({pid: 10, state: 'T', argv: ['vim']}));
		const ignoring = targetFromProcess(
			processRecord({pid: 11, argv: ['daemon'], ignoredSignals: '0000000000004000', caughtSignals: '0000000000000000'}),
		);
		const init = targetFromProcess(
			processRecord({
				pid: 12,
				argv: ['tini'],
				ignoredSignals: '0000000000000000',
				caughtSignals: '0000000000000000',
				isNamespaceInit: true,
			}),
		);
		expect(
			targetNotes({action: 'signal', signal: SIGTERM, targets: [stopped, ignoring, init], description: ''}),
		).toEqual([
			'10 (vim) is stopped: SIGCONT follows, so it acts on SIGTERM.',
			'11 (daemon): it ignores SIGTERM (SIG_IGN), so nothing happens; SIGKILL would end it.',
			'12 (tini): it is the init of its own PID namespace and has no handler for SIGTERM, so the kernel discards it; SIGKILL would end it and its namespace.',
		]);
	});
});

describe('survivors ended TERM, then KILL', () => {
	test('the history has one entry per signal and target: TERM to each, KILL to the one still running', async () => {
		const survivor = processRecord({pid: 2005, ppid: 1, user: 'bob', comm: 'sleep', argv: ['nohup', 'sleep', '600']});
		const executor = recordingExecutor({
			survivors: [{record: survivor, sessionId: bob.id, target: targetFromProcess(survivor, bob.peer)}],
		});
		const {explorer} = await start(executor);
		await select(explorer, '41022');
		explorer.press('H', 't', 'y');
		await explorer.waitFor(frame => frame.includes('outlived the session'), 'the survivors dialog');
		explorer.press(keys.down, keys.down, keys.enter);
		await explorer.waitFor(frame => frame.includes('Then SIGKILL to any still running'), 'the confirmation');
		explorer.press('y');
		const frame = plain(
			await explorer.waitFor(frame => /SIGKILL +sent +Sent SIGKILL to 2005/u.test(frame), 'the KILL in the history'),
		);
		expect(frame).toMatch(/SIGTERM +sent +Sent SIGTERM to 2005/u);
		expect(frame).toContain('SIGTERM: 1 sent; SIGKILL: 1 sent');
	});
});
