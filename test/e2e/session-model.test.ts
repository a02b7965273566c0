// What a session is, against a real OpenSSH server: a connection whose monitor was killed is
// still one, a chain of hops reads top-down and guards every hop of the operator's own, idle time
// without a terminal ignores keepalives, and a hidepid view says it is restricted. Ground truth
// comes from ps, ss and the clients themselves.
import process from 'node:process';
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectCommand, connectForward, connectSftp, connectShell, type SshClient} from './harness/clients.js';
import {
	clientPortOf,
	clientSocketOf,
	readPs,
	readSs,
	readSsDetails,
	serverSocketDetails,
	serverSocketOf,
} from './harness/ground-truth.js';
import {moveSelectionTo} from './harness/navigate.js';
import {endProcesses, isRunning, ownProcess, type OwnedProcess} from './harness/processes.js';
import {freePort, isRoot, ptyProblem, startTestSshd, type TestSshd, unprivilegedTestUser} from './harness/sshd.js';
import {
	cliPath,
	ensureBuilt,
	type JsonDocument,
	type JsonSession,
	readDocument,
	runSshtop,
	sharedCliPath,
} from './harness/sshtop.js';
import {shellQuote as quote, startTmux, type TmuxSession} from './harness/tmux.js';
import {waitFor} from './harness/wait-for.js';

const skipReason = isRoot
	? ptyProblem()
	: "not root: logging in as another user, killing root's monitors and mounting /proc need root";

async function connectionIsOpen(sshd: TestSshd, client: Pick<SshClient, 'localPort'>): Promise<boolean> {
	return serverSocketOf(await readSs(), sshd.port, client.localPort) !== undefined;
}

function sessionOfPort(document: JsonDocument, port: number): JsonSession | undefined {
	return document.sessions.find(session => session.peer?.port === port);
}

/** Kills the connection's [priv] monitor with SIGKILL, as `kill -9` from a shell does; returns its user side, now re-parented. */
async function killMonitor(client: SshClient, started: OwnedProcess[]): Promise<number> {
	const table = await readPs();
	const userSide = table.childrenOf(client.sessionPid).find(row => row.args.startsWith('sshd: '));
	expect(userSide, 'the user-side sshd under the monitor').toBeDefined();
	const owned = ownProcess(userSide!.pid)!;
	// The harness ends a client's server side from its monitor: once orphaned, this test ends it.
	started.push(owned);
	process.kill(client.sessionPid, 'SIGKILL');
	await waitFor(async () => (await readPs()).get(userSide!.pid)?.ppid !== client.sessionPid, {
		description: `user side ${userSide!.pid} to be re-parented`,
	});
	return userSide!.pid;
}

