// Acting on exactly what was chosen, and reporting what really happened, against a real OpenSSH
// server: KILL ends connections at once (nothing orphaned), a normal user ends their own session,
// left-behind processes are targets, dialogs say what will not work, reap matches words exactly,
// machine output is safe to print, and an audit log under /proc is refused at once.
// Ground truth comes from ps and ss. Every reap --yes here is narrowed to this file's own
// connections (--from 127.0.0.1:PORT or pid:), so nothing else on the machine can match.
import process from 'node:process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectCommand, connectSftp, connectShell, typeLine, type SshClient} from './harness/clients.js';
import {readPs, readSs, serverSocketOf, type PsRow} from './harness/ground-truth.js';
import {moveSelectionTo} from './harness/navigate.js';
import {endProcesses, isRunning, ownProcess, type OwnedProcess} from './harness/processes.js';
import {isRoot, ptyProblem, startTestSshd, type TestSshd, unprivilegedTestUser} from './harness/sshd.js';
import {
	cliPath,
	ensureBuilt,
	readDocument,
	runSshtop,
	sharedCliPath,
	testRunDirectory,
	type SshtopRun,
} from './harness/sshtop.js';
import {shellQuote as quote, startTmux, type TmuxSession} from './harness/tmux.js';
import {waitFor} from './harness/wait-for.js';

