// Tests that need root to arrange: a pid handed to a new process, and a normal user who may
// not signal root's processes. Without root they are skipped and say why.
import process from 'node:process';
import {chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {build} from 'esbuild';
import {execa} from 'execa';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {executeSignal} from '../../source/actions/send-signal.js';
import {type SignalReport} from '../../source/model/guard/results.js';
import {SIGKILL} from '../../source/model/guard/signal-catalogue.js';
import type {ActionTarget} from '../../source/model/guard/target.js';
import {
	type Child,
	endChildren,
	plainContext,
	psStat,
	startChild,
	targetFor,
	testOperator,
} from '../fixtures/actions/processes.js';
import {waitUntil} from '../e2e/harness/wait-for.js';

const isRoot = process.getuid?.() === 0;
const nobody = 65_534;
let logDirectory: string;

beforeAll(() => {
	logDirectory = mkdtempSync(path.join(tmpdir(), 'sshtop-actions-permissions-'));
});

afterEach(async () => {
	await endChildren();
});

afterAll(() => {
	rmSync(logDirectory, {recursive: true, force: true});
});

/** The boot-time clock in ticks, as start times count them (/proc/uptime has the same centiseconds). */
function ticksSinceBoot(): number {
	const [seconds = '0', centiseconds = '0'] = readFileSync('/proc/uptime', 'utf8').split(' ')[0]!.split('.');
	return Number(seconds) * 100 + Number(centiseconds);
}

/** Asks the kernel to give the next new process `pid`; false when it cannot be arranged. */
function nextPidWillBe(pid: number): boolean {
	try {
		// The kernel hands out ns_last_pid + 1 next, unless another fork gets there first.
		writeFileSync('/proc/sys/kernel/ns_last_pid', String(pid - 1));
		return true;
	} catch {
		return false;
	}
}

type Reuse = {readonly old: ActionTarget; readonly successor: Child};

/**
 * Starts and reaps a process, then makes the kernel give its pid to a new one. Undefined when
 * other processes on the machine keep taking the pid first.
 */
async function arrangePidReuse(): Promise<Reuse | 'ns_last_pid not writable' | undefined> {
	for (let round = 0; round < 5; round++) {
		const first = startChild('sleep', ['400']);
		const old = targetFor(first.pid, 'sleep 400');
		first.process.kill('SIGKILL');

		await first.exit;
		// Start times count 10 ms ticks, and a successor born in the old process's tick would be
		// indistinguishable from it by pid + start time (see the report); let the tick pass.

		await waitUntil(() => ticksSinceBoot() > old.startTicks + 1, {
			description: 'a clock tick after the old process started',
			intervalMs: 5,
		});
		for (let attempt = 0; attempt < 5; attempt++) {
			if (!nextPidWillBe(old.pid)) {
				return 'ns_last_pid not writable';
			}

			const candidate = startChild('sleep', ['401']);
			if (candidate.pid === old.pid) {
				return {old, successor: candidate};
			}

			// Another process forked in between and took the pid.
			candidate.process.kill('SIGKILL');

			await candidate.exit;
		}
	}

	return undefined;
}

describe('pid reuse', () => {
	test.skipIf(!isRoot)(
		'a target whose pid now belongs to a new process is refused as changed; the new process lives',
		async context => {
			const reuse = await arrangePidReuse();
			if (reuse === 'ns_last_pid not writable') {
				context.skip('/proc/sys/kernel/ns_last_pid is not writable here');
				return;
			}

			if (reuse === undefined) {
				context.skip('other processes kept taking the freed pid before the test could');
				return;
			}

			const {old, successor} = reuse;
			expect(targetFor(successor.pid).startTicks).not.toBe(old.startTicks);
			const report = executeSignal({
				targets: [old],
				signal: SIGKILL,
				context: plainContext,
				action: 'signal',
				operator: testOperator,
				auditLogPath: path.join(logDirectory, 'actions.log'),
			});
			expect(report.results).toEqual([
				expect.objectContaining({
					kind: 'changed',
					sentence: `Process ${old.pid} changed: the pid now belongs to another process (sleep); nothing was sent.`,
				}),
			]);
			expect(await psStat(successor.pid)).toMatch(/^S/u);
			expect(successor.process.signalCode).toBeNull();
			expect(successor.process.exitCode).toBeNull();
		},
	);
});

describe('a normal user', () => {
	test.skipIf(!isRoot)("gets not-permitted for root's process, which keeps running", async () => {
		const victim = startChild('sleep', ['402']);
		const target = targetFor(victim.pid);
		// Nobody's own directory; the executor creates `state` below it as nobody.
		const userLogDirectory = path.join(logDirectory, 'nobody');
		chmodSync(logDirectory, 0o711);
		mkdirSync(userLogDirectory);
		chownSync(userLogDirectory, nobody, nobody);
		const userLog = path.join(userLogDirectory, 'state', 'actions.log');
		// Bundled where nobody may read it: the checkout may be in a directory only root can enter.
		const script = path.join(logDirectory, 'signal-as-user.mjs');
		await build({
			entryPoints: [path.resolve(import.meta.dirname, '../fixtures/actions/signal-as-user.ts')],
			bundle: true,
			platform: 'node',
			format: 'esm',
			outfile: script,
			logLevel: 'silent',
		});
		chmodSync(script, 0o644);
		const {stdout} = await execa(
			'setpriv',
			[
				`--reuid=${nobody}`,
				`--regid=${nobody}`,
				'--clear-groups',
				process.execPath,
				script,
				String(target.pid),
				String(target.startTicks),
				userLog,
			],
			// HOME as nobody's: nothing of root's home is read or written on its behalf.
			{cwd: '/', env: {HOME: '/nonexistent'}},
		);
		const report = JSON.parse(stdout) as SignalReport;
		expect(report.results).toEqual([
			expect.objectContaining({
				kind: 'not-permitted',
				sentence: `Not permitted to signal ${target.pid} (sleep), owned by root: run sshtop as root or as that user.`,
			}),
		]);
		expect(await psStat(victim.pid)).toMatch(/^S/u);
		expect(victim.process.signalCode).toBeNull();

		// The attempt is in nobody's log, under nobody's name.
		expect(report.audit).toEqual({ok: true, path: userLog});
		const entry = JSON.parse(readFileSync(userLog, 'utf8')) as {
			operator: {uid: number};
			targets: Array<{result: string}>;
		};
		expect(entry.operator.uid).toBe(nobody);
		expect(entry.targets[0]?.result).toBe('not-permitted');
	});
});
