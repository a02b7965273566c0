import {describe, expect, test} from 'vitest';
import {
	ancestorIds,
	type Assessment,
	assessTargets,
	confirmationsFor,
	type GuardContext,
	guardContextFrom,
	ownSessionOf,
} from '../../../source/model/guard/guard.js';
import {SIGCONT, SIGHUP, SIGKILL, SIGSTOP, SIGTERM, SIGUSR1} from '../../../source/model/guard/signal-catalogue.js';
import {type ActionTarget, targetFromProcess} from '../../../source/model/guard/target.js';
import {processId} from '../../../source/model/types.js';
import {
	aliceEditor,
	aliceMonitor,
	aliceShell,
	aliceUserSide,
	listenerRecord,
	privilegeSeparatedSession,
	rootShell,
	rootSleep,
	rootSshd,
	rootWithoutSplitSession,
	sshdListener,
} from '../../fixtures/actions/sessions.js';
import {processRecord} from '../../fixtures/builders.js';

// sshtop itself runs as pid 2500 under root's shell 2001, in root's session.
const sshtopRecord = processRecord({pid: 2500, ppid: rootShell.pid, uid: 0, comm: 'node', argv: ['node', 'sshtop']});
const everyProcess = [
	listenerRecord,
	aliceMonitor,
	aliceUserSide,
	aliceShell,
	aliceEditor,
	rootSshd,
	rootShell,
	rootSleep,
	sshtopRecord,
];

const context: GuardContext = guardContextFrom({
	selfPid: sshtopRecord.pid,
	processes: everyProcess,
	listeners: [sshdListener],
	sessions: [privilegeSeparatedSession, rootWithoutSplitSession],
	ownSessionId: rootWithoutSplitSession.id,
});

function assessOne(target: ActionTarget, signal = SIGTERM): Assessment {
	const [assessment] = assessTargets([target], signal, context);
	if (assessment === undefined) {
		throw new Error('assessTargets returned nothing');
	}

	return assessment;
}

function messageOf(assessment: Assessment): string {
	return assessment.kind === 'allowed' ? '' : assessment.message;
}

describe('assessTargets refuses outright', () => {
	test('PID 1', () => {
		const init = targetFromProcess(processRecord({pid: 1, ppid: 0, uid: 0, comm: 'init', argv: ['/sbin/init']}));
		const assessment = assessOne(init);
		expect(assessment).toMatchObject({kind: 'refused', reason: 'init'});
		expect(messageOf(assessment)).toMatch(/PID 1 is the init process/u);
	});

	test('kernel threads, by flag, by kthreadd as parent, and kthreadd itself', () => {
		const byFlag = targetFromProcess(
			processRecord({pid: 40, ppid: 0, uid: 0, comm: 'odd', argv: [], isKernelThread: true}),
		);
		const byParent = targetFromProcess(processRecord({pid: 41, ppid: 2, uid: 0, comm: 'kworker/0:1', argv: []}));
		const kthreadd = targetFromProcess(processRecord({pid: 2, ppid: 0, uid: 0, comm: 'kthreadd', argv: []}));
		for (const target of [byFlag, byParent, kthreadd]) {
			const assessment = assessOne(target, SIGKILL);
			expect(assessment).toMatchObject({kind: 'refused', reason: 'kernel-thread'});
			expect(messageOf(assessment)).toMatch(/kernel thread/u);
		}
	});

	test("sshtop's own process, even with SIGCONT", () => {
		for (const signal of [SIGTERM, SIGCONT]) {
			expect(assessOne(targetFromProcess(sshtopRecord), signal)).toMatchObject({kind: 'refused', reason: 'self'});
		}
	});

	test.each([0, -1, -2500, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31])(
		'pid %s, which is not a process id',
		pid => {
			const target = {...targetFromProcess(rootSleep), pid};
			const assessment = assessOne(target);
			expect(assessment).toMatchObject({kind: 'refused', reason: 'invalid-pid'});
			expect(messageOf(assessment)).toMatch(/not a process id/u);
		},
	);

	test('the same target twice in one action: the second is skipped, the first judged', () => {
		const target = targetFromProcess(aliceEditor);
		const assessments = assessTargets([target, target], SIGTERM, context);
		expect(assessments.map(assessment => assessment.kind)).toEqual(['allowed', 'refused']);
		expect(assessments[1]).toMatchObject({reason: 'duplicate'});
	});
});