const skipReason = isRoot ? ptyProblem() : 'not root: logging in as another user and running sshtop as one need root';
/** A byte sequence no printable text has: C1 CSI, a bidi override, a zero-width space, a line separator. */
const hostileBytes = String.raw`x\xc2\x9b31m\xe2\x80\xaeevil\xe2\x80\x8bzw\xe2\x80\xa8ls`;
/** A line of a coloured capture as text: a filter's match marks split the words it matched. */
const plain = (line: string) => line.replaceAll(/\u001B\[[\d;]*m/gu, '');
const rawUnsafe = /[\u0080-\u009F\u202A-\u202E\u2066-\u2069\u200B-\u200F\u2028\u2029\uFEFF]/u;

async function isConnected(sshd: TestSshd, client: Pick<SshClient, 'localPort'>): Promise<boolean> {
	return serverSocketOf(await readSs(), sshd.port, client.localPort) !== undefined;
}

/** sshd processes of this test server re-parented away from their session: an orphaned connection. */
async function orphanedSshds(sessionPids: readonly number[]): Promise<PsRow[]> {
	const table = await readPs();
	return table.rows.filter(
		row =>
			row.args.startsWith('sshd: ') &&
			!row.args.includes('[listener]') &&
			!sessionPids.includes(row.ppid) &&
			row.ppid === 1,
	);
}

function parse<T>(run: SshtopRun): T {
	try {
		return JSON.parse(run.stdout) as T;
	} catch {
		throw new Error(`not JSON (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
	}
}

describe.skipIf(skipReason !== undefined)(
	`acting on exactly what was chosen${skipReason ? ` (skipped: ${skipReason})` : ''}`,
	() => {
		let sshd: TestSshd;
		let directory: string;
		const started: OwnedProcess[] = [];

		beforeAll(async () => {
			await ensureBuilt();
			sshd = await startTestSshd();
			directory = mkdtempSync(path.join(testRunDirectory(), 'sshtop-act-'));
		}, 120_000);

		afterAll(async () => {
			await endProcesses(started.filter(owned => isRunning(owned)));
			await sshd?.stop();
			if (directory !== undefined) {
				rmSync(directory, {recursive: true, force: true});
			}
		});

		async function explorer(
			filter: string,
			prefix = '',
			log = path.join(directory, 'actions.log'),
			program = cliPath,
		): Promise<TmuxSession> {
			const tmux = await startTmux({
				command: `${prefix}${quote(process.execPath)} ${quote(program)} --no-syslog --audit-log ${quote(log)} --filter ${quote(filter)}`,
				columns: 170,
				rows: 45,
			});
			await tmux.waitForScreen(screen => screen.includes('session'), {description: 'the explorer', timeoutMs: 20_000});
			return tmux;
		}

		const rowOfPort = (port: number) => (lines: readonly string[]) =>
			lines.findIndex(line => plain(line).includes(`127.0.0.1:${port} `));

		it('Signal… → KILL on a session ends its connection at once, with nothing orphaned', async () => {
			const client = await connectShell(sshd, {
				user: sshd.unprivilegedUser ?? unprivilegedTestUser,
				label: 'shell killed through Signal…',
			});
			const tmux = await explorer(`pid:${client.sessionPid}`);
			try {
				await tmux.waitForScreen(screen => rowOfPort(client.localPort)(screen.split('\n')) !== -1, {
					description: 'the session',
				});
				await moveSelectionTo(tmux, rowOfPort(client.localPort), 'the session');
				await tmux.sendText('k');
				await tmux.waitForScreen(screen => screen.includes('> End session'), {description: 'the session menu'});
				await tmux.sendKeys('Up', 'Enter');
				await tmux.waitForScreen(screen => screen.includes('Signal (a name'), {description: 'the signal entry'});
				await tmux.sendText('KILL');
				await tmux.sendKeys('Enter');
				const dialog = await tmux.waitForScreen(screen => screen.includes('Default is No'), {
					description: 'the confirmation',
				});
				expect(dialog).toMatch(/SIGKILL to the user-side sshd \d+ .*then the monitor/u);
				await tmux.sendText('y');
				await tmux.waitForScreen(screen => /SIGKILL: (?:2 sent|1 sent, 1 already exited)/u.test(screen), {
					description: 'the result',
				});
				// The history has the check after the signal (the status line may be cut at the screen's edge).
				await tmux.sendText('H');
				await tmux.waitForScreen(
					screen =>
						/connection closed +\S+'s session \d+ from 127\.0\.0\.1:\d+: the connection is closed/u.test(screen),
					{description: 'the check after the signal'},
				);
				expect(await isConnected(sshd, client)).toBe(false);
				expect(await orphanedSshds([client.sessionPid])).toEqual([]);
			} finally {
				await tmux.stop();
				await client.stop();
			}
		}, 90_000);

		it("K on a tag set of a session and a process: the session's connection goes at once, the process gets KILL too", async () => {
			const marker = 61_000 + Math.floor(Math.random() * 1000);
			const [shell, command] = await Promise.all([
				connectShell(sshd, {user: sshd.unprivilegedUser ?? unprivilegedTestUser, label: 'tagged shell'}),
				connectCommand(sshd, `sleep ${marker}`, {label: 'session of the tagged process'}),
			]);
			const sleep = (await readPs()).rows.find(row => row.args === `sleep ${marker}`)!;
			const tmux = await explorer(`pid:${shell.sessionPid},${sleep.pid}`);
			try {
				await tmux.waitForScreen(
					screen => rowOfPort(shell.localPort)(screen.split('\n')) !== -1 && screen.includes(`sleep ${marker}`),
					{description: 'both rows'},
				);
				await moveSelectionTo(tmux, rowOfPort(shell.localPort), 'the shell session');
				await tmux.sendText(' ');
				await moveSelectionTo(
					tmux,
					lines => lines.findIndex(line => plain(line).includes(` ${sleep.pid} `)),
					'the sleep',
				);
				await tmux.sendText(' ');
				await tmux.sendText('K');
				await tmux.waitForScreen(screen => screen.includes('Default is No'), {description: 'the confirmation'});
				await tmux.sendText('y');
				await waitFor(async () => !(await isConnected(sshd, shell)), {
					description: "the tagged session's connection to close",
					timeoutMs: 5000,
				});
				await waitFor(async () => (await readPs()).get(sleep.pid) === undefined, {
					description: 'the tagged sleep to end',
				});
				expect(await orphanedSshds([shell.sessionPid])).toEqual([]);
			} finally {
				await tmux.stop();
				await Promise.all([shell.stop(), command.stop()]);
			}
		}, 90_000);

		it('reap --signal KILL --yes ends the connection at once and checks it', async () => {
			const client = await connectCommand(sshd, `sleep ${62_000 + Math.floor(Math.random() * 1000)}`, {
				user: sshd.unprivilegedUser ?? unprivilegedTestUser,
			});
			try {
				const run = await runSshtop([
					'reap',
					'--from',
					`127.0.0.1:${client.localPort}`,
					'--signal',
					'KILL',
					'--grace',
					'1s',
					'--yes',
					'--json',
					'--no-syslog',
					'--audit-log',
					path.join(directory, 'reap.log'),
				]);
				expect(run.exitCode, run.stderr).toBe(0);
				const [target] = parse<{
					targets: Array<{targetPids: number[]; connection: string; results: Array<{signal: string; result: string}>}>;
				}>(run).targets;
				expect(target?.connection).toBe('closed');
				expect(target?.targetPids).toHaveLength(2);
				// The user side first; the monitor then, unless it saw its child die and exited before
				// its own SIGKILL went out: `gone` is then what really happened.
				expect(target?.results.map(result => [result.signal, result.result])).toEqual([
					['SIGKILL', 'sent'],
					['SIGKILL', expect.stringMatching(/^(?:sent|gone)$/u)],
				]);
				expect(await isConnected(sshd, client)).toBe(false);
				expect(await orphanedSshds([client.sessionPid])).toEqual([]);
			} finally {
				await client.stop();
			}
		}, 60_000);

		describe('a normal user ends their own sftp session', () => {
			const user = unprivilegedTestUser;
			let uid: number;
			let log: string;

			beforeAll(async () => {
				uid =
					(await readPs()).rows.find(row => row.user === user)?.uid ??
					Number((await import('node:child_process')).execFileSync('id', ['-u', user], {encoding: 'utf8'}).trim());
				const home = mkdtempSync(path.join(testRunDirectory(), 'sshtop-user-'));
				(await import('node:fs')).chownSync(home, uid, uid);
				log = path.join(home, 'actions.log');
			});

			it('with reap --yes, through the user-side sshd they own', async () => {
				const client = await connectSftp(sshd, {user, label: 'own sftp to reap'});
				try {
					// A normal user cannot read the session's sockets (no peer to match): select it by its user side.
					const userSide = (await readPs()).childrenOf(client.sessionPid).find(row => row.args.startsWith('sshd: '))!;
					const run = await runSshtop(
						['reap', '--filter', `pid:${userSide.pid}`, '--grace', '1s', '--yes', '--no-syslog', '--audit-log', log],
						{as: {uid, gid: uid}},
					);
					expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
					expect(run.stdout).toMatch(/connection closed/u);
					expect(await isConnected(sshd, client)).toBe(false);
				} finally {
					await client.stop();
				}
			}, 60_000);

			it('from the explorer, with End session', async () => {
				const client = await connectSftp(sshd, {user, label: 'own sftp to end'});
				const userSide = (await readPs()).childrenOf(client.sessionPid).find(row => row.args.startsWith('sshd: '))!;
				const tmux = await explorer(
					`pid:${userSide.pid}`,
					`setpriv --reuid=${uid} --regid=${uid} --clear-groups -- `,
					log,
					sharedCliPath(),
				);
				try {
					// A normal user cannot read the sockets: the session is the row below the test sshd's listener.
					const row = (lines: readonly string[]) => {
						const listener = lines.findIndex(line => plain(line).includes(sshd.configPath));
						return listener === -1 ? -1 : listener + 1;
					};

					await tmux.waitForScreen(screen => row(screen.split('\n')) !== -1, {
						description: 'the session as the user sees it',
					});
					await moveSelectionTo(tmux, row, 'the own sftp session');
					await tmux.sendText('t');
					const dialog = await tmux.waitForScreen(screen => screen.includes('Default is No'), {
						description: 'the confirmation',
					});
					expect(dialog).toContain(`${userSide.pid} `);
					expect(dialog).toContain("yours (the monitor is root's)");
					await tmux.sendText('y');
					await waitFor(async () => !(await isConnected(sshd, client)), {description: 'the sftp connection to close'});
					await tmux.waitForScreen(screen => screen.includes('the connection is closed'), {
						description: 'the check, as the user',
					});
				} finally {
					await tmux.stop();
					await client.stop();
				}
			}, 90_000);
		});

		describe('processes left behind, with hostile names', () => {
			let leaving: SshClient;
			let nohup: OwnedProcess;
			let setsid: OwnedProcess;
			const marker = 63_000 + Math.floor(Math.random() * 1000);

			beforeAll(async () => {
				leaving = await connectShell(sshd, {label: 'shell that leaves processes behind'});
				// Exec -a names the process: a C1 CSI, a bidi override, a zero-width space and a line separator in its argv[0].
				typeLine(
					leaving,
					`nohup bash -c 'exec -a "$(printf '"'"'${hostileBytes}'"'"')" sleep ${marker}' >/dev/null 2>&1 &`,
				);
				typeLine(leaving, `setsid sleep ${marker + 1} </dev/null >/dev/null 2>&1 &`);
				const rows = await waitFor(
					async () => {
						const table = await readPs();
						const first = table.rows.find(
							row =>
								row.args.endsWith(`ls ${marker}`) || (row.args.includes(`sleep ${marker}`) && row.args.startsWith('x')),
						);
						const second = table.rows.find(row => row.args === `sleep ${marker + 1}`);
						return first && second ? ([first, second] as const) : undefined;
					},
					{description: 'both processes to run', timeoutMs: 15_000},
				);
				nohup = ownProcess(rows[0].pid)!;
				setsid = ownProcess(rows[1].pid)!;
				started.push(nohup, setsid);
				const client = ownProcess(leaving.pid);
				typeLine(leaving, 'exit');
				await waitFor(() => client === undefined || !isRunning(client), {description: 'the client to log out'});
				await waitFor(
					async () => {
						const table = await readPs();
						return table.get(nohup.pid)?.ppid === 1 && table.get(setsid.pid)?.ppid === 1;
					},
					{description: 'both to be re-parented to PID 1'},
				);
			}, 60_000);

			afterAll(async () => {
				await leaving?.stop();
			});

			it('--json and reap --json escape what the name carries: no raw C1, bidi, zero-width or line separator byte', async () => {
				const json = await runSshtop(['--json']);
				expect(json.stdout).toContain(String(nohup.pid));
				expect(json.stdout).not.toMatch(rawUnsafe);
				const document = JSON.parse(json.stdout) as {leftovers: Array<{pid: number; command: string}>};
				expect(document.leftovers.find(leftover => leftover.pid === nohup.pid)?.command).toMatch(
					/^x\u009B31m\u202Eevil\u200Bzw\u2028ls /u,
				);
				const dry = await runSshtop(['reap', '--leftovers', '--from', `127.0.0.1:${leaving.localPort}`, '--json']);
				expect(dry.stdout).not.toMatch(rawUnsafe);
				expect(
					parse<{leftovers: Array<{pid: number}>}>(dry)
						.leftovers.map(leftover => leftover.pid)
						.sort(),
				).toEqual([nohup.pid, setsid.pid].sort());
			});

			it('the explorer ends one from its row; reap --leftovers --yes ends the other; the audit log escapes the name too', async () => {
				const log = path.join(directory, 'leftovers.log');
				const tmux = await explorer(`pid:${nohup.pid}`, '', log);
				try {
					// The filter searches sessions: clear it to see the left-behind group, the last rows.
					await tmux.sendKeys('Escape');
					await tmux.waitForScreen(screen => !screen.includes('filter:'), {description: 'the filter cleared'});
					await tmux.sendKeys('End');
					const row = (lines: readonly string[]) => lines.findIndex(line => plain(line).includes(` ${setsid.pid} `));
					await tmux.waitForScreen(screen => row(screen.split('\n')) !== -1, {description: 'the left-behind row'});
					await moveSelectionTo(tmux, row, 'the setsid sleep');
					await tmux.sendText('t');
					const dialog = await tmux.waitForScreen(screen => screen.includes('Default is No'), {
						description: 'the confirmation',
					});
					expect(dialog).toContain(`sleep ${marker + 1}`);
					await tmux.sendText('y');
					await waitFor(() => !isRunning(setsid), {description: 'the setsid sleep to end'});
				} finally {
					await tmux.stop();
				}

				const run = await runSshtop([
					'reap',
					'--leftovers',
					'--from',
					`127.0.0.1:${leaving.localPort}`,
					'--yes',
					'--no-syslog',
					'--audit-log',
					log,
				]);
				expect(run.exitCode, run.stderr).toBe(0);
				expect(run.stdout).toContain(`Ended 1 process left behind`);
				await waitFor(() => !isRunning(nohup), {description: 'the nohup sleep to end'});
				const audit = readFileSync(log, 'utf8');
				expect(audit).toContain(String(nohup.pid));
				expect(audit).not.toMatch(rawUnsafe);
			}, 90_000);
		});

		it('the listener row explains stopping and reloading, and asks a second time', async () => {
			// A session of this sshd, so the filter keeps its listener on the screen.
			const client = await connectCommand(sshd, `sleep ${66_000 + Math.floor(Math.random() * 1000)}`);
			const tmux = await explorer(`port:${sshd.port}`);
			try {
				const row = (lines: readonly string[]) => lines.findIndex(line => plain(line).includes(sshd.configPath));
				await tmux.waitForScreen(screen => row(screen.split('\n')) !== -1, {description: 'the listener row'});
				await moveSelectionTo(tmux, row, 'the listener');
				await tmux.sendText('k');
				const menu = await tmux.waitForScreen(screen => screen.includes('Stop listening'), {
					description: 'the listener menu',
				});
				expect(menu).toContain(`Act on the SSH listener ${sshd.pid} (port ${sshd.port})`);
				expect(menu).toContain('no new logins; sessions it accepted stay connected');
				expect(menu).toContain('re-executes itself and re-reads its configuration');
				await tmux.sendKeys('Enter');
				await tmux.waitForScreen(screen => screen.includes('Default is No'), {description: 'the first question'});
				await tmux.sendText('y');
				const second = await tmux.waitForScreen(screen => screen.includes('Extra confirmation 1 of 1'), {
					description: 'the second question',
				});
				expect(second).toContain(`This is the SSH listener (pid ${sshd.pid}, port ${sshd.port})`);
				await tmux.sendText('n');
				await tmux.waitForScreen(screen => screen.includes('Cancelled: nothing was sent.'), {
					description: 'nothing sent',
				});
				expect((await readPs()).get(sshd.pid)).toBeDefined();
			} finally {
				await tmux.stop();
				await client.stop();
			}
		}, 60_000);

		it('a zombie is explained first; a stopped target gets SIGCONT; a process ignoring TERM is reported ignored', async () => {
			const marker = 64_000 + Math.floor(Math.random() * 1000);
			const shell = await connectShell(sshd, {label: 'shell with odd children'});
			try {
				// A zombie under perl; a sleep ignoring TERM (SIG_IGN survives exec); a stopped sleep.
				typeLine(
					shell,
					`sh -c 'sleep 0 & exec perl -e "sleep 1 while 1"' & (trap '' TERM; exec sleep ${marker}) & sleep ${marker + 1} &`,
				);
				const running = await waitFor(
					async () => {
						const ps = await readPs();
						const zombie = ps.rows.find(
							row => row.stat.startsWith('Z') && ps.ancestorsOf(row.pid).some(each => each.pid === shell.sessionPid),
						);
						const ignoring = ps.rows.find(row => row.args === `sleep ${marker}`);
						const toStop = ps.rows.find(row => row.args === `sleep ${marker + 1}`);
						return zombie && ignoring && toStop ? {zombie, ignoring, toStop} : undefined;
					},
					{description: 'a zombie, a sleep ignoring TERM and another sleep', timeoutMs: 15_000},
				);
				// Stopped once it runs sleep (a stop before its exec would stop the forked shell instead).
				process.kill(running.toStop.pid, 'SIGSTOP');
				const table = {
					...running,
					stopped: await waitFor(
						async () => {
							const row = (await readPs()).get(running.toStop.pid);
							return row?.stat.startsWith('T') ? row : undefined;
						},
						{description: 'the sleep to be stopped'},
					),
				};
				const tmux = await explorer(`pid:${table.zombie.pid},${table.ignoring.pid},${table.stopped.pid}`);
				try {
					const rowOf = (pid: number) => (lines: readonly string[]) =>
						lines.findIndex(line => plain(line).includes(` ${pid} `));
					await tmux.waitForScreen(
						screen =>
							[table.zombie.pid, table.ignoring.pid, table.stopped.pid].every(pid => screen.includes(` ${pid} `)),
						{description: 'the three processes'},
					);
					await moveSelectionTo(tmux, rowOf(table.zombie.pid), 'the zombie');
					await tmux.sendText('t');
					const refusal = await tmux.waitForScreen(screen => screen.includes('Nothing can be sent'), {
						description: 'the zombie explained',
					});
					expect(refusal).toContain(
						`is a zombie: it has exited, and no signal can reach it. Its parent ${table.zombie.ppid} has not reaped it`,
					);
					expect(refusal).not.toContain('Default is No');
					await tmux.sendKeys('Escape');

					await moveSelectionTo(tmux, rowOf(table.ignoring.pid), 'the sleep ignoring TERM');
					await tmux.sendText('t');
					const ignoring = await tmux.waitForScreen(screen => screen.includes('Default is No'), {
						description: 'the confirmation',
					});
					expect(ignoring).toContain('it ignores SIGTERM (SIG_IGN), so nothing happens; SIGKILL would end it');
					await tmux.sendText('y');
					await tmux.waitForScreen(screen => screen.includes(`but it ignores SIGTERM`), {
						description: 'the result: ignored',
					});
					expect((await readPs()).get(table.ignoring.pid)).toBeDefined();
					await tmux.sendText('H');
					await tmux.waitForScreen(screen => /SIGTERM +ignored +Sent SIGTERM/u.test(screen), {
						description: 'ignored in the history',
					});
					await tmux.sendText('H');

					await moveSelectionTo(tmux, rowOf(table.stopped.pid), 'the stopped sleep');
					await tmux.sendText('t');
					const stopped = await tmux.waitForScreen(screen => screen.includes('Default is No'), {
						description: 'the confirmation',
					});
					expect(stopped).toContain('is stopped: SIGCONT follows, so it acts on SIGTERM');
					await tmux.sendText('y');
					await waitFor(async () => (await readPs()).get(table.stopped.pid) === undefined, {
						description: 'the stopped sleep to end',
					});
				} finally {
					await tmux.stop();
				}
			} finally {
				await shell.stop();
			}
		}, 90_000);

		it('reap --filter matches words exactly: near misses select nothing, exact words exactly their sessions', async () => {
			const marker = 65_000 + Math.floor(Math.random() * 1000);
			const clients = await Promise.all([
				connectCommand(sshd, `sleep ${marker}`, {user: unprivilegedTestUser}),
				connectCommand(sshd, `sleep ${marker + 1}`),
			]);
			try {
				const scope = `port:${sshd.port}`;
				const plan = async (filter: string) =>
					parse<{targets: Array<{peer: {port: number} | null}>}>(
						await runSshtop(['reap', '--filter', `${scope} ${filter}`, '--json']),
					)
						.targets.map(target => target.peer?.port)
						.sort();
				expect(await plan('sleap')).toEqual([]);
				expect(await plan(unprivilegedTestUser.replace('test', 'tst'))).toEqual([]);
				expect(await plan(`${marker}`)).toEqual([clients[0].localPort]);
				expect(await plan(unprivilegedTestUser)).toEqual([clients[0].localPort]);
				expect(await plan('sleep')).toEqual(clients.map(client => client.localPort).sort());
			} finally {
				await Promise.all(clients.map(async client => client.stop()));
			}
		}, 60_000);

		it('--audit-log under /proc is refused at once (exit 2), by the explorer and by reap; nothing hangs', async () => {
			for (const args of [
				['--audit-log', '/proc/x/y.log'],
				['reap', '--idle', '1d', '--yes', '--no-syslog', '--audit-log', '/proc/x/y.log'],
			]) {
				const run = await runSshtop(args, {timeoutMs: 10_000});
				expect(run.exitCode, run.stderr).toBe(2);
				expect(run.stderr).toContain('/proc/x/y.log is under /proc, a kernel interface, not a place for a log file');
				expect(run.endedAt - run.startedAt).toBeLessThan(5000);
			}

			expect((await readDocument()).schemaVersion).toBe(1);
		});
	},
);
