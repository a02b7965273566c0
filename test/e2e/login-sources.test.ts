// Refused logins, a password login and the journal as sshd's log. A private sshd at LogLevel
// VERBOSE writes its log with -E and accepts passwords (PAM); 20 logins with a key it does not
// know are refused, the test account logs in with a password typed into a real pty, and the
// journal test feeds this sshd's own lines to systemd-journal-remote, which writes real journal
// files for journalctl to read. Ground truth: sshd's log, ss and ps.
import {randomBytes} from 'node:crypto';
import process from 'node:process';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectShell, type SshClient} from './harness/clients.js';
import {clientPortOf, readPs, readSs, serverSocketOf} from './harness/ground-truth.js';
import {isRoot, startTestSshd, unprivilegedTestUser, type TestSshd} from './harness/sshd.js';
import {cliPath, ensureBuilt, runSshtop, testRunDirectory} from './harness/sshtop.js';
import {shellQuote as quote, startTmux, type TmuxSession} from './harness/tmux.js';
import {waitFor} from './harness/wait-for.js';

const journalRemote = '/lib/systemd/systemd-journal-remote';
const refusedLogins = 20;

type JsonSession = {
	readonly pid: number;
	readonly user: string;
	readonly stage: string;
	readonly peer: {address: string; port: number} | null;
	readonly auth: {method: string | null; fingerprint: string | null; keyComment: string | null};
	readonly sourceFailures: number | null;
};

type JsonDocument = {
	readonly sessions: JsonSession[];
	readonly failedLogins: {windowSeconds: number; sources: Array<{address: string; count: number}>} | null;
	readonly authLog: {source: string; problem: string | null} | null;
};

