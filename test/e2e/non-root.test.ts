// sshtop run by an unprivileged user (nobody) while root and other users are logged in: it must
// still list every session from what /proc shows everyone, say that the report is partial, and
// leave out (not guess) what only root may read.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectCommand, connectShell, type SshClient} from './harness/clients.js';
import {readPs, readSs, sessionTruth, type PsTable, type SsSocket} from './harness/ground-truth.js';
import {isRoot, ptyProblem, startTestSshd, type TestSshd} from './harness/sshd.js';
import {
	ensureBuilt,
	nobody,
	runSshtop,
	stackTraceLine,
	type JsonDocument,
	type JsonSession,
	type SshtopRun,
} from './harness/sshtop.js';

// Root is needed to become nobody (setpriv) and to log in as another user.
const skipReason = isRoot ? ptyProblem() : 'not root: switching to nobody and logging in other users need root';

describe.skipIf(skipReason !== undefined)(
	`sshtop run as nobody${skipReason ? ` (skipped: ${skipReason})` : ''}`,
	() => {
		let sshd: TestSshd;
		let rootShell: SshClient;
		let userShell: SshClient;
		let rootCommand: SshClient;
		let table: PsTable;
		let sockets: SsSocket[];
		let jsonRun: SshtopRun;
		let document: JsonDocument;

		const clients = () => [rootShell, userShell, rootCommand];

		beforeAll(async () => {
			const building = ensureBuilt();
			sshd = await startTestSshd();
			[rootShell, userShell, rootCommand] = await Promise.all([
				connectShell(sshd, {label: 'root pty shell'}),
				connectShell(sshd, {user: sshd.unprivilegedUser, label: `pty shell of ${sshd.unprivilegedUser}`}),
				connectCommand(sshd, 'sleep 60301', {label: 'root notty sleep'}),
			]);
			await building;
			[table, sockets] = await Promise.all([readPs(), readSs()]);
			jsonRun = await runSshtop(['--json'], {as: nobody});
			document = JSON.parse(jsonRun.stdout) as JsonDocument;
		}, 90_000);

		afterAll(async () => {
			await Promise.all(clients().map(async client => client?.stop()));
			await sshd?.stop();
		});

		function sessionOf(client: SshClient): JsonSession {
			const matches = document.sessions.filter(session => session.pid === client.sessionPid);
			expect(matches, `sessions with pid ${client.sessionPid} (${client.label})`).toHaveLength(1);
			return matches[0]!;
		}

		it('exits 0 with valid JSON marked partial, and no stack trace or permission storm on stderr', () => {
			expect(jsonRun.exitCode, jsonRun.stderr).toBe(0);
			expect(document.schemaVersion).toBe(1);
			expect(document.partial).toBe(true);
			expect(jsonRun.stderr).not.toMatch(stackTraceLine);
			expect(jsonRun.stderr.match(/eacces|permission denied/giu)?.length ?? 0, jsonRun.stderr).toBeLessThanOrEqual(1);
			expect(jsonRun.stderr.split('\n').filter(line => line.trim() !== '').length, jsonRun.stderr).toBeLessThanOrEqual(
				3,
			);
		});

		it("still lists every session, root's and the other user's, by the top sshd pid ps shows", () => {
			for (const client of clients()) {
				const truth = sessionTruth(sockets, table, sshd.pid, {serverPort: sshd.port, clientPort: client.localPort});
				expect(truth, client.label).toBeDefined();
				expect(client.sessionPid).toBe(truth!.pid);
				const session = sessionOf(client);
				expect(session.listenerPid, client.label).toBe(sshd.pid);
				expect(session.user, client.label).toBe(truth!.user);
				expect(table.get(session.pid)?.ppid, client.label).toBe(sshd.pid);
			}

			expect(sessionOf(userShell).user).toBe(sshd.unprivilegedUser);
			expect(document.listeners.map(listener => listener.pid)).toContain(sshd.pid);
		});

		it('leaves the peer out, rather than guessing, where the socket is unreadable, and then calls health unknown', () => {
			for (const client of clients()) {
				const session = sessionOf(client);
				if (session.peer === null) {
					expect(session.health, client.label).toBe('unknown');
					expect(session.tcp, client.label).toBeNull();
				} else {
					expect(session.peer, client.label).toEqual({address: '127.0.0.1', port: client.localPort});
				}
			}

			// Nobody may not read root's /proc/PID/fd: at least root's sessions' sockets stay unknown.
			expect(sessionOf(rootCommand).peer).toBeNull();
			expect(sessionOf(rootShell).peer).toBeNull();
		});

		it('prints the plain-text tree to a pipe as nobody: exit 0, every session, no stack trace', async () => {
			const run = await runSshtop([], {as: nobody});
			expect(run.exitCode, run.stderr).toBe(0);
			expect(run.stderr).not.toMatch(stackTraceLine);
			expect(run.stdout).not.toMatch(stackTraceLine);
			// No terminal: no escape sequences for one.
			expect(run.stdout).not.toMatch(/\u001B\[/u);
			// The listener's own row of the tree (the header may also name it, with every session's count).
			const listenerRow = new RegExp(String.raw`\blistener\b.*\bpid ${sshd.pid}\b`, 'u');
			const listenerLine = run.stdout.split('\n').find(line => listenerRow.test(line));
			expect(listenerLine, run.stdout).toBeDefined();
			expect(listenerLine).toMatch(/\b3 sessions\b/u);
			for (const client of [rootShell, userShell]) {
				const tty = sessionTruth(sockets, table, sshd.pid, {serverPort: sshd.port, clientPort: client.localPort})!
					.ttys[0]!;
				expect(run.stdout, client.label).toContain(tty);
			}

			expect(run.stdout).toContain('sleep 60301');
		});
	},
);
