// The executor against real, throw-away processes. What happened is checked with ps and
// with waitpid's report (the child's exit event), never with the executor's own readings.
import process from 'node:process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import type {GuardContext} from '../../source/model/guard/guard.js';
import {executeSignal, type SignalRequest} from '../../source/actions/send-signal.js';
import {summarizeResults} from '../../source/model/guard/results.js';
import {
	parseSignal,
	type Signal,
	SIGCONT,
	SIGKILL,
	SIGSTOP,
	SIGTERM,
} from '../../source/model/guard/signal-catalogue.js';
import {cleanUpSurvivors} from '../../source/actions/survivors.js';
import {planSurvivorCleanup} from '../../source/model/guard/survivor-plan.js';
import type {ActionTarget} from '../../source/model/guard/target.js';
import {processId} from '../../source/model/types.js';
import {waitFor} from '../e2e/harness/wait-for.js';
import {
	endChildren,
	isGoneByPs,
	kernelSignalMask,
	plainContext,
	psChildren,
	psParent,
	psStat,
	startChild,
	targetFor,
	testOperator,
} from '../fixtures/actions/processes.js';
import {processRecord} from '../fixtures/builders.js';

let logDirectory: string;
let auditLogPath: string;

beforeAll(() => {
	logDirectory = mkdtempSync(path.join(tmpdir(), 'sshtop-actions-'));
	auditLogPath = path.join(logDirectory, 'actions.log');
});

afterEach(async () => {
	await endChildren();
});

afterAll(() => {
	rmSync(logDirectory, {recursive: true, force: true});
});

function send(
	targets: readonly ActionTarget[],
	signal: Signal,
	extra: Partial<Omit<SignalRequest, 'targets' | 'signal'>> = {},
) {
	return executeSignal({
		targets,
		signal,
		context: plainContext,
		action: 'signal',
		operator: testOperator,
		auditLogPath,
		...extra,
	});
}

async function waitForPsState(pid: number, predicate: (stat: string | undefined) => boolean, description: string) {
	return waitFor(
		async () => {
			const stat = await psStat(pid);
			return predicate(stat) ? {stat} : undefined;
		},
		{description, timeoutMs: 5000},
	);
}

// Perl rather than sleep where a signal handler matters: sleep has none, and the kernel
// kills even a stopped process at once for a signal whose default action is to terminate.
const exitsSevenOnTerm = String.raw`$SIG{TERM} = sub { exit 7 }; sleep 1 while 1`;

describe('sending to live processes', () => {
	test('SIGTERM ends a sleep and the result says sent', async () => {
		const child = startChild('sleep', ['300']);
		const report = send([targetFor(child.pid, 'sleep 300')], SIGTERM);
		expect(report.results).toEqual([
			expect.objectContaining({kind: 'sent', continued: false, sentence: `Sent SIGTERM to ${child.pid} (sleep 300).`}),
		]);
		expect(await child.exit).toEqual({code: null, signal: 'SIGTERM'});
		expect(await isGoneByPs(child.pid)).toBe(true);
	});

	test('a set of targets gets one result each, and every one is gone', async () => {
		const children = [startChild('sleep', ['301']), startChild('sleep', ['302']), startChild('sleep', ['303'])];
		const report = send(
			children.map(child => targetFor(child.pid)),
			SIGKILL,
			{action: 'signal'},
		);
		expect(report.results.map(result => [result.target.pid, result.kind])).toEqual(
			children.map(child => [child.pid, 'sent']),
		);
		expect(summarizeResults(report.results)).toBe('3 sent');
		for (const child of children) {
			expect((await child.exit).signal).toBe('SIGKILL');

			expect(await isGoneByPs(child.pid)).toBe(true);
		}
	});

	test('a signal given by number through parseSignal reaches the process', async () => {
		const child = startChild('sleep', ['304']);
		const parsed = parseSignal('sigint');
		if (!parsed.ok) {
			throw new Error(parsed.message);
		}

		expect(send([targetFor(child.pid)], parsed.signal).results[0]?.kind).toBe('sent');
		expect((await child.exit).signal).toBe('SIGINT');
	});

	test('a stopped process gets SIGCONT after SIGTERM, so its TERM handler runs', async () => {
		const child = startChild('perl', ['-e', exitsSevenOnTerm]);
		// The handler is the point: without SIGCONT a stopped perl keeps TERM pending for good.
		await waitFor(() => kernelSignalMask(child.pid, 'SigCgt', SIGTERM.number), {description: 'perl to catch TERM'});
		process.kill(child.pid, 'SIGSTOP');
		await waitForPsState(child.pid, stat => stat?.startsWith('T') === true, 'the child to be stopped');

		const report = send([targetFor(child.pid, 'perl')], SIGTERM);
		expect(report.results[0]).toMatchObject({
			kind: 'sent',
			continued: true,
			sentence: `Sent SIGTERM to ${child.pid} (perl), then SIGCONT so the stopped process acts on it.`,
		});
		// Exit code 7 comes from the handler: TERM was delivered to a running process.
		expect(await child.exit).toEqual({code: 7, signal: null});
		expect(await isGoneByPs(child.pid)).toBe(true);
	});

	test('SIGSTOP to a running process stops it and is not followed by SIGCONT', async () => {
		const child = startChild('sleep', ['305']);
		const report = send([targetFor(child.pid)], SIGSTOP);
		expect(report.results[0]).toMatchObject({kind: 'sent', continued: false});
		await waitForPsState(child.pid, stat => stat?.startsWith('T') === true, 'the child to be stopped');
		expect(send([targetFor(child.pid)], SIGCONT).results[0]?.kind).toBe('sent');
		await waitForPsState(child.pid, stat => stat?.startsWith('S') === true, 'the child to run again');
	});
});

