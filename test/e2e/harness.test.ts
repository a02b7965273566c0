// The harness tested against procps and iproute2: if these fail, the e2e suites prove nothing.
import process from 'node:process';
import {existsSync, readFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {
	connectCommand,
	connectControlMaster,
	connectForward,
	connectNested,
	connectShell,
	connectSftp,
	typeLine,
	type ControlMasterPair,
	type SshClient,
} from './harness/clients.js';
import {listeningPids, readPs, readSs, sessionTruth, type SessionTruth} from './harness/ground-truth.js';
import {isRunning, ownProcess} from './harness/processes.js';
import {freePort, isRoot, ptyProblem, startTestSshd, unprivilegedTestUser, type TestSshd} from './harness/sshd.js';
import {startTmux, type TmuxSession} from './harness/tmux.js';
import {waitFor} from './harness/wait-for.js';

describe('tmux driver', () => {
	let tmux: TmuxSession | undefined;

	afterAll(async () => {
		await tmux?.stop();
	});

	it('runs a command in a private server of the requested size and reads its screen', async () => {
		tmux = await startTmux({
			command: "exec env PS1='ready> ' bash --norc --noprofile",
			columns: 60,
			rows: 12,
			env: {SSHTOP_TEST_MARK: 'passed through'},
		});
		await tmux.waitForScreen(screen => screen.includes('ready>'));
		await tmux.sendText(
			String.raw`printf '\033[31mred\033[0m %s %sx%s %s\n' "$TERM" "$(tput cols)" "$(tput lines)" "$SSHTOP_TEST_MARK"`,
		);
		await tmux.sendKeys('Enter');

		const screen = await tmux.waitForScreen(screen => screen.includes('red xterm-256color 60x12 passed through'));
		expect(screen.split('\n')).toHaveLength(12);
		const colored = await tmux.capturePane({colors: true});
		expect(colored).toMatch(/\u001B\[31mred/u);
	});

	it('resizes the window and the program sees the new size', async () => {
		await tmux!.resize(80, 20);
		await tmux!.sendText('clear; echo "size $(tput cols)x$(tput lines)"');
		await tmux!.sendKeys('Enter');
		await tmux!.waitForScreen(screen => screen.includes('size 80x20'));
		expect((await tmux!.capturePane()).split('\n')).toHaveLength(20);
	});

	it('keeps the last screen, and the exit status when tmux knows it, after the program quits', async () => {
		await tmux!.sendText('echo last words; exit 3');
		await tmux!.sendKeys('Enter');
		const status = await waitForDead(tmux!);
		expect(await tmux!.capturePane()).toContain('last words');
		// tmux 3.3a can lose the status in a race with the pty closing (see paneStatus).
		expect([3, undefined]).toContain(status.exitStatus);
		expect(status.signal).toBeUndefined();
	});

	it('stop ends the server by pid', async () => {
		const server = ownProcess(tmux!.serverPid);
		expect(server).toBeDefined();
		await tmux!.stop();
		expect(isRunning(server!)).toBe(false);
	});
});

async function waitForDead(tmux: TmuxSession) {
	return waitFor(
		async () => {
			const status = await tmux.paneStatus();
			return status.isDead ? status : undefined;
		},
		{description: 'the pane to die'},
	);
}

const withoutPtys = ptyProblem();

describe.skipIf(withoutPtys !== undefined)(
	`private sshd and its clients${withoutPtys ? ` (skipped: ${withoutPtys})` : ''}`,
	() => {
		let sshd: TestSshd;
		let shell: SshClient;
		let command: SshClient;
		let forward: SshClient;
		let sftp: SshClient;
		let pair: ControlMasterPair;
		let nested: SshClient;
		let userShell: SshClient | undefined;

		beforeAll(async () => {
			sshd = await startTestSshd();
			const forwardPort = await freePort();
			[shell, command, forward, sftp, pair, userShell] = await Promise.all([
				connectShell(sshd, {label: 'outer shell'}),
				connectCommand(sshd, 'sleep 60003'),
				connectForward(sshd, forwardPort),
				connectSftp(sshd),
				connectControlMaster(sshd),
				sshd.unprivilegedUser === undefined ? undefined : connectShell(sshd, {user: sshd.unprivilegedUser}),
			]);
			nested = await connectNested(sshd, shell);
		});

		afterAll(async () => {
			await sshd?.stop();
		});

		it('listens on 127.0.0.1 with its own config, as a child of the test process', async () => {
			const [table, sockets] = await Promise.all([readPs(), readSs()]);
			expect(listeningPids(sockets, sshd.port)).toEqual([sshd.pid]);
			expect(sockets.find(socket => socket.state === 'LISTEN' && socket.local.port === sshd.port)?.local.address).toBe(
				'127.0.0.1',
			);
			const listener = table.get(sshd.pid)!;
			expect(listener.ppid).toBe(process.pid);
			expect(listener.args).toContain(`-f ${sshd.configPath}`);
			expect(readFileSync(sshd.configPath, 'utf8')).not.toContain('/etc/ssh');
		});

		it('a pty shell is served by one sshd, a child of the listener, with an interactive bash on one pty', async () => {
			const truth = await truthOf(shell);
			expect(truth.pid).toBe(shell.sessionPid);
			expect(truth.listenerPid).toBe(sshd.pid);
			expect(truth.user).toBe(sshd.defaultUser);
			expect(truth.ttys).toHaveLength(1);
			expect(truth.members.some(row => row.args === 'bash --noprofile --norc -i' && row.tty === truth.ttys[0])).toBe(
				true,
			);
		});

		it('a notty command runs below its sshd without a terminal', async () => {
			const truth = await truthOf(command);
			expect(truth.ttys).toEqual([]);
			expect(truth.members.map(row => row.args)).toContain('sleep 60003');
		});

		it('an -N forward has no process but sshd', async () => {
			const truth = await truthOf(forward);
			expect(truth.members.every(row => row.args.startsWith('sshd: '))).toBe(true);
			expect(truth.ttys).toEqual([]);
		});

		it('sftp is served by internal-sftp, its socket held by the ssh child of sftp', async () => {
			const table = await readPs();
			expect(table.get(sftp.connectionPid)?.ppid).toBe(sftp.pid);
			const truth = await truthOf(sftp);
			expect(truth.members.some(row => /^sshd: \S+@internal-sftp$/u.test(row.args))).toBe(true);
		});

		it('a ControlMaster pair is one connection whose sshd is titled with both ptys', async () => {
			expect(pair.multiplexed.localPort).toBe(pair.master.localPort);
			const sockets = await readSs();
			expect(sockets.some(socket => socket.owners.some(owner => owner.pid === pair.multiplexed.pid))).toBe(false);
			const truth = await truthOf(pair.master);
			expect(truth.ttys).toHaveLength(2);
			const title = `sshd: ${sshd.defaultUser}@${truth.ttys.join(',')}`;
			const titles = truth.members.filter(row => row.args.startsWith('sshd: ')).map(row => row.args);
			// Order of the ptys in the title is the order the channels opened, not sorted order.
			expect(
				titles.some(
					each => each === title || each === `sshd: ${sshd.defaultUser}@${truth.ttys.toReversed().join(',')}`,
				),
			).toBe(true);
		});

		it('a nested session is a connection whose client runs inside the outer session', async () => {
			const table = await readPs();
			expect(table.ancestorsOf(nested.pid).map(row => row.pid)).toContain(shell.sessionPid);
			const inner = await truthOf(nested);
			expect(inner.pid).not.toBe(shell.sessionPid);
			expect(inner.ttys).toHaveLength(1);
		});

		it.skipIf(!isRoot)('an unprivileged login is split into a root monitor and a user-side sshd', async () => {
			const truth = await truthOf(userShell!);
			const table = await readPs();
			const monitor = table.get(truth.pid)!;
			expect(monitor.user).toBe('root');
			expect(monitor.args).toBe(`sshd: ${unprivilegedTestUser} [priv]`);
			expect(truth.socketHolderPids).toHaveLength(2);
			const userSide = table.childrenOf(truth.pid)[0]!;
			expect(userSide.user).toBe(unprivilegedTestUser);
			expect(userSide.args).toBe(`sshd: ${unprivilegedTestUser}@${truth.ttys[0]}`);
			expect(truth.user).toBe(unprivilegedTestUser);
		});

		it.skipIf(!isRoot)('a command typed into the unprivileged shell becomes the foreground process group', async () => {
			typeLine(userShell!, 'sleep 60002');
			const {sleep, shellRow} = await waitFor(
				async () => {
					const truth = await truthOf(userShell!);
					const sleep = truth.members.find(row => row.args === 'sleep 60002');
					const shellRow = truth.members.find(row => row.args === '-bash');
					return sleep && shellRow ? {sleep, shellRow} : undefined;
				},
				{description: 'sleep 60002 to run in the user shell'},
			);
			expect(sleep.user).toBe(unprivilegedTestUser);
			expect(sleep.foregroundProcessGroup).toBe(sleep.processGroup);
			expect(shellRow.processGroup).not.toBe(sleep.processGroup);
			expect(shellRow.foregroundProcessGroup).toBe(sleep.processGroup);
		});

		it('stopping one client also ends the server side, even an orphaned notty command', async () => {
			const sleeper = await connectCommand(sshd, 'sleep 60004');
			const truth = await truthOf(sleeper);
			const serverSide = truth.members.map(row => ownProcess(row.pid)).filter(owned => owned !== undefined);
			const client = ownProcess(sleeper.pid)!;
			await sleeper.stop();
			expect([client, ...serverSide].filter(owned => isRunning(owned))).toEqual([]);
		});

		it('stop ends every client, every process below the listener and the listener, and removes the temp dir', async () => {
			const table = await readPs();
			const started = [
				sshd.pid,
				...table.descendantsOf(sshd.pid).map(row => row.pid),
				...[shell, command, forward, sftp, pair.master, pair.multiplexed, nested, userShell]
					.filter(client => client !== undefined)
					.flatMap(client => [client.pid, ...table.descendantsOf(client.pid).map(row => row.pid)]),
			];
			const owned = [...new Set(started)].map(pid => ownProcess(pid)).filter(each => each !== undefined);
			expect(owned.length).toBeGreaterThan(10);
			await sshd.stop();
			expect(owned.filter(each => isRunning(each)).map(each => each.pid)).toEqual([]);
			expect(existsSync(sshd.directory)).toBe(false);
		});

		async function truthOf(client: SshClient): Promise<SessionTruth> {
			const [table, sockets] = await Promise.all([readPs(), readSs()]);
			const truth = sessionTruth(sockets, table, sshd.pid, {serverPort: sshd.port, clientPort: client.localPort});
			if (truth === undefined) {
				throw new Error(`no server side for ${client.label} (port ${client.localPort})`);
			}

			return truth;
		}
	},
);
