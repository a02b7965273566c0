// The action dialogs as the operator meets them: k, t, K, space, U, H on the real Explorer,
// with an executor that records what it is asked and sends nothing.
import {afterEach, describe, expect, test} from 'vitest';
import {processId} from '../../source/model/types.js';
import {child, processRecord, report, shellSession} from '../fixtures/builders.js';
import {recordingExecutor, type RecordingExecutor} from './action-fakes.js';
import {keys, renderExplorer, type ExplorerHarness} from './render-explorer.js';

const selectionStart = '\u001B[7m';

function selectedLine(frame: string): string | undefined {
	return frame
		.split('\n')
		.find(line => line.includes(selectionStart))
		?.replaceAll(/\u001B\[\d+m/gu, '');
}

const hostileArgv = ['evil\u001B]0;pwned\u0007', 'line\nbreak\u001B[2J'];
const bob = shellSession(2000, {
	user: 'bob',
	tty: 'pts/1',
	peer: {address: '203.0.113.7', port: 41_022},
	shellChildren: [
		child(2003, 2002, ['sleep', '600'], {user: 'bob', tty: 'pts/1'}),
		child(2004, 2002, hostileArgv, {user: 'bob', tty: 'pts/1'}),
	],
});
const carol = shellSession(3000, {user: 'carol', tty: 'pts/2', peer: {address: '203.0.113.7', port: 43_000}});
const own = shellSession(1000, {
	user: 'alice',
	isOwn: true,
	tty: 'pts/0',
	peer: {address: '203.0.113.7', port: 50_312},
});

let harness: ExplorerHarness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

/** Moves the cursor to the first row whose text includes `text`. */
async function select(explorer: ExplorerHarness, text: string): Promise<void> {
	explorer.press(keys.home);
	await explorer.waitFor(frame => selectedLine(frame)?.includes('listener') ?? false, 'the first row');
	for (let step = 0; step < 40 && !(selectedLine(explorer.frame())?.includes(text) ?? false); step++) {
		const before = selectedLine(explorer.frame());
		explorer.press(keys.down);

		await explorer.waitFor(frame => selectedLine(frame) !== before, 'the cursor to move');
	}

	expect(selectedLine(explorer.frame())).toContain(text);
}

async function start(
	options: {readonly executor?: RecordingExecutor; readonly isReadOnly?: boolean; readonly rows?: number} = {},
) {
	const executor = options.executor ?? recordingExecutor();
	harness = await renderExplorer(report([own, bob, carol]), {
		actionExecutor: executor,
		isReadOnly: options.isReadOnly,
		rows: options.rows ?? 40,
		columns: 120,
	});
	await harness.waitFor(frame => frame.includes('bob'), 'the tree');
	return {explorer: harness, executor};
}

describe('the session action menu', () => {
	test('k on a session row offers End session (highlighted), Hang up, Kill and Signal…', async () => {
		const {explorer} = await start();
		await select(explorer, '41022');
		explorer.press('k');
		const menu = await explorer.waitFor(frame => frame.includes('End session'), 'the session menu');
		expect(menu).toContain('Act on session 2000: bob pts/1 from 203.0.113.7:41022');
		expect(selectedLine(menu)).toContain('> End session');
		for (const item of ['Hang up', 'Kill', 'Signal…']) {
			expect(menu).toContain(item);
		}
	});

	test('F9 opens the same menu', async () => {
		const {explorer} = await start();
		await select(explorer, '41022');
		explorer.press('\u001B[20~');
		await explorer.waitFor(frame => frame.includes('End session'), 'the session menu from F9');
	});

	test('End session asks first, names the target exactly, and No is the default', async () => {
		const {explorer, executor} = await start();
		await select(explorer, '41022');
		explorer.press('k');
		await explorer.waitFor(frame => frame.includes('End session'));
		explorer.press(keys.enter);
		const dialog = await explorer.waitFor(frame => frame.includes('Default is No'), 'the confirmation');
		expect(dialog).toContain("End session: SIGTERM to the session's privileged monitor 2000");
		expect(dialog).toContain('Signal: SIGTERM (15)');
		expect(dialog).toMatch(/PID +USER +TTY +PEER +COMMAND/u);
		expect(dialog).toMatch(/2000 root +- +203\.0\.113\.7:41022 +sshd: bob \[priv\]/u);
		expect(selectedLine(dialog)).toContain('[ No ]');
		// Enter on the default answer cancels.
		explorer.press(keys.enter);
		await explorer.waitFor(frame => frame.includes('Cancelled: nothing was sent.'), 'the cancellation');
		expect(executor.executed).toHaveLength(0);
	});

	test('y confirms: the plan goes to the executor and its sentence to the status line', async () => {
		const {explorer, executor} = await start();
		await select(explorer, '41022');
		explorer.press('k');
		await explorer.waitFor(frame => frame.includes('End session'));
		explorer.press(keys.enter);
		await explorer.waitFor(frame => frame.includes('Default is No'));
		explorer.press('y');
		await explorer.waitFor(
			frame => frame.includes('Sent SIGTERM to 2000 (sshd: bob [priv])'),
			'the result in the status line',
		);
		expect(executor.executed).toHaveLength(1);
		const [call] = executor.executed;
		expect(call?.plan.action).toBe('end-session');
		expect(call?.plan.signal.name).toBe('SIGTERM');
		expect(call?.plan.targets.map(target => target.pid)).toEqual([2000]);
		expect(call?.dispatch.confirmations).toEqual([]);
		// An ended session is followed by a look for what outlived it.
		await explorer.waitFor(frame => frame.includes('Nothing outlived it.'), 'the survivors check');
		expect(executor.survivorQueries.map(sessions => sessions.map(session => session.id))).toEqual([[bob.id]]);
	});

	test('→ then Enter chooses Yes; Esc and n cancel', async () => {
		const {explorer, executor} = await start();
		await select(explorer, '41022');
		for (const cancelKey of [keys.escape, 'n']) {
			explorer.press('t');

			await explorer.waitFor(frame => frame.includes('Default is No'));
			explorer.press(cancelKey);

			await explorer.waitFor(
				frame => !frame.includes('Default is No') && frame.includes('Cancelled'),
				'the dialog to close',
			);
		}

		expect(executor.executed).toHaveLength(0);
		explorer.press('t');
		await explorer.waitFor(frame => frame.includes('Default is No'));
		explorer.press(keys.right);
		await explorer.waitFor(frame => selectedLine(frame)?.includes('[ Yes ]') ?? false, 'Yes to be focused');
		explorer.press(keys.enter);
		await explorer.waitFor(frame => frame.includes('Sent SIGTERM'));
		expect(executor.executed).toHaveLength(1);
	});

	test('Hang up and Kill map to SIGHUP to the monitor and SIGKILL to the user-side sshd, then the monitor', async () => {
		const {explorer, executor} = await start();
		await select(explorer, '41022');
		explorer.press('k');
		await explorer.waitFor(frame => frame.includes('End session'));
		explorer.press(keys.down, keys.enter);
		await explorer.waitFor(frame => frame.includes('Hang up: SIGHUP'), 'the hang-up confirmation');
		explorer.press('y');
		await explorer.waitFor(frame => frame.includes('Sent SIGHUP'));
		explorer.press('K');
		await explorer.waitFor(
			frame => frame.includes('Kill: SIGKILL to the user-side sshd 2001 (sshd: bob@pts/1), then the monitor 2000'),
			'the kill confirmation',
		);
		explorer.press('y');
		await explorer.waitFor(frame => frame.includes('SIGKILL: 2 sent'));
		expect(
			executor.executed.map(call => [
				call.plan.action,
				call.plan.signal.name,
				call.plan.targets.map(target => target.pid),
			]),
		).toEqual([
			['hang-up', 'SIGHUP', [2000]],
			['kill-session', 'SIGKILL', [2001, 2000]],
		]);
	});

	test('Signal… takes a name or a number and says what is wrong with a bad one', async () => {
		const {explorer, executor} = await start();
		await select(explorer, '41022');
		explorer.press('k');
		await explorer.waitFor(frame => frame.includes('End session'));
		explorer.press(keys.up, keys.enter);
		await explorer.waitFor(frame => frame.includes('Signal (a name or a number'), 'the signal entry');
		explorer.press('f', 'o', 'o', keys.enter);
		await explorer.waitFor(frame => frame.includes('Unknown signal "foo"'), 'the error');
		explorer.press('\u007F', '\u007F', '\u007F', 'u', 's', 'r', '1', keys.enter);
		await explorer.waitFor(frame => frame.includes('SIGUSR1 to the session'), 'the confirmation for SIGUSR1');
		explorer.press('y');
		await explorer.waitFor(frame => frame.includes('Sent SIGUSR1'));
		expect(executor.executed[0]?.plan).toMatchObject({action: 'signal-session', signal: {name: 'SIGUSR1', number: 10}});
	});
});

describe('the process signal menu and quick keys', () => {
	test('k on a process row lists the signals and "this process and its descendants"', async () => {
		const {explorer, executor} = await start();
		await select(explorer, '-bash');
		explorer.press(keys.right, keys.down);
		await select(explorer, '2002 bob');
		explorer.press('k');
		const menu = await explorer.waitFor(frame => frame.includes('Other…'), 'the signal menu');
		for (const signal of ['TERM', 'HUP', 'INT', 'QUIT', 'KILL', 'STOP', 'CONT', 'USR1', 'USR2']) {
			expect(menu).toMatch(new RegExp(`^(?:\u001B\\[7m)?(?:> | {2})${signal} `, 'mu'));
		}

		expect(menu).toContain('[ ] d: this process and its descendants (2 processes below)');
		explorer.press('d');
		await explorer.waitFor(frame => frame.includes('[x] d:'), 'descendants on');
		explorer.press(keys.enter);
		await explorer.waitFor(frame => frame.includes('and its 2 descendants, parents first'), 'the tree confirmation');
		explorer.press('y');
		await explorer.waitFor(frame => frame.includes('SIGTERM: 3 sent'));
		expect(executor.executed[0]?.plan.action).toBe('signal-tree');
		expect(executor.executed[0]?.plan.targets.map(target => target.pid)).toEqual([2002, 2003, 2004]);
	});

	test('t and K on a process row are TERM and KILL to that process, HUP is in the k menu; each confirmed', async () => {
		const {explorer, executor} = await start();
		await select(explorer, '-bash');
		explorer.press('*');
		await select(explorer, 'sleep 600');
		for (const [keysPressed, signal] of [
			[['t'], 'SIGTERM'],
			[['k', keys.down, keys.enter], 'SIGHUP'],
			[['K'], 'SIGKILL'],
		] as const) {
			explorer.press(...keysPressed);

			await explorer.waitFor(
				frame => frame.includes(`${signal} to 2003 (sleep 600).`) && frame.includes('Default is No'),
				`the ${signal} confirmation`,
			);
			explorer.press('y');

			await explorer.waitFor(frame => frame.includes(`Sent ${signal} to 2003`));
		}

		expect(executor.executed.map(call => [call.plan.signal.name, call.plan.targets.map(target => target.pid)])).toEqual(
			[
				['SIGTERM', [2003]],
				['SIGHUP', [2003]],
				['SIGKILL', [2003]],
			],
		);
	});

	test('in a menu only ↑ and ↓ move the choice; j and k are not keys there', async () => {
		const {explorer} = await start();
		await select(explorer, '41022');
		explorer.press('k');
		await explorer.waitFor(frame => selectedLine(frame)?.includes('> End session') ?? false, 'the session menu');
		// Had j moved the choice, ↓ would land one further, on Kill.
		explorer.press('j', keys.down);
		await explorer.waitFor(frame => selectedLine(frame)?.includes('> Hang up') ?? false, '↓ to the next choice');
		// Had k moved it back, ↑ would land on End session.
		explorer.press('k', keys.down, keys.up);
		await explorer.waitFor(frame => selectedLine(frame)?.includes('> Hang up') ?? false, '↓ then ↑');
		explorer.press(keys.up);
		await explorer.waitFor(frame => selectedLine(frame)?.includes('> End session') ?? false, '↑ back');
	});

	test('a hostile command line is shown as text in the target list, never as escape sequences', async () => {
		const {explorer} = await start();
		await select(explorer, '-bash');
		explorer.press('*');
		await select(explorer, '2004');
		explorer.press('t');
		const dialog = await explorer.waitFor(frame => frame.includes('Default is No'));
		expect(dialog).toContain('evil^[]0;pwned^G line^Jbreak^[[2J');
		expect(dialog).not.toContain('\u001B]0;');
		expect(dialog).not.toContain('\u001B[2J');
		expect(dialog).not.toContain('\u0007');
	});
});

describe('tags', () => {
	test('space tags rows, an action lists every tagged target, U untags', async () => {
		const {explorer, executor} = await start();
		await select(explorer, '41022');
		explorer.press(' ');
		await explorer.waitFor(
			frame => frame.split('\n').some(line => line.includes('41022') && /[▾▸─]\+/u.test(line)),
			'the tag mark on bob',
		);
		await select(explorer, '43000');
		explorer.press(' ');
		await explorer.waitFor(
			frame => frame.split('\n').some(line => line.includes('43000') && /[▾▸─]\+/u.test(line)),
			'the tag mark on carol',
		);
		// The tags act wherever the cursor is.
		await select(explorer, '50312');
		explorer.press('k');
		const menu = await explorer.waitFor(frame => frame.includes('End session'));
		expect(menu).toContain('Act on 2 tagged rows (2 sessions)');
		explorer.press(keys.enter);
		const dialog = await explorer.waitFor(frame => frame.includes('Default is No'));
		expect(dialog).toContain('Targets (2):');
		expect(dialog).toMatch(/2000 root .*sshd: bob \[priv\]/u);
		expect(dialog).toMatch(/3000 root .*sshd: carol \[priv\]/u);
		expect(dialog).not.toMatch(/1000 root .*sshd: alice/u);
		explorer.press('y');
		await explorer.waitFor(frame => frame.includes('SIGTERM: 2 sent'));
		expect(executor.executed[0]?.plan.targets.map(target => target.pid)).toEqual([2000, 3000]);
		explorer.press('U');
		await explorer.waitFor(frame => !frame.split('\n').some(line => /[▾▸─]\+/u.test(line)), 'no tag marks');
	});

	test('a tag survives a refresh by identity and is dropped when its process is gone', async () => {
		const {explorer} = await start();
		await select(explorer, '43000');
		explorer.press(' ');
		await explorer.waitFor(frame => frame.split('\n').some(line => line.includes('43000') && /[▾▸─]\+/u.test(line)));
		explorer.setReport(report([carol, own, bob]));
		await explorer.refresh();
		expect(
			explorer
				.frame()
				.split('\n')
				.some(line => line.includes('43000') && /[▾▸─]\+/u.test(line)),
		).toBe(true);
		// Same pid, new start time: another process, so not tagged.
		const reborn = shellSession(3000, {user: 'carol', tty: 'pts/2', peer: {address: '203.0.113.7', port: 43_000}});
		const rebornTree = {...reborn.tree, process: processRecord({...reborn.tree.process, startTicks: 123_456})};
		explorer.setReport(report([own, bob, {...reborn, tree: rebornTree, id: processId(rebornTree.process)}]));
		await explorer.refresh();
		expect(
			explorer
				.frame()
				.split('\n')
				.some(line => /[▾▸─]\+/u.test(line)),
		).toBe(false);
	});
});

describe('safety in the dialogs', () => {
	test("the operator's own session needs a second yes that says YOUR session; n there sends nothing", async () => {
		const {explorer, executor} = await start();
		await select(explorer, '50312');
		explorer.press('k');
		await explorer.waitFor(frame => frame.includes('End session'));
		explorer.press(keys.enter);
		const first = await explorer.waitFor(frame => frame.includes('Default is No'));
		expect(first).toContain('1 target needs an extra confirmation after this one.');
		explorer.press('y');
		const second = await explorer.waitFor(
			frame => frame.includes('Extra confirmation 1 of 1'),
			'the second confirmation',
		);
		expect(second).toContain('This is YOUR session (from 203.0.113.7:50312): you will be disconnected');
		expect(selectedLine(second)).toContain('[ No ]');
		explorer.press('n');
		await explorer.waitFor(frame => frame.includes('Cancelled: nothing was sent.'));
		expect(executor.executed).toHaveLength(0);
		explorer.press('t', 'y');
		await explorer.waitFor(frame => frame.includes('Extra confirmation 1 of 1'));
		explorer.press('y');
		await explorer.waitFor(frame => frame.includes('Sent SIGTERM'));
		expect(executor.executed[0]?.dispatch.confirmations).toEqual([{targetId: own.id, kind: 'own-session'}]);
	});

	test("sshtop's own process is refused outright: no Yes to press", async () => {
		const {explorer, executor} = await start({executor: recordingExecutor({selfPid: 2003})});
		await select(explorer, '-bash');
		explorer.press('*');
		await select(explorer, 'sleep 600');
		explorer.press('K');
		const dialog = await explorer.waitFor(frame => frame.includes('Nothing can be sent'), 'the refusal');
		expect(dialog).toContain('Refused: 2003 is sshtop itself; quit with q instead.');
		expect(dialog).not.toContain('Yes');
		explorer.press(keys.enter);
		await explorer.waitFor(frame => !frame.includes('Nothing can be sent'));
		explorer.press('y');
		expect(executor.executed).toHaveLength(0);
	});

	test('--read-only: the header says so and action keys only explain', async () => {
		const {explorer, executor} = await start({isReadOnly: true});
		expect(explorer.frame()).toContain('READ-ONLY: every action is disabled.');
		await select(explorer, '41022');
		for (const key of ['k', 't', 'K']) {
			explorer.press(key);
		}

		await explorer.waitFor(frame => frame.includes('Read-only: actions are disabled (started with --read-only).'));
		expect(explorer.frame()).not.toContain('Default is No');
		expect(explorer.frame()).not.toContain('End session');
		expect(executor.executed).toHaveLength(0);
	});
});

describe('results and history', () => {
	test("each target's result goes to the history pane, which H shows and hides", async () => {
		const executor = recordingExecutor({
			resultFor: (target, plan) =>
				target.pid === 3000
					? {
							kind: 'not-permitted',
							target,
							signal: plan.signal,
							sentence:
								'Not permitted to signal 3000 (sshd: carol [priv]), owned by root: run sshtop as root or as that user.',
						}
					: {
							kind: 'sent',
							target,
							signal: plan.signal,
							continued: false,
							sentence: `Sent ${plan.signal.name} to ${target.pid}.`,
						},
			auditWarning: 'Audit log /nope/actions.log not written: EACCES',
		});
		const {explorer} = await start({executor});
		explorer.press('H');
		await explorer.waitFor(frame => frame.includes('History (0; H hides)') && frame.includes('No actions yet.'));
		await select(explorer, '41022');
		explorer.press(' ');
		await select(explorer, '43000');
		explorer.press(' ', 't', 'y');
		const frame = await explorer.waitFor(
			text => text.includes('History (3; H hides)'),
			'two results and a connection check',
		);
		expect(frame).toMatch(/SIGTERM +sent +Sent SIGTERM to 2000\./u);
		expect(frame).toMatch(/SIGTERM +not permitted +Not permitted to signal 3000/u);
		// Only the session the signal reached is checked, and its connection is closed.
		expect(frame).toMatch(/ +connection closed +session 2000: the connection is closed\./u);
		expect(frame).toContain('SIGTERM: 1 sent, 1 not permitted. Not permitted to signal 3000');
		expect(frame).toContain('Warning: Audit log /nope/actions.log not written: EACCES');
		explorer.press('H');
		await explorer.waitFor(text => !text.includes('History ('), 'the pane to close');
	});

	test('what outlived an ended session is listed and offered SIGTERM, still confirmed', async () => {
		const survivor = processRecord({
			pid: 2003,
			ppid: 1,
			user: 'bob',
			tty: undefined,
			comm: 'sleep',
			argv: ['nohup', 'sleep', '600'],
		});
		const executor = recordingExecutor({
			survivors: [
				{
					record: survivor,
					sessionId: bob.id,
					target: {
						pid: 2003,
						startTicks: survivor.startTicks,
						ppid: 1,
						isKernelThread: false,
						state: 'S',
						uid: 1000,
						user: 'bob',
						tty: undefined,
						command: 'nohup sleep 600',
						peer: bob.peer,
					},
				},
			],
		});
		const {explorer} = await start({executor});
		await select(explorer, '41022');
		explorer.press('t', 'y');
		const dialog = await explorer.waitFor(frame => frame.includes('outlived the session'), 'the survivors dialog');
		expect(dialog).toContain('1 process outlived the session and keeps running:');
		expect(dialog).toMatch(/2003 bob +- +203\.0\.113\.7:41022 +nohup sleep 600/u);
		expect(selectedLine(dialog)).toContain('Leave them running');
		explorer.press(keys.down, keys.down, keys.enter);
		const confirm = await explorer.waitFor(frame => frame.includes('Default is No'), 'the survivors confirmation');
		expect(confirm).toContain('Then SIGKILL to any still running after 5 s.');
		explorer.press('y');
		await explorer.waitFor(frame => frame.includes('History') || frame.includes('sent'), 'the cleanup result');
		expect(executor.cleanups).toHaveLength(1);
		expect(executor.cleanups[0]?.plan.escalateAfterMs).toBe(5000);
		expect(executor.cleanups[0]?.plan.term.targets.map(target => target.pid)).toEqual([2003]);
	});
});
