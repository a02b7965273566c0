// Processes that outlived their SSH session: started with nohup or setsid inside a session, left
// behind when the user logged out, re-parented to PID 1 and still carrying SSH_CONNECTION.
import {readFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectShell, typeLine, type SshClient} from './harness/clients.js';
import {readPs, type PsRow} from './harness/ground-truth.js';
import {endProcesses, isRunning, ownProcess, type OwnedProcess} from './harness/processes.js';
import {isRoot, ptyProblem, startTestSshd, type TestSshd} from './harness/sshd.js';
import {
	ensureBuilt,
	flatten,
	nobody,
	readDocument,
	runSshtop,
	stackTraceLine,
	type JsonDocument,
} from './harness/sshtop.js';
import {waitFor} from './harness/wait-for.js';

// Reading another user's /proc/PID/environ needs root; the scenario also needs a pty shell.
const skipReason = isRoot ? ptyProblem() : "not root: only root can read the environment of other users' processes";

function environmentOf(pid: number): Map<string, string> {
	const entries = readFileSync(`/proc/${pid}/environ`, 'latin1')
		.split('\0')
		.filter(entry => entry.includes('='));
	return new Map(entries.map(entry => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

describe.skipIf(skipReason !== undefined)(`leftover processes${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
	let sshd: TestSshd;
	let leaving: SshClient;
	let staying: SshClient;
	let loginUser: string;
	const leftBehind: OwnedProcess[] = [];
	let nohupSleep: PsRow;
	let setsidSleep: PsRow;
	let document: JsonDocument;

	beforeAll(async () => {
		const building = ensureBuilt();
		sshd = await startTestSshd();
		loginUser = sshd.unprivilegedUser ?? sshd.defaultUser;
		[leaving, staying] = await Promise.all([
			connectShell(sshd, {user: loginUser, label: `shell of ${loginUser} that logs out`}),
			connectShell(sshd, {label: 'shell that stays'}),
		]);
		typeLine(leaving, 'nohup sleep 60123 >/dev/null 2>&1 &');
		typeLine(leaving, 'setsid sleep 60124 </dev/null >/dev/null 2>&1 &');
		const connection = `127.0.0.1 ${leaving.localPort} 127.0.0.1 ${sshd.port}`;
		// Setsid forks when called by a process group leader (a background job is one): its sleep
		// goes to PID 1 at once, so find both by their environment rather than by ancestry.
		const fromThisSession = (row: PsRow) => {
			try {
				return environmentOf(row.pid).get('SSH_CONNECTION') === connection;
			} catch {
				return false;
			}
		};

		const started = await waitFor(
			async () => {
				const table = await readPs();
				const nohup = table.descendantsOf(leaving.sessionPid).find(row => row.args === 'sleep 60123');
				const setsid = table.rows.find(row => row.args === 'sleep 60124' && fromThisSession(row));
				return nohup && setsid ? [nohup, setsid] : undefined;
			},
			{timeoutMs: 15_000, description: 'both sleeps to run'},
		).catch((error: unknown) => {
			throw new Error(`${error instanceof Error ? error.message : String(error)}\nshell output:\n${leaving.output()}`);
		});
		for (const row of started) {
			const owned = ownProcess(row.pid);
			if (owned !== undefined) {
				leftBehind.push(owned);
			}
		}

		const client = ownProcess(leaving.pid);
		typeLine(leaving, 'exit');
		// Logged out normally: the client exits by itself, and both sleeps end up with PID 1.
		await waitFor(() => client === undefined || !isRunning(client), {
			timeoutMs: 15_000,
			description: 'the client to exit after `exit`',
		});
		[nohupSleep, setsidSleep] = await waitFor(
			async () => {
				const table = await readPs();
				const rows = started.map(row => table.get(row.pid));
				const [nohup, setsid] = rows;
				return nohup?.ppid === 1 && setsid?.ppid === 1 ? ([nohup, setsid] as const) : undefined;
			},
			{timeoutMs: 15_000, description: 'both sleeps to be re-parented to PID 1'},
		);
		await building;
		document = await readDocument();
	}, 90_000);

	afterAll(async () => {
		await endProcesses(leftBehind.filter(owned => isRunning(owned)));
		await leaving?.stop();
		await staying?.stop();
		await sshd?.stop();
	});

	it('ground truth: the session is gone from ps and the sleeps still carry its SSH_CONNECTION', async () => {
		const table = await readPs();
		expect(table.get(leaving.sessionPid)).toBeUndefined();
		for (const sleep of [nohupSleep, setsidSleep]) {
			expect(environmentOf(sleep.pid).get('SSH_CONNECTION')).toBe(
				`127.0.0.1 ${leaving.localPort} 127.0.0.1 ${sshd.port}`,
			);
		}
	});

	it('lists each left-behind process with the peer it came from and its user', () => {
		expect(document.leftoversReadable).toBe(true);
		for (const sleep of [nohupSleep, setsidSleep]) {
			const listed = document.leftovers.filter(leftover => leftover.pid === sleep.pid);
			expect(listed, `leftovers with pid ${sleep.pid} (${sleep.args})`).toHaveLength(1);
			const leftover = listed[0]!;
			expect(leftover.ppid).toBe(1);
			expect(leftover.user).toBe(loginUser);
			expect(leftover.user).toBe(sleep.user);
			expect(leftover.command).toContain(sleep.args);
			expect(leftover.sshConnection).toEqual({
				peer: {address: '127.0.0.1', port: leaving.localPort},
				local: {address: '127.0.0.1', port: sshd.port},
			});
			expect(leftover.sshTty).toBe(environmentOf(sleep.pid).get('SSH_TTY') ?? null);
			expect(leftover.sshTty).toMatch(/^\/dev\/pts\/\d+$/u);
			const startedAt = Date.parse(leftover.startedAt);
			// Lstart has whole seconds.
			expect(startedAt).toBeGreaterThanOrEqual(sleep.startedAt);
			expect(startedAt).toBeLessThan(sleep.startedAt + 1000);
			expect(leftover.processes.pid).toBe(sleep.pid);
			expect(flatten(leftover.processes).map(node => node.pid)).toEqual([sleep.pid]);
		}
	});

	it("counts a left-behind process in no session, and no live session's process as left behind", () => {
		const inSessions = new Set(document.sessions.flatMap(session => flatten(session.processes).map(node => node.pid)));
		expect(inSessions.has(nohupSleep.pid)).toBe(false);
		expect(inSessions.has(setsidSleep.pid)).toBe(false);
		const stayingSession = document.sessions.find(session => session.peer?.port === staying.localPort);
		expect(stayingSession?.pid).toBe(staying.sessionPid);
		const leftoverPids = new Set(
			document.leftovers.flatMap(leftover => flatten(leftover.processes).map(node => node.pid)),
		);
		for (const node of flatten(stayingSession!.processes)) {
			expect(leftoverPids.has(node.pid), `${node.pid} ${node.command}`).toBe(false);
		}

		// The listener is not a leftover either.
		expect(leftoverPids.has(sshd.pid)).toBe(false);
	});

	it('says leftovers are unreadable, and still exits 0, when run as nobody', async () => {
		const run = await runSshtop(['--json'], {as: nobody});
		expect(run.exitCode, run.stderr).toBe(0);
		expect(run.stderr).not.toMatch(stackTraceLine);
		const unprivileged = JSON.parse(run.stdout) as JsonDocument;
		expect(unprivileged.leftoversReadable).toBe(false);
		expect(Array.isArray(unprivileged.leftovers)).toBe(true);
		// Nobody cannot read these sleeps' environments, so cannot know where they came from.
		const listedPids = unprivileged.leftovers.map(leftover => leftover.pid);
		expect(listedPids).not.toContain(nohupSleep.pid);
		expect(listedPids).not.toContain(setsidSleep.pid);
	});
});