describe('targets that cannot or must not be signalled', () => {
	test('a zombie is reported as a zombie, naming the parent that has not reaped it', async () => {
		// Sh starts `sleep 0` in the background and becomes perl, which never waits for it
		// until TERM: the exited sleep stays a zombie child of perl.
		const parent = startChild('sh', [
			'-c',
			String.raw`sleep 0 & exec perl -e '$SIG{TERM} = sub { wait; exit 0 }; sleep 1 while 1'`,
		]);
		const {zombiePid} = await waitFor(
			async () => {
				const zombie = (await psChildren(parent.pid)).find(child => child.stat.startsWith('Z'));
				return zombie === undefined ? undefined : {zombiePid: zombie.pid};
			},
			{description: 'a zombie child under perl'},
		);
		expect(await psParent(zombiePid)).toBe(parent.pid);

		// Seen as a zombie when it was chosen: explained, and nothing is attempted.
		const known = send([{...targetFor(zombiePid, 'sleep 0'), ppid: parent.pid, state: 'Z'}], SIGKILL);
		expect(known.results).toEqual([
			expect.objectContaining({
				kind: 'refused',
				reason: 'zombie',
				sentence: `${zombiePid} (sleep 0) is a zombie: it has exited, and no signal can reach it. Its parent ${parent.pid} has not reaped it: act on the parent (SIGCHLD asks it to reap; if the parent ends, PID 1 reaps it).`,
			}),
		]);
		// Chosen while it ran, a zombie by the time of sending: the executor's own look says so.
		const report = send([targetFor(zombiePid, 'sleep 0')], SIGKILL);
		expect(report.results).toEqual([
			expect.objectContaining({
				kind: 'zombie',
				parentPid: parent.pid,
				sentence: `${zombiePid} (sleep 0) is a zombie: it has exited and cannot be signalled. Its parent ${parent.pid} has not reaped it.`,
			}),
		]);

		// The parent reaps on TERM; ending it with KILL would hand the zombie to PID 1 for good.
		process.kill(parent.pid, 'SIGTERM');
		expect(await parent.exit).toEqual({code: 0, signal: null});
		expect(await psStat(zombiePid)).toBeUndefined();
	});

	test('a target whose start time does not match is refused as changed, and the process is untouched', async () => {
		const child = startChild('sleep', ['306']);
		const real = targetFor(child.pid, 'sleep 306');
		const impostor = {...real, startTicks: real.startTicks - 1};
		const report = send([impostor], SIGKILL);
		expect(report.results).toEqual([
			expect.objectContaining({
				kind: 'changed',
				sentence: `Process ${child.pid} changed: the pid now belongs to another process (sleep); nothing was sent.`,
			}),
		]);
		expect(await psStat(child.pid)).toMatch(/^S/u);
		expect(child.process.exitCode).toBeNull();
		expect(child.process.signalCode).toBeNull();
	});

	test('a process that has exited and been reaped gives gone', async () => {
		const child = startChild('sleep', ['307']);
		const target = targetFor(child.pid, 'sleep 307');
		child.process.kill('SIGKILL');
		await child.exit;
		expect(await psStat(child.pid)).toBeUndefined();

		expect(send([target], SIGTERM).results).toEqual([
			expect.objectContaining({
				kind: 'gone',
				sentence: `${child.pid} (sleep 307) had already exited; nothing was sent.`,
			}),
		]);
	});

	test('a pid above pid_max, which no process can have, gives gone', () => {
		const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
		const target = {...targetFor(process.pid), pid: pidMax + 1};
		expect(send([target], SIGTERM).results[0]?.kind).toBe('gone');
	});

	test('PID 1 is refused and nothing is sent', async () => {
		const before = await psStat(1);
		const init = {...targetFor(1), ppid: 0};
		const report = send([init], SIGCONT);
		expect(report.results[0]).toMatchObject({kind: 'refused', reason: 'init'});
		expect(await psStat(1)).toBe(before);
	});

	test("sshtop's own process is refused", () => {
		// SIGCONT so that a broken guard would do no harm to the test runner.
		const report = send([targetFor(process.pid, 'node')], SIGCONT);
		expect(report.results[0]).toMatchObject({kind: 'refused', reason: 'self'});
	});

	test.each([0, -1, -process.pid, 1.5, Number.NaN])('pid %s never reaches process.kill', pid => {
		// SIGCONT: had 0 or -1 slipped through, it would have gone to a process group or to
		// everything, and CONT is the one signal that would not hurt.
		const report = send([{...targetFor(process.pid), pid}], SIGCONT);
		expect(report.results).toEqual([expect.objectContaining({kind: 'refused', reason: 'invalid-pid'})]);
	});

	test('a signal number outside 1–64 is refused for every target and the targets keep running', async () => {
		const child = startChild('sleep', ['308']);
		for (const number of [0, 65, -15, 2.5]) {
			const report = send([targetFor(child.pid)], {name: 'SIGBOGUS', number});
			expect(report.results[0]).toMatchObject({kind: 'refused', reason: 'invalid-signal'});
		}

		expect(await psStat(child.pid)).toMatch(/^S/u);
	});
});

