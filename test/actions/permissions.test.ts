// Tests that need root to arrange: a pid handed to a new process, and a normal user who may
// not signal root's processes. Without root they are skipped and say why.
import {chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {executeSignal, type SignalReport} from '../../source/actions/signal.js';
import {SIGKILL} from '../../source/actions/signals.js';
import {type Child, endChildren, plainContext, psStat, startChild, targetFor, testOperator} from '../fixtures/actions/processes.js';

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

describe('pid reuse', () => {
	test.skipIf(!isRoot)('a target whose pid now belongs to a new process is refused as changed; the new process lives', async context => {
		const old = startChild('sleep', ['400']);
		const oldTarget = targetFor(old.pid, 'sleep 400');
		old.process.kill('SIGKILL');
		await old.exit;

		let successor: Child | undefined;
		for (let attempt = 0; attempt < 10 && successor === undefined; attempt++) {
			if (!nextPidWillBe(old.pid)) {
				context.skip('/proc/sys/kernel/ns_last_pid is not writable here');
			}

			const candidate = startChild('sleep', ['401']);
			// Start times count 10 ms ticks: a successor born in the old process's tick is
			// indistinguishable from it by pid + start time, so only a later one will do.
			if (candidate.pid === old.pid && targetFor(candidate.pid).startTicks !== oldTarget.startTicks) {
				successor = candidate;
			} else {
				// Another process forked in between and took the pid, or the tick had not moved on.
				candidate.process.kill('SIGKILL');
				// eslint-disable-next-line no-await-in-loop
				await candidate.exit;
			}
		}

		if (successor === undefined) {
			context.skip(`pid ${old.pid} went to other processes 10 times in a row`);
			return;
		}

		const report = executeSignal({
			targets: [oldTarget],
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
		expect(await psStat(successor.pid)).toMatch(/^S/);
		expect(successor.process.signalCode).toBeNull();
		expect(successor.process.exitCode).toBeNull();
	});
});

describe('a normal user', () => {
	test.skipIf(!isRoot)("gets not-permitted for root's process, which keeps running", async () => {
		const victim = startChild('sleep', ['402']);
		const target = targetFor(victim.pid);
		// nobody's own directory; the executor creates `state` below it as nobody.
		const userLogDirectory = path.join(logDirectory, 'nobody');
		chmodSync(logDirectory, 0o711);
		mkdirSync(userLogDirectory);
		chownSync(userLogDirectory, nobody, nobody);
		const userLog = path.join(userLogDirectory, 'state', 'actions.log');
		const {stdout} = await execa(
			'setpriv',
			[
				`--reuid=${nobody}`,
				`--regid=${nobody}`,
				'--clear-groups',
				process.execPath,
				'--import',
				'tsx',
				'test/fixtures/actions/signal-as-user.ts',
				String(target.pid),
				String(target.startTicks),
				userLog,
			],
			// HOME as nobody's: nothing of root's home is read or written on its behalf.
			{cwd: path.resolve(import.meta.dirname, '../..'), env: {HOME: '/nonexistent'}},
		);
		const report = JSON.parse(stdout) as SignalReport;
		expect(report.results).toEqual([
			expect.objectContaining({
				kind: 'not-permitted',
				sentence: `Not permitted to signal ${target.pid} (sleep), owned by root: run sshtop as root or as that user.`,
			}),
		]);
		expect(await psStat(victim.pid)).toMatch(/^S/);
		expect(victim.process.signalCode).toBeNull();

		// The attempt is in nobody's log, under nobody's name.
		expect(report.audit).toEqual({ok: true, path: userLog});
		const entry = JSON.parse(readFileSync(userLog, 'utf8')) as {operator: {uid: number}; targets: Array<{result: string}>};
		expect(entry.operator.uid).toBe(nobody);
		expect(entry.targets[0]?.result).toBe('not-permitted');
	});
});