describe.skipIf(skipReason !== undefined)(`what a session is${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
	let sshd: TestSshd;
	let directory: string;
	const started: OwnedProcess[] = [];

	beforeAll(async () => {
		await ensureBuilt();
		// Keepalives every 2 s: what an idle time without a terminal must not mistake for use.
		sshd = await startTestSshd({extraConfig: ['ClientAliveInterval 2']});
		directory = mkdtempSync(path.join(tmpdir(), 'sshtop-sessions-'));
	}, 120_000);

	afterAll(async () => {
		await endProcesses(started.filter(owned => isRunning(owned)));
		await sshd?.stop();
		if (directory !== undefined) {
			rmSync(directory, {recursive: true, force: true});
		}
	});

	it('keeps a non-root pty session whose monitor was killed: listed as orphaned everywhere, still usable, and ended from the explorer', async () => {
		const client = await connectShell(sshd, {
			user: sshd.unprivilegedUser ?? unprivilegedTestUser,
			label: 'pty shell whose monitor dies',
		});
		let tmux: TmuxSession | undefined;
		try {
			const userSide = (await readPs()).childrenOf(client.sessionPid).find(row => row.args.startsWith('sshd: '))!.pid;
			// The explorer is watching, the session selected, when the monitor dies.
			const auditLog = path.join(directory, 'orphan.log');
			tmux = await startTmux({
				command: `${quote(process.execPath)} ${quote(cliPath)} --no-syslog --audit-log ${quote(auditLog)} --filter pid:${userSide}`,
				columns: 170,
				rows: 40,
			});
			const row = (lines: readonly string[]) =>
				lines.findIndex(line => line.includes(`127.0.0.1:${client.localPort} `));
			await tmux.waitForScreen(text => row(text.split('\n')) !== -1, {
				description: 'the session in the explorer',
				timeoutMs: 20_000,
			});
			await moveSelectionTo(tmux, row, 'the session');
			expect(await killMonitor(client, started)).toBe(userSide);
			// Ground truth: the connection is still there, and the user can still type.
			expect(await connectionIsOpen(sshd, client)).toBe(true);
			client.write('echo still-here-$((40+2))\n');
			await waitFor(() => client.output().includes('still-here-42'), {description: 'the orphaned shell to answer'});

			const screen = await tmux.waitForScreen(
				text => text.includes(`monitor ${client.sessionPid} is gone; its connection lives on, orphaned`),
				{description: 'the explorer following the connection'},
			);
			expect(screen.split('\n')[row(screen.split('\n'))]).toContain('[orphaned]');
			const session = sessionOfPort(await readDocument(), client.localPort);
			expect(session).toMatchObject({
				pid: userSide,
				orphaned: true,
				verified: true,
				monitorPid: null,
				userSidePid: userSide,
				kind: 'shell',
			});
			const plain = await runSshtop(['--filter', `pid:${userSide}`]);
			expect(plain.stdout).toMatch(new RegExp(String.raw`127\.0\.0\.1:${client.localPort} .*\[orphaned\]`, 'u'));

			// Still selected: end it.
			await moveSelectionTo(tmux, row, 'the orphaned session');
			await tmux.sendText('t');
			const dialog = await tmux.waitForScreen(text => text.includes('Default is No'), {
				description: 'the confirmation',
			});
			expect(dialog).toContain(String(userSide));
			await tmux.sendText('y');
			await waitFor(async () => !(await connectionIsOpen(sshd, client)), {
				description: 'the orphaned connection to close',
			});
		} finally {
			await tmux?.stop();
			await client.stop();
		}
	}, 90_000);

	it('keeps a non-root sftp session whose monitor was killed, and reap ends it: ss shows the connection gone', async () => {
		const client = await connectSftp(sshd, {
			user: sshd.unprivilegedUser ?? unprivilegedTestUser,
			label: 'sftp whose monitor dies',
		});
		try {
			const userSide = await killMonitor(client, started);
			expect(await connectionIsOpen(sshd, client)).toBe(true);
			expect(sessionOfPort(await readDocument(), client.localPort)).toMatchObject({
				pid: userSide,
				orphaned: true,
				kind: 'sftp',
				monitorPid: null,
			});
			const run = await runSshtop([
				'reap',
				'--filter',
				`pid:${userSide}`,
				'--grace',
				'1s',
				'--yes',
				'--no-syslog',
				'--audit-log',
				path.join(directory, 'reap.log'),
			]);
			expect(run.exitCode, run.stderr).toBe(0);
			expect(run.stdout).toContain(`SIGTERM to pid ${userSide}`);
			await waitFor(async () => !(await connectionIsOpen(sshd, client)), {
				description: 'the orphaned sftp connection to close',
			});
		} finally {
			await client.stop();
		}
	}, 60_000);

	it('does not let keepalives reset the idle time of an untouched command and an untouched forward', async () => {
		const marker = 70_000 + Math.floor(Math.random() * 5000);
		const [command, forward] = await Promise.all([
			connectCommand(sshd, `sleep ${marker}`, {label: 'untouched notty command'}),
			connectForward(sshd, await freePort(), {label: 'untouched -N forward'}),
		]);
		const readyAt = Date.now();
		try {
			// Ground truth that keepalives flow: after 6 s, ss says the client's last packet is fresh.
			await waitFor(async () => Date.now() - readyAt >= 6500, {description: 'three keepalive rounds', intervalMs: 500});
			const details = await readSsDetails();
			for (const client of [command, forward]) {
				const socket = serverSocketDetails(details, sshd.port, {address: '127.0.0.1', port: client.localPort});
				expect(socket?.lastReceiveMs, client.label).toBeLessThan(4000);
			}

			// Untouched since they were ready (their logins came before): idle at least as long.
			const untouchedForSeconds = Math.floor((Date.now() - readyAt) / 1000);
			const document = await readDocument();
			for (const client of [command, forward]) {
				const session = sessionOfPort(document, client.localPort);
				expect(session?.idleSource, client.label).toBe('channels');
				expect(session?.idleSeconds, client.label).toBeGreaterThanOrEqual(untouchedForSeconds);
			}
		} finally {
			await Promise.all([command.stop(), forward.stop()]);
		}
	}, 60_000);

	it("lists a normal user's own sessions under hidepid=2 from their visible processes, and says the view is restricted", async () => {
		const user = sshd.unprivilegedUser ?? unprivilegedTestUser;
		const marker = 75_000 + Math.floor(Math.random() * 5000);
		const [shell, command] = await Promise.all([
			connectShell(sshd, {user, label: 'pty shell seen through hidepid'}),
			connectCommand(sshd, `sleep ${marker}`, {user, label: 'notty command seen through hidepid'}),
		]);
		try {
			const table = await readPs();
			// The kernel hides even the user's own user-side sshd (it is not dumpable): the first
			// visible process of each session is the one below it.
			const visibleTops = [shell, command].map(client => {
				const userSide = table.childrenOf(client.sessionPid).find(row => row.args.startsWith('sshd: '))!;
				return table.childrenOf(userSide.pid)[0]!.pid;
			});
			const {uid} = table.get(visibleTops[0]!)!;
			// A mount namespace of its own, where /proc is mounted hidepid=2; sshtop runs in it as the user.
			const script = `mount -t proc -o hidepid=2 proc /proc && exec setpriv --reuid=${uid} --regid=${uid} --clear-groups ${quote(process.execPath)} ${quote(sharedCliPath())} "$@"`;
			const run = (args: readonly string[]) =>
				execFileSync('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', ...args], {
					cwd: '/',
					encoding: 'utf8',
					env: {NO_COLOR: '1', HOME: '/nonexistent'},
				});
			const document = JSON.parse(run(['--json'])) as JsonDocument;
			expect(document.partial).toBe(true);
			expect(document.partialReasons.join('\n')).toMatch(/hidepid=invisible: other users' processes are hidden/u);
			expect(document.sessions.find(session => session.pid === visibleTops[0])).toMatchObject({
				verified: false,
				user,
				kind: 'shell',
				peer: {port: shell.localPort},
			});
			expect(document.sessions.find(session => session.pid === visibleTops[1])).toMatchObject({
				verified: false,
				user,
				kind: 'command',
				peer: {port: command.localPort},
			});
			// Nobody else's session is visible, and none is invented.
			expect(document.sessions.every(session => session.user === user)).toBe(true);
			expect(run([])).toContain('Restricted view: /proc is mounted hidepid=invisible');
		} finally {
			await Promise.all([shell.stop(), command.stop()]);
		}
	}, 60_000);

	describe('a chain of two hops, with sshtop in the inner one', () => {
		let tmux: TmuxSession;
		let outerPort: number;
		let innerPort: number;
		let innerClientPid: number;

		const ssh = () =>
			[
				'ssh',
				'-tt',
				'-p',
				String(sshd.port),
				...sshd.clientOptions,
				`${sshd.defaultUser}@127.0.0.1`,
				'exec bash --noprofile --norc -i',
			]
				.map(word => quote(word))
				.join(' ');

		beforeAll(async () => {
			tmux = await startTmux({command: `exec ${ssh()}`, columns: 170, rows: 45});
			outerPort = await clientPortOf(tmux.panePid, sshd.port, {description: 'the outer hop', timeoutMs: 20_000});
			await tmux.waitForScreen(screen => /[$#] *$/mu.test(screen), {
				description: 'the outer prompt',
				timeoutMs: 20_000,
			});
			await tmux.sendText(`${ssh()}\n`);
			const inner = await waitFor(
				async () => {
					const [table, sockets] = await Promise.all([readPs(), readSs()]);
					// Typed into the outer hop: a process of its server side, with the pane's own arguments.
					const client = table.rows.find(row => row.pid !== tmux.panePid && row.args === table.get(tmux.panePid)?.args);
					const socket = client === undefined ? undefined : clientSocketOf(sockets, table, client.pid, sshd.port);
					return client === undefined || socket === undefined ? undefined : {pid: client.pid, port: socket.local.port};
				},
				{description: 'the inner hop', timeoutMs: 20_000},
			);
			({pid: innerClientPid, port: innerPort} = inner);
			await tmux.sendText('echo inner-ready-$((20+3))\n');
			await tmux.waitForScreen(screen => screen.includes('inner-ready-23'), {
				description: 'the inner prompt',
				timeoutMs: 20_000,
			});
		}, 90_000);

		afterAll(async () => {
			await tmux?.stop();
		});

		it('--json and the plain tree: the inner hop is nested in the outer one, beneath its ssh client, one level deep', async () => {
			const document = await readDocument();
			const outer = sessionOfPort(document, outerPort)!;
			const inner = sessionOfPort(document, innerPort)!;
			expect(outer).toMatchObject({nestedIn: null, depth: 0});
			expect(inner).toMatchObject({nestedIn: outer.id, nestedClientPid: innerClientPid, depth: 1});
			const lines = (await runSshtop(['--filter', `pid:${inner.pid}`])).stdout.split('\n');
			const outerRow = lines.findIndex(line => line.includes(`127.0.0.1:${outerPort} `));
			const clientRow = lines.findIndex(line => line.includes(` ${innerClientPid} `));
			const innerRow = lines.findIndex(line => line.includes(`127.0.0.1:${innerPort} `));
			expect(outerRow).toBeGreaterThan(-1);
			expect(clientRow).toBeGreaterThan(outerRow);
			expect(innerRow).toBeGreaterThan(clientRow);
			// Drawn deeper than the client that opened it.
			expect(lines[innerRow]!.search(/[├└]/u)).toBeGreaterThan(lines[clientRow]!.search(/[├└]/u));
		});

		it('inside the inner hop, the outer hop is marked as yours and asks the second confirmation; No keeps it', async () => {
			await tmux.sendText(
				`${quote(process.execPath)} ${quote(cliPath)} --no-syslog --audit-log ${quote(path.join(directory, 'chain.log'))} --filter chain:own\n`,
			);
			const outerRow = (lines: readonly string[]) => lines.findIndex(line => line.includes(`127.0.0.1:${outerPort} `));
			const screen = await tmux.waitForScreen(
				text => outerRow(text.split('\n')) !== -1 && text.includes(`127.0.0.1:${innerPort} `),
				{description: 'both hops in the explorer', timeoutMs: 20_000},
			);
			expect(screen.split('\n')[outerRow(screen.split('\n'))]).toContain('[your outer hop]');
			await moveSelectionTo(tmux, outerRow, 'the outer hop');
			await tmux.sendText('t');
			const first = await tmux.waitForScreen(text => text.includes('Default is No'), {
				description: 'the first question',
			});
			expect(first).toContain('1 target needs an extra confirmation after this one.');
			await tmux.sendText('y');
			const second = await tmux.waitForScreen(text => text.includes('Extra confirmation 1 of 1'), {
				description: 'the second question',
			});
			expect(second).toContain('the session YOUR session was opened from');
			await tmux.sendText('n');
			await tmux.waitForScreen(text => text.includes('Cancelled: nothing was sent.'), {
				description: 'the cancellation',
			});
			expect(await connectionIsOpen(sshd, {localPort: outerPort})).toBe(true);
			expect(await connectionIsOpen(sshd, {localPort: innerPort})).toBe(true);
		}, 60_000);

		it('ending the inner hop (confirmed twice) leaves the outer hop connected', async () => {
			const innerRow = (lines: readonly string[]) => lines.findIndex(line => line.includes(`127.0.0.1:${innerPort} `));
			await moveSelectionTo(tmux, innerRow, 'the inner hop');
			await tmux.sendText('t');
			await tmux.waitForScreen(text => text.includes('Default is No'), {description: 'the first question'});
			await tmux.sendText('y');
			const second = await tmux.waitForScreen(text => text.includes('Extra confirmation 1 of 1'), {
				description: 'the second question',
			});
			expect(second).toContain('This is YOUR session');
			await tmux.sendText('y');
			await waitFor(async () => !(await connectionIsOpen(sshd, {localPort: innerPort})), {
				description: 'the inner hop to close',
			});
			// Back at the outer hop's prompt, still connected.
			await tmux.sendText('echo outer-alive-$((30+4))\n');
			await tmux.waitForScreen(text => text.includes('outer-alive-34'), {
				description: 'the outer shell to answer',
				timeoutMs: 20_000,
			});
			expect(await connectionIsOpen(sshd, {localPort: outerPort})).toBe(true);
		}, 60_000);
	});
});