describe('targets that need a confirmation', () => {
	function contextWithListener(target: ActionTarget): GuardContext {
		return {
			...plainContext,
			listeners: [{id: processId(target), pid: target.pid, command: 'sshd', ports: [2222]}],
		};
	}

	test('an unconfirmed listener is refused with the question, and keeps running', async () => {
		const child = startChild('sleep', ['309']);
		const target = targetFor(child.pid, 'sshd');
		const report = send([target], SIGTERM, {context: contextWithListener(target)});
		expect(report.results[0]).toMatchObject({
			kind: 'refused',
			reason: 'unconfirmed',
			sentence: `Not sent without confirmation. This is the SSH listener (pid ${child.pid}, port 2222): stopping the listener refuses new logins; existing sessions stay.`,
		});
		expect(await psStat(child.pid)).toMatch(/^S/u);
	});

	test('a confirmation for another reason does not count', async () => {
		const child = startChild('sleep', ['310']);
		const target = targetFor(child.pid, 'sshd');
		const report = send([target], SIGTERM, {
			context: contextWithListener(target),
			confirmations: [{targetId: processId(target), kind: 'own-session'}],
		});
		expect(report.results[0]).toMatchObject({kind: 'refused', reason: 'unconfirmed'});
		expect(await psStat(child.pid)).toMatch(/^S/u);
	});

	test('with its confirmation the listener is signalled', async () => {
		const child = startChild('sleep', ['311']);
		const target = targetFor(child.pid, 'sshd');
		const report = send([target], SIGTERM, {
			context: contextWithListener(target),
			confirmations: [{targetId: processId(target), kind: 'listener'}],
		});
		expect(report.results[0]?.kind).toBe('sent');
		expect((await child.exit).signal).toBe('SIGTERM');
	});
});