describe.skipIf(!isRoot)('refused logins, password logins and the journal', () => {
	let directory: string;
	let sshd: TestSshd;
	let rootShell: SshClient;
	let strangerKey: string;
	const password = randomBytes(12).toString('hex');
	const screens: TmuxSession[] = [];
	/** The client port and top sshd of the password login, once it is in. */
	let passwordLogin: {port: number; sessionPid: number} | undefined;

	beforeAll(async () => {
		await ensureBuilt();
		directory = mkdtempSync(path.join(testRunDirectory(), 'sshtop-logins-'));
		chmodSync(directory, 0o755);
		strangerKey = path.join(directory, 'stranger');
		await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'stranger', '-f', strangerKey]);
		sshd = await startTestSshd({logToFile: true, logLevel: 'VERBOSE', passwordAuthentication: true});
		await execa('chpasswd', {input: `${unprivilegedTestUser}:${password}\n`});
		rootShell = await connectShell(sshd, {label: 'root with the client key'});
	}, 90_000);

	afterAll(async () => {
		await Promise.all(screens.map(async screen => screen.stop()));
		await rootShell?.stop();
		await sshd?.stop();
		// Back to no password: the account logs in by key only, as the other tests expect.
		if (isRoot) await execa('usermod', ['-p', '*', unprivilegedTestUser], {reject: false});
		if (directory !== undefined) rmSync(directory, {recursive: true, force: true});
	}, 60_000);

	async function explorer(args: readonly string[]): Promise<TmuxSession> {
		const command = [process.execPath, cliPath, '--no-syslog', '--read-only', ...args]
			.map(word => quote(word))
			.join(' ');
		const screen = await startTmux({command, columns: 220, rows: 45});
		screens.push(screen);
		await screen.waitForScreen(text => text.includes('listening on'), {description: 'the explorer', timeoutMs: 20_000});
		return screen;
	}

	async function document(args: readonly string[]): Promise<JsonDocument> {
		const run = await runSshtop(['--json', ...args]);
		expect(run.exitCode, run.stderr).toBe(0);
		return JSON.parse(run.stdout) as JsonDocument;
	}

	/** The connection's top sshd, a child of the listener, holding the server end of `clientPort` (ss and ps). */
	async function topSshdOf(clientPort: number): Promise<number> {
		return waitFor(
			async () => {
				const [table, sockets] = await Promise.all([readPs(), readSs()]);
				const socket = serverSocketOf(sockets, sshd.port, clientPort);
				return socket?.owners.map(owner => owner.pid).find(pid => table.get(pid)?.ppid === sshd.pid);
			},
			{description: `the sshd of the connection from port ${clientPort}`},
		);
	}

	it('counts refused logins per source in the header, shows them on a connection at its password prompt, then the password login', async () => {
		const screen = await explorer(['--auth-log', sshd.logPath!]);
		const strangerOptions = sshd.clientOptions.map((option, index) =>
			sshd.clientOptions[index - 1] === '-i' ? strangerKey : option,
		);
		for (let attempt = 0; attempt < refusedLogins; attempt++) {
			const refused = await execa('ssh', ['-p', String(sshd.port), ...strangerOptions, 'root@127.0.0.1', 'true'], {
				reject: false,
			});
			expect(refused.exitCode).toBe(255);
		}

		// Ground truth: sshd's own lines.
		const failedLines = readFileSync(sshd.logPath!, 'utf8').match(/^Failed publickey for root from 127\.0\.0\.1 /gmu);
		expect(failedLines).toHaveLength(refusedLogins);
		await screen.waitForScreen(text => text.includes(`failed logins 10m: 127.0.0.1 ×${refusedLogins}`), {
			description: 'the failed-login line',
			timeoutMs: 15_000,
		});

		// The harness's client options without its key and batch mode: this client types a password.
		const typed = sshd.clientOptions.filter(
			(option, index, all) =>
				![option, all[index + 1]].includes('BatchMode=yes') && option !== '-i' && all[index - 1] !== '-i',
		);
		const ssh = [
			'ssh',
			'-t',
			'-p',
			String(sshd.port),
			...typed,
			'-o',
			'PubkeyAuthentication=no',
			'-o',
			'PreferredAuthentications=password',
			`${unprivilegedTestUser}@127.0.0.1`,
			'exec bash --noprofile --norc -i',
		];
		const login = await startTmux({command: `exec ${ssh.map(word => quote(word)).join(' ')}`, columns: 120, rows: 20});
		screens.push(login);
		await login.waitForScreen(text => /password: *$/mu.test(text), {
			description: 'the password prompt',
			timeoutMs: 20_000,
		});
		const port = await clientPortOf(login.panePid, sshd.port, {
			description: 'the port of the ssh client at its password prompt',
		});
		// Still authenticating: its row says how often its address was refused.
		await screen.waitForScreen(
			text =>
				text.split('\n').some(line => line.includes(`127.0.0.1:${port}`) && line.includes(`✗${refusedLogins} failed`)),
			{
				description: 'the authenticating connection with its source’s failures',
				timeoutMs: 15_000,
			},
		);

		await login.sendText(password);
		await login.sendKeys('Enter');
		await login.sendText('echo logged-$((40+2))');
		await login.sendKeys('Enter');
		await login.waitForScreen(text => text.includes('logged-42'), {
			description: 'the shell after the password',
			timeoutMs: 20_000,
		});
		const sessionPid = await topSshdOf(port);
		passwordLogin = {port, sessionPid};
		const session = await waitFor(
			async () => {
				const {sessions} = await document(['--auth-log', sshd.logPath!]);
				return sessions.find(found => found.pid === sessionPid && found.auth.method !== null);
			},
			{description: 'the password session with its auth'},
		);
		expect(session).toMatchObject({
			user: unprivilegedTestUser,
			stage: 'established',
			peer: {port},
			auth: {method: 'password', fingerprint: null, keyComment: null},
			sourceFailures: null,
		});
	}, 120_000);

	describe.skipIf(!existsSync(journalRemote))('the journal', () => {
		let journal: string;
		const bootId = randomBytes(16).toString('hex');
		let sequence = 0;

		/**
		Writes sshd's lines as a new journal file: an export stream, as journald would have stored
		them (identifier sshd, the pid of the connection's top sshd), through systemd-journal-remote.
		*/
		async function writeJournal(name: string, lines: ReadonlyArray<{message: string; pid: number | undefined}>) {
			const now = Date.now() * 1000;
			const entries = lines.map(({message, pid}) => {
				sequence++;
				return [
					`__REALTIME_TIMESTAMP=${now + sequence}`,
					`__MONOTONIC_TIMESTAMP=${sequence}`,
					`_BOOT_ID=${bootId}`,
					'SYSLOG_IDENTIFIER=sshd',
					'SYSLOG_FACILITY=10',
					'PRIORITY=6',
					...(pid === undefined ? [] : [`_PID=${pid}`]),
					`MESSAGE=${message}`,
					'',
				].join('\n');
			});
			await execa(journalRemote, [`--output=${path.join(journal, `${name}.journal`)}`, '-'], {
				input: `${entries.join('\n')}\n`,
			});
		}

		/** sshd's log with each line's writer: the top sshd of the connection the last `Connection from` line opened. */
		function linesWithPids(pids: ReadonlyMap<number, number>) {
			let pid: number | undefined;
			return (
				readFileSync(sshd.logPath!, 'utf8')
					.split('\n')
					// sshd -E ends its lines with CR LF; journald stores the message alone.
					.map(line => line.replace(/\r$/u, ''))
					.filter(message => message !== '')
					.map(message => {
						const opened = /^Connection from \S+ port (\d+) /u.exec(message);
						if (opened !== null) pid = pids.get(Number(opened[1]));
						return {message, pid};
					})
			);
		}

		beforeAll(() => {
			journal = path.join(directory, 'journal');
			mkdirSync(journal);
		});

		it('reads who logged in from journal files with --json, then follows new entries in the explorer', async () => {
			expect(passwordLogin, 'the password login of the test before').toBeDefined();
			const pids = new Map([
				[rootShell.localPort, rootShell.sessionPid],
				[passwordLogin!.port, passwordLogin!.sessionPid],
			]);
			const lines = linesWithPids(pids);
			const isRefusal = (message: string) => message.startsWith('Failed ');
			await writeJournal(
				'logins',
				lines.filter(line => !isRefusal(line.message)),
			);

			const before = await document(['--auth-log', journal]);
			expect(before.authLog).toEqual({source: journal, problem: null});
			const byPid = new Map(before.sessions.map(session => [session.pid, session]));
			expect(byPid.get(rootShell.sessionPid)?.auth).toMatchObject({
				method: 'publickey',
				fingerprint: (await execa('ssh-keygen', ['-lf', `${sshd.clientKeyPath}.pub`])).stdout.split(' ')[1],
				keyComment: 'sshtop-test-client',
			});
			expect(byPid.get(passwordLogin!.sessionPid)?.auth.method).toBe('password');
			expect(before.failedLogins).toEqual({windowSeconds: 600, sources: []});

			const screen = await explorer(['--auth-log', journal]);
			await screen.waitForScreen(text => text.includes('sshtop-test-client'), {description: 'WHO from the journal'});
			const follower = async () =>
				(await readPs()).rows.filter(row => row.args.startsWith('journalctl') && row.args.includes(journal));
			expect(await follower()).toHaveLength(1);
			await writeJournal(
				'refusals',
				lines.filter(line => isRefusal(line.message)),
			);
			await screen.waitForScreen(text => text.includes(`failed logins 10m: 127.0.0.1 ×${refusedLogins}`), {
				description: 'the refusals followed from the new journal file',
				timeoutMs: 15_000,
			});
			await screen.sendText('q');
			await waitFor(async () => (await follower()).length === 0, {description: 'journalctl to end with the explorer'});

			const after = await document(['--auth-log', journal]);
			expect(after.failedLogins?.sources).toEqual([
				expect.objectContaining({address: '127.0.0.1', count: refusedLogins}),
			]);
		}, 90_000);

		it('reads nothing on a refresh when nothing new was logged', async () => {
			const {createJournalReader} = await import('../../source/proc/read-journal.js');
			const reader = createJournalReader({kind: 'directory', path: journal}, {follow: true});
			try {
				reader.refresh(() => true, Date.now() - 3_600_000);
				const first = reader.bytesRead();
				expect(first).toBeGreaterThan(0);
				expect(reader.problem()).toBeUndefined();
				await new Promise(resolve => {
					setTimeout(resolve, 1500);
				});
				reader.refresh(() => true);
				expect(reader.bytesRead()).toBe(first);
			} finally {
				reader.close();
			}
		});
	});
});
