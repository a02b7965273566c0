import {describe, expect, test} from 'vitest';
import {
	planProcessAndDescendants,
	planSessionAction,
	planSignal,
	type SessionPlan,
} from '../../../source/model/guard/plan.js';
import {parseSignal, SIGKILL, SIGTERM, SIGUSR1} from '../../../source/model/guard/signal-catalogue.js';
import {findSurvivors, planSurvivorCleanup, sessionProcesses} from '../../../source/model/guard/survivor-plan.js';
import {targetFromProcess} from '../../../source/model/guard/target.js';
import type {Session} from '../../../source/model/types.js';
import {
	aliceEditor,
	aliceMonitor,
	aliceShell,
	aliceUserSide,
	privilegeSeparatedSession,
	rootShell,
	rootSleep,
	rootSshd,
	rootWithoutSplitSession,
} from '../../fixtures/actions/sessions.js';
import {processRecord} from '../../fixtures/builders.js';

function planOf(result: SessionPlan) {
	if (!result.ok) {
		throw new Error(result.message);
	}

	return result.plan;
}

function shape(result: SessionPlan) {
	const plan = planOf(result);
	return {
		action: plan.action,
		signal: plan.signal.name,
		targets: plan.targets.map(target => [target.pid, target.startTicks]),
	};
}

describe('planSessionAction with privilege separation (monitor 1000, user side 1001)', () => {
	const session = privilegeSeparatedSession;

	test('End session sends SIGTERM to the [priv] monitor only', () => {
		expect(shape(planSessionAction(session, {kind: 'end'}))).toEqual({
			action: 'end-session',
			signal: 'SIGTERM',
			targets: [[1000, aliceMonitor.startTicks]],
		});
	});

	test('Hang up sends SIGHUP to the same monitor', () => {
		expect(shape(planSessionAction(session, {kind: 'hang-up'}))).toEqual({
			action: 'hang-up',
			signal: 'SIGHUP',
			targets: [[1000, aliceMonitor.startTicks]],
		});
	});

	test('Kill sends SIGKILL to the user-side sshd, then the monitor: both holders of the connection die, nothing is orphaned', () => {
		const result = planSessionAction(session, {kind: 'kill'});
		expect(shape(result)).toEqual({
			action: 'kill-session',
			signal: 'SIGKILL',
			targets: [
				[1001, aliceUserSide.startTicks],
				[1000, aliceMonitor.startTicks],
			],
		});
		expect(planOf(result).description).toBe(
			'Kill: SIGKILL to the user-side sshd 1001 (sshd: alice@pts/0), then the monitor 1000 (sshd: alice [priv]): the connection drops at once, without clean-up (the login may stay listed in who/last).',
		);
	});

	test('Signal… with KILL is routed as Kill, never to the monitor alone', () => {
		expect(shape(planSessionAction(session, {kind: 'signal', signal: SIGKILL})).targets).toEqual([
			[1001, aliceUserSide.startTicks],
			[1000, aliceMonitor.startTicks],
		]);
	});

	test("a normal user ends their own session through its user side, which is theirs (the monitor is root's)", () => {
		expect(shape(planSessionAction(session, {kind: 'end'}, {operatorUid: 1000})).targets).toEqual([
			[1001, aliceUserSide.startTicks],
		]);
		expect(shape(planSessionAction(session, {kind: 'kill'}, {operatorUid: 1000})).targets).toEqual([
			[1001, aliceUserSide.startTicks],
		]);
		// Another user's session: the monitor, which the kernel will refuse them (not permitted, said so).
		expect(shape(planSessionAction(session, {kind: 'end'}, {operatorUid: 1002})).targets).toEqual([
			[1000, aliceMonitor.startTicks],
		]);
		expect(planOf(planSessionAction(session, {kind: 'end'}, {operatorUid: 1000})).description).toContain(
			'user-side sshd 1001 (sshd: alice@pts/0), yours',
		);
	});

	test('an orphaned connection (its monitor gone) is ended through its user side', () => {
		const userSideNode = session.tree.children[0]!;
		const orphaned: Session = {
			...session,
			id: '1001:x',
			pid: 1001,
			monitorPid: undefined,
			isOrphaned: true,
			tree: userSideNode,
		};
		expect(shape(planSessionAction(orphaned, {kind: 'end'})).targets).toEqual([[1001, aliceUserSide.startTicks]]);
		expect(planOf(planSessionAction(orphaned, {kind: 'end'})).description).toContain('(its monitor is gone)');
		expect(shape(planSessionAction(orphaned, {kind: 'kill'})).targets).toEqual([[1001, aliceUserSide.startTicks]]);
	});

	test('Signal… sends the chosen signal to the monitor', () => {
		const parsed = parseSignal('usr1');
		if (!parsed.ok) {
			throw new Error(parsed.message);
		}

		expect(parsed.signal).toEqual(SIGUSR1);
		expect(shape(planSessionAction(session, {kind: 'signal', signal: parsed.signal}))).toEqual({
			action: 'signal-session',
			signal: 'SIGUSR1',
			targets: [[1000, aliceMonitor.startTicks]],
		});
	});

	test('targets carry what the audit needs: user, tty, peer, command', () => {
		const [target] = planOf(planSessionAction(session, {kind: 'kill'})).targets;
		expect(target).toEqual({
			pid: 1001,
			startTicks: aliceUserSide.startTicks,
			ppid: 1000,
			isKernelThread: false,
			state: 'S',
			uid: 1000,
			user: 'alice',
			tty: undefined,
			command: 'sshd: alice@pts/0',
			peer: {address: '203.0.113.7', port: 51_234},
		});
	});

	test('the End description names the monitor and what happens', () => {
		expect(planOf(planSessionAction(session, {kind: 'end'})).description).toBe(
			"End session: SIGTERM to the session's privileged monitor 1000 (sshd: alice [priv]); OpenSSH closes the connection and logs alice out.",
		);
	});
});

