// Actions through the explorer in a real terminal, against the private test sshd: tmux runs
// sshtop, the test presses keys, and ps, ss and the clients themselves say what happened.
import process from 'node:process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectCommand, connectShell, type SshClient} from './harness/clients.js';
import {clientPortOf, clientSocketOf, readPs, readSs, serverSocketOf} from './harness/ground-truth.js';
import {endProcesses, isRunning, ownProcess, type OwnedProcess} from './harness/processes.js';
import {isRoot, ptyProblem, startTestSshd, type TestSshd, unprivilegedTestUser} from './harness/sshd.js';
import {cliPath, ensureBuilt, sharedCliPath} from './harness/sshtop.js';
import {moveSelectionTo} from './harness/navigate.js';
import {shellQuote as quote, startTmux, type TmuxSession} from './harness/tmux.js';
import {waitFor} from './harness/wait-for.js';

const skipReason = isRoot ? ptyProblem() : 'not root: logging in as another user and the EPERM case need root';

type AuditLine = {
	readonly action: string;
	readonly signal: {readonly name: string};
	readonly operator: {readonly user: string; readonly peer: string | null};
	readonly targets: ReadonlyArray<{readonly pid: number; readonly result: string; readonly peer: string | null}>;
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

/** Puts the cursor on the session row of the client at 127.0.0.1:PORT. */
async function selectSession(tmux: TmuxSession, port: number): Promise<void> {
	await selectRow(
		tmux,
		lines => lines.findIndex(line => line.includes(`127.0.0.1:${port} `)),
		`the session of port ${port}`,
	);
}

/** Collapses the tree and moves the cursor to the row `find` picks on the screen. */
async function selectRow(tmux: TmuxSession, find: (lines: readonly string[]) => number, what: string): Promise<void> {
	await tmux.sendText('c');
	await tmux.waitForScreen(screen => find(screen.split('\n')) !== -1, {description: what});
	await moveSelectionTo(tmux, find, what);
}

async function connectionIsOpen(sshd: TestSshd, client: SshClient): Promise<boolean> {
	return serverSocketOf(await readSs(), sshd.port, client.localPort) !== undefined;
}

describe.skipIf(skipReason !== undefined)(
	`actions in the explorer${skipReason ? ` (skipped: ${skipReason})` : ''}`,
	() => {
		let sshd: TestSshd;
		let directory: string;
		let auditLog: string;
		const started: OwnedProcess[] = [];

		beforeAll(async () => {
			await ensureBuilt();
			sshd = await startTestSshd();
			directory = mkdtempSync(path.join(tmpdir(), 'sshtop-actions-'));
			auditLog = path.join(directory, 'actions.log');
		}, 120_000);

		afterAll(async () => {
			await endProcesses(started);
			await sshd?.stop();
			if (directory !== undefined) {
				rmSync(directory, {recursive: true, force: true});
			}
		});

		async function startSshtop(extra: readonly string[] = [], prefix = ''): Promise<TmuxSession> {
			const command = `${prefix}${quote(process.execPath)} ${quote(cliPath)} --no-syslog --audit-log ${quote(auditLog)} ${extra.map(word => quote(word)).join(' ')}`;
			const tmux = await startTmux({command, columns: 170, rows: 45});
			await tmux.waitForScreen(screen => screen.includes('listening on'), {
				description: 'the explorer',
				timeoutMs: 20_000,
			});
			return tmux;
		}

		it('ends a non-root and a root pty session: the connections close, the clients see it, the audit log has both', async () => {
			const [userShell, rootShell] = await Promise.all([
				connectShell(sshd, {user: sshd.unprivilegedUser ?? unprivilegedTestUser, label: 'non-root shell to end'}),
				connectShell(sshd, {label: 'root shell to end'}),
			]);
			const clients = [userShell, rootShell].map(client => ownProcess(client.pid)!);
			const tmux = await startSshtop();
			try {
				const server = sshd;
				for (const client of [userShell, rootShell]) {
					await selectSession(tmux, client.localPort);
					await tmux.sendText('k');
					await tmux.waitForScreen(screen => screen.includes('> End session'), {description: 'the session menu'});
					await tmux.sendKeys('Enter');
					const dialog = await tmux.waitForScreen(screen => screen.includes('Default is No'), {
						description: 'the confirmation',
					});
					expect(dialog).toContain(`127.0.0.1:${client.localPort}`);
					expect(dialog).toContain(String(client.sessionPid));
					await tmux.sendText('y');
					await tmux.waitForScreen(screen => screen.includes(`Sent SIGTERM to ${client.sessionPid} `), {
						description: 'the result in the status line',
					});
					// ss: the server side of the connection is gone; the client process exits, saying so.
					await waitFor(async () => !(await connectionIsOpen(server, client)), {
						description: `connection of port ${client.localPort} to close`,
					});
				}

				await waitFor(() => clients.every(client => !isRunning(client)), {description: 'both ssh clients to exit'});
				for (const client of [userShell, rootShell]) {
					expect(client.output()).toMatch(/Connection to 127\.0\.0\.1 closed|closed by remote host/u);
				}

				const ends = auditLines(auditLog).filter(line => line.action === 'end-session');
				expect(ends.map(line => [line.signal.name, line.targets[0]?.pid, line.targets[0]?.result])).toEqual([
					['SIGTERM', userShell.sessionPid, 'sent'],
					['SIGTERM', rootShell.sessionPid, 'sent'],
				]);
				expect(ends[0]?.targets[0]?.peer).toBe(`127.0.0.1:${userShell.localPort}`);
				expect(ends[0]?.operator.user).toBe('root');
			} finally {
				await tmux.stop();
				await Promise.all([userShell.stop(), rootShell.stop()]);
			}
		}, 90_000);

		it('ends a notty session, reports the command that outlived it and ends it on request', async () => {
			const marker = 60_000 + Math.floor(Math.random() * 5000);
			const client = await connectCommand(sshd, `nohup sleep ${marker} >/dev/null 2>&1 & exec sleep ${marker + 1}`, {
				runningArgs: `sleep ${marker + 1}`,
			});
			const survivor = await waitFor(async () => (await readPs()).rows.find(row => row.args === `sleep ${marker}`), {
				description: 'the nohup sleep',
			});
			const owned = ownProcess(survivor.pid);
			if (owned !== undefined) {
				started.push(owned);
			}

			const tmux = await startSshtop();
			try {
				await selectSession(tmux, client.localPort);
				await tmux.sendText('t');
				await tmux.waitForScreen(screen => screen.includes('Default is No'));
				await tmux.sendText('y');
				const report = await tmux.waitForScreen(screen => screen.includes('outlived the session'), {
					description: 'the survivors dialog',
					timeoutMs: 20_000,
				});
				expect(report).toContain(`sleep ${marker}`);
				expect(report).toContain('Leave them running');
				await tmux.sendKeys('Down', 'Enter');
				await tmux.waitForScreen(screen => screen.includes('SIGTERM to') && screen.includes('Default is No'), {
					description: 'the survivors confirmation',
				});
				await tmux.sendText('y');
				await waitFor(() => owned === undefined || !isRunning(owned), {description: `sleep ${marker} to be ended`});
				expect(
					auditLines(auditLog).some(
						line =>
							line.action === 'end-survivors' &&
							line.targets.some(target => target.pid === survivor.pid && target.result === 'sent'),
					),
				).toBe(true);
			} finally {
				await tmux.stop();
				await client.stop();
			}
		}, 90_000);

		it("refuses the operator's own session unless confirmed twice: n at the second question keeps it", async () => {
			const ssh = ['ssh', '-tt', '-p', String(sshd.port), ...sshd.clientOptions, `${sshd.defaultUser}@127.0.0.1`]
				.map(word => quote(word))
				.join(' ');
			const tmux = await startTmux({command: `exec ${ssh}`, columns: 170, rows: 45});
			try {
				await tmux.waitForScreen(screen => /[$#] *$/mu.test(screen), {
					description: 'the remote prompt',
					timeoutMs: 20_000,
				});
				const ownPort = await clientPortOf(tmux.panePid, sshd.port, {
					description: 'the port of the ssh client in tmux',
				});
				// Only this session (the remote shell, $$, is one of its processes), so it is on the screen
				// however many others the box has. A pid: filter marks no text in the session's row.
				await tmux.sendText(
					`${quote(process.execPath)} ${quote(cliPath)} --no-syslog --audit-log ${quote(auditLog)} --filter pid:$$`,
				);
				await tmux.sendKeys('Enter');
				await tmux.waitForScreen(screen => screen.includes(`127.0.0.1:${ownPort} `), {
					description: 'the explorer',
					timeoutMs: 20_000,
				});
				await selectSession(tmux, ownPort);
				await tmux.sendText('k');
				await tmux.waitForScreen(screen => screen.includes('> End session'));
				await tmux.sendKeys('Enter');
				const first = await tmux.waitForScreen(screen => screen.includes('Default is No'));
				expect(first).toContain('1 target needs an extra confirmation after this one.');
				await tmux.sendText('y');
				const second = await tmux.waitForScreen(screen => screen.includes('Extra confirmation 1 of 1'), {
					description: 'the second question',
				});
				expect(second).toContain('This is YOUR session');
				expect(second).toContain('you will be disconnected');
				await tmux.sendText('n');
				await tmux.waitForScreen(screen => screen.includes('Cancelled: nothing was sent.'));
				const [table, sockets] = await Promise.all([readPs(), readSs()]);
				expect(clientSocketOf(sockets, table, tmux.panePid, sshd.port)?.local.port).toBe(ownPort);
				await tmux.sendText('q');
			} finally {
				await tmux.stop();
			}
		}, 90_000);

		it("as an unprivileged user, signalling root's session says not permitted and sends nothing", async () => {
			const rootShell = await connectShell(sshd, {label: 'root shell the unprivileged operator cannot end'});
			const log = path.join(mkdtempSync(path.join(tmpdir(), 'sshtop-eperm-')), 'actions.log');
			const tmux = await startTmux({
				// Only root's session, so it is on the screen however many others the box has.
				command: `runuser -u ${unprivilegedTestUser} -- ${quote(process.execPath)} ${quote(sharedCliPath())} --no-syslog --audit-log ${quote(log)} --filter pid:${rootShell.sessionPid}`,
				columns: 170,
				rows: 45,
			});
			try {
				// Peers are hidden from a non-root reader: find the session as the one row below the test sshd's listener.
				const listenerRow = (lines: readonly string[]) =>
					lines.findIndex(line => line.includes(sshd.configPath) && line.includes('1 session'));
				const first = await tmux.waitForScreen(screen => listenerRow(screen.split('\n')) !== -1, {
					description: 'the explorer as sshtop-test',
					timeoutMs: 20_000,
				});
				expect(first).not.toContain('READ-ONLY');
				await selectRow(
					tmux,
					lines => {
						const index = listenerRow(lines);
						return index === -1 ? -1 : index + 1;
					},
					"root's session",
				);
				await tmux.sendText('t');
				await tmux.waitForScreen(screen => screen.includes('Default is No'));
				await tmux.sendText('y');
				await tmux.waitForScreen(screen => screen.includes(`Not permitted to signal ${rootShell.sessionPid} `), {
					description: 'not permitted in the status line',
				});
				expect(await connectionIsOpen(sshd, rootShell)).toBe(true);
				await tmux.sendText('H');
				await tmux.waitForScreen(screen => /SIGTERM +not permitted/u.test(screen), {description: 'the history pane'});
				// The log's directory is root's (0700): the line cannot be written, and the header says so.
				expect(await tmux.capturePane()).toContain(`Warning: Audit log ${log} not written`);
			} finally {
				await tmux.stop();
				await rootShell.stop();
				rmSync(path.dirname(log), {recursive: true, force: true});
			}
		}, 90_000);
	},
);
