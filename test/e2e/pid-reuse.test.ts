// PID reuse through the explorer: the process the operator confirmed is gone, and its pid now
// belongs to another process. sshtop must notice (pid + start time, checked right before
// kill) and send nothing. Root steers /proc/sys/kernel/ns_last_pid so the kernel hands the
// freed pid to a new process while the confirmation is open; ps says what lived and died.
import process from 'node:process';
import {type ChildProcess, spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectShell, type SshClient} from './harness/clients.js';
import {readPs} from './harness/ground-truth.js';
import {endProcesses, isRunning, ownProcess, type OwnedProcess} from './harness/processes.js';
import {isRoot, startTestSshd, type TestSshd} from './harness/sshd.js';
import {cliPath, ensureBuilt} from './harness/sshtop.js';
import {shellQuote as quote, startTmux, type TmuxSession} from './harness/tmux.js';
import {waitFor, waitUntil} from './harness/wait-for.js';

const skipReason = isRoot ? undefined : 'not root: steering /proc/sys/kernel/ns_last_pid needs root';
const selected = /\u001B\[(?:\d+;)*7m/u;
const colors = /\u001B\[[\d;]*m/gu;
const nsLastPid = '/proc/sys/kernel/ns_last_pid';

type AuditLine = {
	readonly action: string;
	readonly signal: {readonly name: string};
	readonly targets: ReadonlyArray<{readonly pid: number; readonly startTicks: number; readonly result: string}>;
};

function auditLines(logPath: string): AuditLine[] {
	let text = '';
	try {
		text = readFileSync(logPath, 'utf8');
	} catch {
		return [];
	}

	return text
		.split('\n')
		.filter(Boolean)
		.map(line => JSON.parse(line) as AuditLine);
}

/** The process row of `pid` in the tree (`─▾ PID `, `─▸ PID ` or `── PID `); lines may carry colours. */
function processRowIndex(lines: readonly string[], pid: number): number {
	const row = new RegExp(`─[▾▸─] +${pid} `, 'u');
	return lines.findIndex(line => row.test(line.replaceAll(colors, '')));
}

/** Filters the tree to `pid:PID`, keeps the filter and moves the cursor onto that process row. */
async function selectProcess(tmux: TmuxSession, pid: number): Promise<void> {
	await tmux.sendText(String.raw`\pid:${pid}`);
	await tmux.sendKeys('Enter');
	await tmux.waitForScreen(
		screen => screen.includes(`filter: pid:${pid} (`) && processRowIndex(screen.split('\n'), pid) !== -1,
		{
			description: `the tree filtered to pid ${pid}`,
		},
	);
	const lines = (await tmux.capturePane({colors: true})).split('\n');
	const target = processRowIndex(lines, pid);
	const cursor = lines.findIndex(line => selected.test(line));
	expect(cursor).not.toBe(-1);
	if (target !== cursor) {
		await tmux.sendKeys(...Array.from({length: Math.abs(target - cursor)}, () => (target > cursor ? 'Down' : 'Up')));
	}

	await tmux.waitForScreen(
		screen => {
			const rows = screen.split('\n');
			return selected.test(rows[processRowIndex(rows, pid)] ?? '');
		},
		{colors: true, description: `the row of pid ${pid} to be selected`},
	);
}

type Successor = {readonly child: ChildProcess; readonly owned: OwnedProcess};

/**
 * Makes the kernel give `pid` to a new `sleep SECONDS`, a child of this test: ns_last_pid is set
 * to pid - 1 and the next fork gets pid, unless another process on the machine forks first.
 */
async function spawnWithPid(pid: number, seconds: number): Promise<Successor | string> {
	for (let attempt = 0; attempt < 10; attempt++) {
		try {
			writeFileSync(nsLastPid, String(pid - 1));
		} catch (error: unknown) {
			return `${nsLastPid} is not writable here (${error instanceof Error ? error.message : String(error)})`;
		}

		const child = spawn('sleep', [String(seconds)], {stdio: 'ignore'});
		const owned = child.pid === undefined ? undefined : ownProcess(child.pid);
		if (owned?.pid === pid) {
			return {child, owned};
		}

		// Another fork took the pid in between: end this candidate and steer again.
		child.kill('SIGKILL');

		await new Promise(resolve => {
			if (child.exitCode === null && child.signalCode === null) {
				child.once('exit', resolve);
			} else {
				resolve(undefined);
			}
		});
	}

	return `other processes kept taking pid ${pid} before the test could`;
}

describe.skipIf(skipReason !== undefined)(
	`pid reuse in the explorer${skipReason ? ` (skipped: ${skipReason})` : ''}`,
	() => {
		let sshd: TestSshd;
		let directory: string;
		let auditLog: string;

		beforeAll(async () => {
			await ensureBuilt();
			sshd = await startTestSshd();
			directory = mkdtempSync(path.join(tmpdir(), 'sshtop-pid-reuse-'));
			auditLog = path.join(directory, 'actions.log');
		}, 120_000);

		afterAll(async () => {
			await sshd?.stop();
			if (directory !== undefined) {
				rmSync(directory, {recursive: true, force: true});
			}
		});

		it('confirming TERM for a process whose pid went to another process meanwhile sends nothing: "changed"', async context => {
			const marker = 70_000 + Math.floor(Math.random() * 900);
			let shell: SshClient | undefined;
			let tmux: TmuxSession | undefined;
			let successor: Successor | undefined;
			try {
				// The throwaway: a foreground sleep of a root shell, which reaps it when it dies.
				shell = await connectShell(sshd, {label: 'root shell running the throwaway sleep'});
				shell.write(`sleep ${marker}\n`);
				const old = await waitFor(async () => (await readPs()).rows.find(row => row.args === `sleep ${marker}`), {
					description: `sleep ${marker} in the shell`,
				});
				const oldIdentity = ownProcess(old.pid);
				expect(oldIdentity).toBeDefined();

				tmux = await startTmux({
					command: `${quote(process.execPath)} ${quote(cliPath)} --no-syslog --audit-log ${quote(auditLog)}`,
					columns: 170,
					rows: 45,
				});
				await tmux.waitForScreen(screen => screen.includes('listening on'), {
					description: 'the explorer',
					timeoutMs: 20_000,
				});
				await selectProcess(tmux, old.pid);
				await tmux.sendText('t');
				const dialog = await tmux.waitForScreen(screen => screen.includes('Default is No'), {
					description: 'the TERM confirmation',
				});
				expect(dialog).toContain(String(old.pid));
				expect(dialog).toContain(`sleep ${marker}`);

				// Behind the open dialog: the throwaway dies and its shell reaps it…
				process.kill(old.pid, 'SIGKILL');
				await waitUntil(async () => (await readPs()).get(old.pid) === undefined, {
					description: `pid ${old.pid} to be reaped`,
				});
				// …and the pid goes to a new process. Start times count 10 ms ticks and ps shows whole
				// seconds, counted from the boot time rounded to a second, so ps's seconds do not turn
				// with the clock's: two seconds on, ps is sure to show a later one.
				await waitUntil(() => Date.now() >= old.startedAt + 2000, {
					description: 'two seconds after the throwaway started',
				});
				const arranged = await spawnWithPid(old.pid, marker + 1);
				if (typeof arranged === 'string') {
					context.skip(arranged);
					return;
				}

				successor = arranged;
				const reused = (await readPs()).get(old.pid);
				expect(reused?.args).toBe(`sleep ${marker + 1}`);
				expect(reused!.startedAt).toBeGreaterThan(old.startedAt);
				expect(successor.owned.startTicks).toBeGreaterThan(oldIdentity!.startTicks);
				// The dialog is still the one for the old process.
				expect(await tmux.capturePane()).toContain('Default is No');

				await tmux.sendText('y');
				const sentence = `Process ${old.pid} changed: the pid now belongs to another process (sleep); nothing was sent.`;
				await tmux.waitForScreen(screen => screen.includes(sentence), {description: 'changed in the status line'});
				await tmux.sendText('H');
				await tmux.waitForScreen(screen => /SIGTERM +process changed/u.test(screen), {description: 'the history pane'});

				// Ps: the new owner of the pid is the same process, untouched.
				expect((await readPs()).get(old.pid)?.args).toBe(`sleep ${marker + 1}`);
				expect(isRunning(successor.owned)).toBe(true);
				expect(successor.child.exitCode).toBeNull();
				expect(successor.child.signalCode).toBeNull();

				const lines = auditLines(auditLog);
				expect(
					lines.map(line => [
						line.signal.name,
						line.targets.map(target => [target.pid, target.startTicks, target.result]),
					]),
				).toEqual([['SIGTERM', [[old.pid, oldIdentity!.startTicks, 'changed']]]]);
				expect(lines.flatMap(line => line.targets).some(target => target.result === 'sent')).toBe(false);
			} finally {
				await tmux?.stop();
				await shell?.stop();
				if (successor !== undefined) {
					await endProcesses([successor.owned].filter(owned => isRunning(owned)));
				}
			}
		}, 60_000);
	},
);