describe('planSessionAction for a root login without a split (one sshd 2000)', () => {
	const session = rootWithoutSplitSession;

	test('End session and Hang up go to the single sshd', () => {
		expect(shape(planSessionAction(session, {kind: 'end'})).targets).toEqual([[2000, rootSshd.startTicks]]);
		expect(shape(planSessionAction(session, {kind: 'hang-up'})).targets).toEqual([[2000, rootSshd.startTicks]]);
	});

	test('Kill goes to its only sshd, and says so', () => {
		const result = planSessionAction(session, {kind: 'kill'});
		expect(shape(result)).toEqual({action: 'kill-session', signal: 'SIGKILL', targets: [[2000, rootSshd.startTicks]]});
		expect(planOf(result).description).toMatch(/^Kill: SIGKILL to the session's only sshd 2000 \(sshd: root@pts\/1\)/u);
	});
});

describe('planSessionAction when the model and the tree disagree', () => {
	test('a monitor missing from the tree is an error value, not a guess', () => {
		const broken: Session = {...privilegeSeparatedSession, monitorPid: 4242};
		expect(planSessionAction(broken, {kind: 'end'})).toEqual({
			ok: false,
			message: "The session's sshd 4242 is not in its process tree; refresh and try again.",
		});
	});

	test('a user side missing from the tree is an error value for Kill', () => {
		const broken: Session = {...privilegeSeparatedSession, userSidePid: 4243};
		const result = planSessionAction(broken, {kind: 'kill'});
		expect(result.ok).toBe(false);
	});
});

describe('process plans', () => {
	test('a set of tagged processes becomes one plan with every target', () => {
		const plan = planSignal([targetFromProcess(aliceEditor), targetFromProcess(rootSleep)], SIGTERM);
		expect(plan.targets.map(target => target.pid)).toEqual([1003, 2002]);
		expect(plan.description).toBe('SIGTERM to 2 processes.');
	});

	test('this process and its descendants: parents first, breadth first', () => {
		const plan = planProcessAndDescendants(privilegeSeparatedSession.tree.children[0]!, SIGTERM);
		expect(plan.action).toBe('signal-tree');
		expect(plan.targets.map(target => target.pid)).toEqual([1001, 1002, 1003]);
		expect(plan.description).toBe('SIGTERM to 1001 (sshd: alice@pts/0) and its 2 descendants, parents first.');
	});

	test('siblings come before grandchildren', () => {
		const parent = processRecord({pid: 10, ppid: 1});
		const first = processRecord({pid: 11, ppid: 10});
		const second = processRecord({pid: 12, ppid: 10});
		const grandchild = processRecord({pid: 13, ppid: 11});
		const tree = {
			process: parent,
			children: [
				{process: first, children: [{process: grandchild, children: []}]},
				{process: second, children: []},
			],
		};
		expect(planProcessAndDescendants(tree, SIGTERM).targets.map(target => target.pid)).toEqual([10, 11, 12, 13]);
	});
});

describe('survivors', () => {
	const before = sessionProcesses(privilegeSeparatedSession);

	test('the session process list is its whole tree', () => {
		expect(before.map(process => process.pid)).toEqual([1000, 1001, 1002, 1003]);
	});

	test('a process with the same pid and start time, still running, survived', () => {
		const orphanedEditor = {...aliceEditor, ppid: 1};
		const after = [processRecord({pid: 1, ppid: 0, uid: 0, comm: 'init'}), orphanedEditor, rootShell];
		expect(findSurvivors(before, after)).toEqual([orphanedEditor]);
	});

	test('a reused pid, a zombie and a vanished process did not', () => {
		const reused = {...aliceShell, startTicks: aliceShell.startTicks + 1};
		const zombie = {...aliceEditor, state: 'Z', ppid: 1};
		expect(findSurvivors(before, [reused, zombie])).toEqual([]);
	});

	test('the follow-up plan sends TERM to every survivor and, if asked, KILL after a grace period', () => {
		const survivor = {...aliceEditor, ppid: 1};
		const plain = planSurvivorCleanup([survivor]);
		expect(plain.term.signal).toBe(SIGTERM);
		expect(plain.term.targets.map(target => target.pid)).toEqual([1003]);
		expect(plain.escalateAfterMs).toBeUndefined();
		expect(plain.term.description).toBe('SIGTERM to 1 process that outlived the session.');

		const escalating = planSurvivorCleanup([survivor, {...aliceShell, ppid: 1}], {escalateAfterMs: 5000});
		expect(escalating.escalateAfterMs).toBe(5000);
		expect(escalating.term.description).toBe(
			'SIGTERM to 2 processes that outlived the session, then SIGKILL to any still running after 5 s.',
		);
	});
});

describe('sentences stay one safe line', () => {
	test('a command with escapes and newlines is shown with placeholders and cut', () => {
		const hostile = processRecord({pid: 77, ppid: 1, argv: ['\u001B]52;c;aGk=\u0007evil', '\n', 'x'.repeat(80)]});
		const {description} = planSignal([targetFromProcess(hostile)], SIGTERM);
		expect(description).not.toMatch(/[\u0000-\u001F]/u);
		expect(description).toMatch(/^SIGTERM to 77 \(\^\[\]52;c;aGk=\^Gevil \^J x+…\)\.$/u);
	});
});