describe('following up on survivors', () => {
	test('TERM, then KILL after the grace period for a process that ignores TERM', async () => {
		const stubborn = startChild('perl', ['-e', String.raw`$SIG{TERM} = 'IGNORE'; sleep 1 while 1`]);
		const polite = startChild('sleep', ['312']);
		await waitFor(() => kernelSignalMask(stubborn.pid, 'SigIgn', SIGTERM.number), {description: 'perl to ignore TERM'});
		const survivors = [stubborn, polite].map(child =>
			processRecord({...targetFor(child.pid), argv: ['survivor'], ppid: 1}),
		);

		const plan = planSurvivorCleanup(survivors, {escalateAfterMs: 500});
		const report = await cleanUpSurvivors(plan, {context: plainContext, operator: testOperator, auditLogPath});
		// The stubborn one set TERM to SIG_IGN: the result says the signal did nothing, and KILL follows.
		expect(report.first.results.map(result => result.kind)).toEqual(['ignored', 'sent']);
		expect(report.kill?.results.map(result => [result.target.pid, result.kind])).toEqual([[stubborn.pid, 'sent']]);
		expect((await stubborn.exit).signal).toBe('SIGKILL');
		expect((await polite.exit).signal).toBe('SIGTERM');
	});

	test('no KILL when every survivor ended on TERM', async () => {
		const polite = startChild('sleep', ['313']);
		const plan = planSurvivorCleanup([processRecord({...targetFor(polite.pid), ppid: 1})], {escalateAfterMs: 2000});
		const report = await cleanUpSurvivors(plan, {context: plainContext, operator: testOperator, auditLogPath});
		expect(report.first.results[0]?.kind).toBe('sent');
		expect(report.kill).toBeUndefined();
		expect((await polite.exit).signal).toBe('SIGTERM');
	});
});

describe('every action is audited', () => {
	test('one JSON line per action, naming operator, signal, targets and results', async () => {
		const child = startChild('sleep', ['314']);
		const before = existsSync(auditLogPath) ? readFileSync(auditLogPath, 'utf8') : '';
		const target = targetFor(child.pid, 'sleep 314');
		const report = send([target, {...targetFor(process.pid), pid: 1, ppid: 0}], SIGTERM, {
			action: 'signal-tree',
		});
		expect(report.audit).toEqual({ok: true, path: auditLogPath});
		await child.exit;

		const after = readFileSync(auditLogPath, 'utf8');
		expect(after.startsWith(before)).toBe(true);
		const added = after.slice(before.length).trimEnd().split('\n');
		expect(added).toHaveLength(1);
		const entry = JSON.parse(added[0]!) as Record<string, unknown>;
		expect(entry).toEqual({
			time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/u) as unknown,
			action: 'signal-tree',
			operator: {uid: process.getuid?.(), user: testOperator.user, peer: '192.0.2.10:50000'},
			signal: {name: 'SIGTERM', number: 15},
			targets: [
				{
					pid: child.pid,
					startTicks: target.startTicks,
					user: 'root',
					tty: null,
					peer: null,
					command: 'sleep 314',
					result: 'sent',
					reason: null,
					sentence: `Sent SIGTERM to ${child.pid} (sleep 314).`,
				},
				expect.objectContaining({pid: 1, result: 'refused', reason: 'init'}),
			],
		});
	});

	test('an unwritable log is a warning in the report; the signal is still sent', async () => {
		const child = startChild('sleep', ['315']);
		// A log path below a regular file: mkdir fails with ENOTDIR even for root.
		const report = send([targetFor(child.pid)], SIGTERM, {
			auditLogPath: path.join(auditLogPath, 'nested', 'actions.log'),
		});
		expect(report.results[0]?.kind).toBe('sent');
		expect(report.audit).toMatchObject({
			ok: false,
			warning: expect.stringMatching(/^Audit log .* not written: /u) as unknown,
		});
		expect((await child.exit).signal).toBe('SIGTERM');
	});
});