describe('assessTargets asks for confirmation', () => {
	test("on the own session's sshd, saying the operator will be disconnected", () => {
		const assessment = assessOne(targetFromProcess(rootSshd, rootWithoutSplitSession.peer));
		expect(assessment).toMatchObject({kind: 'needs-confirmation', confirmation: 'own-session'});
		expect(messageOf(assessment)).toBe(
			'This is YOUR session (from [2001:db8::5]:40022): you will be disconnected, and sshtop ends with it.',
		);
	});

	test('on the own session with SIGSTOP, saying the terminal freezes', () => {
		expect(messageOf(assessOne(targetFromProcess(rootSshd), SIGSTOP))).toMatch(
			/freezes your terminal until someone sends SIGCONT/u,
		);
	});

	test("on sshtop's own shell, an ancestor outside the sshd pair", () => {
		const assessment = assessOne(targetFromProcess(rootShell), SIGHUP);
		expect(assessment).toMatchObject({kind: 'needs-confirmation', confirmation: 'own-ancestor'});
		expect(messageOf(assessment)).toMatch(/sshtop runs under 2001 \(-bash\): SIGHUP to it may end sshtop/u);
	});

	test('on the listener, saying what stopping it does', () => {
		const target = targetFromProcess(listenerRecord);
		const assessment = assessOne(target);
		expect(assessment).toMatchObject({kind: 'needs-confirmation', confirmation: 'listener'});
		expect(messageOf(assessment)).toBe(
			'This is the SSH listener (pid 500, port 22): stopping the listener refuses new logins; existing sessions stay.',
		);
		expect(messageOf(assessOne(target, SIGHUP))).toMatch(/re-read its configuration/u);
		expect(messageOf(assessOne(target, SIGSTOP))).toMatch(/new logins hang/u);
	});

	test('confirmationsFor turns each question into a confirmation bound to target and reason', () => {
		const assessments = assessTargets(
			[targetFromProcess(listenerRecord), targetFromProcess(aliceEditor), targetFromProcess(rootSshd)],
			SIGTERM,
			context,
		);
		expect(confirmationsFor(assessments)).toEqual([
			{targetId: processId(listenerRecord), kind: 'listener'},
			{targetId: processId(rootSshd), kind: 'own-session'},
		]);
	});
});

describe('assessTargets allows', () => {
	test("an ordinary process in someone else's session", () => {
		expect(assessOne(targetFromProcess(aliceEditor), SIGKILL)).toEqual({
			kind: 'allowed',
			target: targetFromProcess(aliceEditor),
		});
	});

	test("another session's sshd, with no question asked", () => {
		expect(assessOne(targetFromProcess(aliceMonitor)).kind).toBe('allowed');
		expect(assessOne(targetFromProcess(aliceUserSide), SIGUSR1).kind).toBe('allowed');
	});

	test('a process in the own session that sshtop does not run under', () => {
		expect(assessOne(targetFromProcess(rootSleep)).kind).toBe('allowed');
	});

	test('SIGCONT to the own session and the listener: continuing cannot disconnect anyone', () => {
		expect(assessOne(targetFromProcess(rootSshd), SIGCONT).kind).toBe('allowed');
		expect(assessOne(targetFromProcess(listenerRecord), SIGCONT).kind).toBe('allowed');
	});

	test('one assessment per target, in order', () => {
		const targets = [rootSleep, listenerRecord, sshtopRecord, aliceEditor].map(record => targetFromProcess(record));
		expect(
			assessTargets(targets, SIGTERM, context).map(assessment => [assessment.target.pid, assessment.kind]),
		).toEqual([
			[2002, 'allowed'],
			[500, 'needs-confirmation'],
			[2500, 'refused'],
			[1003, 'allowed'],
		]);
	});
});

describe('guard context', () => {
	test('ancestors run nearest first and stop before PID 1', () => {
		expect(ancestorIds(sshtopRecord.pid, everyProcess)).toEqual([
			processId(rootShell),
			processId(rootSshd),
			processId(listenerRecord),
		]);
	});

	test('the own session names both sshds of a privilege-separated login', () => {
		expect(ownSessionOf(privilegeSeparatedSession).sshdIds).toEqual([
			processId(aliceMonitor),
			processId(aliceUserSide),
		]);
		expect(ownSessionOf(rootWithoutSplitSession).sshdIds).toEqual([processId(rootSshd)]);
	});

	test('the listener is asked about as the listener, though it is also an ancestor of sshtop', () => {
		expect(context.selfAncestorIds).toContain(processId(listenerRecord));
		expect(assessOne(targetFromProcess(listenerRecord))).toMatchObject({confirmation: 'listener'});
	});
});
