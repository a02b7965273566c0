// Real ssh and sftp clients of the private sshd, in the shapes sshtop must recognise. Each is
// "connected" only when ps and ss show its server side in the expected state.
import process from 'node:process';
import {Buffer} from 'node:buffer';
import {spawn} from 'node:child_process';
import path from 'node:path';
import {execa} from 'execa';
import {clientSocketOf, readPs, readSs, sessionTruth, type PsTable, type SessionTruth} from './ground-truth.js';
import type {NetworkNamespace} from './netns.js';
import {descendantsFromProc, endProcesses, isRunning, ownProcess, type OwnedProcess} from './processes.js';
import {unprivilegedTestUser, type TestSshd} from './sshd.js';
import {waitFor, waitUntil} from './wait-for.js';

export type SshClient = {
	readonly label: string;
	/** The client process: ssh or sftp as spawned, or the ssh typed into another session. */
	readonly pid: number;
	/** The process holding the TCP socket: sftp's ssh child, or the master for a multiplexed client. */
	readonly connectionPid: number;
	/** Client end of the TCP connection: what sshtop reports as the session's `peer.port`. */
	readonly localPort: number;
	/** Client address as the server sees it: 127.0.0.1, or the namespace's address (`from`). */
	readonly localAddress: string;
	/** The connection's top sshd (a child of the listener), per ss and ps. */
	readonly sessionPid: number;
	/** Writes to the client's stdin (a pty session passes it to the remote terminal). */
	readonly write: (text: string) => void;
	/** What the client printed (stdout and stderr), for failure messages. */
	readonly output: () => string;
	/** Ends the client, its descendants and the server side of its connection. */
	readonly stop: () => Promise<void>;
};

export type ConnectOptions = {
	readonly label?: string;
	/** Defaults to the server's `defaultUser`. */
	readonly user?: string;
	readonly timeoutMs?: number;
	/**
	 * Run the client inside this network namespace, connecting to the server's address on the
	 * host side of its veth pair (the server must listen there: `extraListenAddresses`).
	 */
	readonly from?: NetworkNamespace;
	/** More ssh options, before the destination: another identity (`-i`), `-o CertificateFile=…`, forwards. */
	readonly sshOptions?: readonly string[];
};

type Spawned = {
	readonly owned: OwnedProcess;
	readonly write: (text: string) => void;
	readonly output: () => string;
	readonly hasExited: () => boolean;
	readonly untrack: () => void;
};

function spawnClient(
	sshd: TestSshd,
	program: string,
	args: readonly string[],
	label: string,
	from?: NetworkNamespace,
): Spawned {
	// `ip netns exec` enters the namespace and execs the program: the spawned pid is the client's.
	const [file, ...fileArgs] = from === undefined ? [program, ...args] : [...from.execPrefix, program, ...args];
	// Stdin stays an open pipe: ssh and sftp would end their sessions at EOF.
	const child = spawn(file!, fileArgs, {stdio: ['pipe', 'pipe', 'pipe'], env: {...process.env, SSH_AUTH_SOCK: ''}});
	let output = '';
	const collect = (chunk: Uint8Array) => {
		output = (output + Buffer.from(chunk).toString('utf8')).slice(-65_536);
	};

	child.stdout.on('data', collect);
	child.stderr.on('data', collect);
	// Writes to a client that already died must not crash the test process.
	child.stdin.on('error', () => undefined);
	let exited = false;
	child.once('exit', (code, signal) => {
		exited = true;
		output += `\n[${label} exited: ${code ?? signal}]`;
	});
	const owned = child.pid === undefined ? undefined : ownProcess(child.pid);
	if (owned === undefined) {
		throw new Error(`${label}: ${program} did not start`);
	}

	return {
		owned,
		write(text) {
			child.stdin.write(text);
		},
		output: () => output,
		hasExited: () => exited,
		untrack: sshd.track(owned, label),
	};
}

const startingTitle = /\[(?:preauth|net|accepted)\]/u;

type Connected = {
	readonly localPort: number;
	readonly localAddress: string;
	readonly connectionPid: number;
	readonly truth: SessionTruth;
	readonly table: PsTable;
};

/** How a client is waited for: its name in messages, when it counts as ready, for how long, from where. */
type ConnectionWait = {
	readonly label: string;
	readonly isReady: (truth: SessionTruth, table: PsTable) => boolean;
	readonly timeoutMs?: number | undefined;
	readonly from?: NetworkNamespace | undefined;
};

/**
 * Polls ps and ss until the client process (or a descendant) holds an established connection to
 * the server and `isReady` accepts the server side. Fails at once if the client exits.
 */
async function waitForConnection(
	sshd: TestSshd,
	clientPid: number,
	diagnostics: {readonly hasExited: () => boolean; readonly output: () => string},
	{label, isReady, timeoutMs = 30_000, from}: ConnectionWait,
): Promise<Connected> {
	let lastTruth: SessionTruth | undefined;
	const result = await waitFor(
		async (): Promise<Connected | {readonly failed: string} | undefined> => {
			if (diagnostics.hasExited()) {
				return {failed: `${label} exited before it was ready:\n${diagnostics.output()}`};
			}

			const [table, sockets, clientSockets] = await Promise.all([
				readPs(),
				readSs(),
				from === undefined ? undefined : readSs({namespace: from.name}),
			]);
			// A client in another namespace has its end of the connection there.
			const socket = clientSocketOf(clientSockets ?? sockets, table, clientPid, sshd.port);
			if (socket === undefined) {
				return undefined;
			}

			const truth = sessionTruth(sockets, table, sshd.pid, {
				serverPort: sshd.port,
				clientPort: socket.local.port,
				clientAddress: socket.local.address,
			});
			lastTruth = truth;
			if (truth === undefined || truth.members.some(row => startingTitle.test(row.args)) || !isReady(truth, table)) {
				return undefined;
			}

			const connectionPid = socket.owners[0]?.pid ?? clientPid;
			return {localPort: socket.local.port, localAddress: socket.local.address, connectionPid, truth, table};
		},
		{
			timeoutMs,
			description: `${label} to be connected`,
		},
	).catch((error: unknown) => {
		const serverSide =
			lastTruth?.members.map(row => `${row.pid} ${row.user} ${row.tty ?? '?'} ${row.args}`).join('\n') ?? 'none';
		throw new Error(
			`${error instanceof Error ? error.message : String(error)}\nserver side:\n${serverSide}\nclient output:\n${diagnostics.output()}\nsshd log:\n${sshd.log()}`,
		);
	});
	if ('failed' in result) {
		throw new Error(`${result.failed}\nsshd log:\n${sshd.log()}`);
	}

	return result;
}

function makeClient(
	sshd: TestSshd,
	label: string,
	client: {
		readonly owned: OwnedProcess;
		readonly write: (text: string) => void;
		readonly output: () => string;
		readonly untrack: () => void;
	},
	connected: Connected,
): SshClient {
	const session = ownProcess(connected.truth.pid);
	const untrackSession = session === undefined ? () => undefined : sshd.track(session, `${label} (server side)`);
	let stopped = false;
	return {
		label,
		pid: client.owned.pid,
		connectionPid: connected.connectionPid,
		localPort: connected.localPort,
		localAddress: connected.localAddress,
		sessionPid: connected.truth.pid,
		write: client.write,
		output: client.output,
		async stop() {
			if (stopped) {
				return;
			}

			stopped = true;
			// Collected before anything dies: a notty command outlives its connection, orphaned.
			const targets = [
				client.owned,
				...descendantsFromProc(client.owned.pid),
				...(session === undefined ? [] : [session, ...descendantsFromProc(session.pid)]),
			];
			try {
				await endProcesses(targets.filter(owned => isRunning(owned)));
			} finally {
				client.untrack();
				untrackSession();
			}
		},
	};
}

function sshArguments(sshd: TestSshd, user: string, extra: readonly string[], from?: NetworkNamespace): string[] {
	return [...sshd.clientOptions, '-p', String(sshd.port), ...extra, `${user}@${from?.hostAddress ?? '127.0.0.1'}`];
}

async function connect(
	sshd: TestSshd,
	program: string,
	args: readonly string[],
	{label, isReady, timeoutMs, from}: ConnectionWait,
): Promise<SshClient> {
	const spawned = spawnClient(sshd, program, args, label, from);
	try {
		const connected = await waitForConnection(sshd, spawned.owned.pid, spawned, {label, isReady, timeoutMs, from});
		return makeClient(sshd, label, spawned, connected);
	} catch (error: unknown) {
		await endProcesses([spawned.owned, ...descendantsFromProc(spawned.owned.pid)].filter(owned => isRunning(owned)));
		spawned.untrack();
		throw error;
	}
}

/**
 * Remote command for a shell that reads no dotfiles. An account's ~/.bashrc may do anything: on
 * this project's sandbox root's runs `pyenv rehash`, which waits up to a minute on a lock file
 * that a session killed mid-login leaves behind.
 */
const cleanShellCommand = 'exec bash --noprofile --norc -i';

export type ShellOptions = ConnectOptions & {
	/**
	 * Let sshd start the account's own login shell (`-bash`, reading its dotfiles). Default: only
	 * for the unprivileged test account, whose dotfiles are /etc/skel's.
	 */
	readonly loginShell?: boolean;
};

function shellCommand(user: string, options: ShellOptions): string[] {
	return (options.loginShell ?? user === unprivilegedTestUser) ? [] : [cleanShellCommand];
}

/** Distinct terminals of the non-sshd processes of the connection: its shells and their children. */
function terminalCount(truth: SessionTruth): number {
	return new Set(
		truth.members
			.filter(row => !row.args.startsWith('sshd'))
			.map(row => row.tty)
			.filter(tty => tty !== undefined),
	).size;
}

let promptCounter = 0;

/**
 * Runs an arithmetic echo in the shell and waits for its result: only a shell that finished
 * starting up and reads its terminal prints it (the echoed keystrokes show the expression, not
 * the number). A shell killed before that point may be halfway through its dotfiles.
 */
async function waitForPrompt(
	label: string,
	write: (text: string) => void,
	output: () => string,
	timeoutMs = 30_000,
): Promise<void> {
	promptCounter += 1;
	const base = 7_000_000 + (process.pid % 1000) * 1000 + promptCounter;
	write(`echo sshtop-ready-$((${base}+1))\n`);
	await waitUntil(() => output().includes(`sshtop-ready-${base + 1}`), {
		timeoutMs,
		description: `${label}: the shell to answer at its prompt`,
	}).catch((error: unknown) => {
		throw new Error(`${error instanceof Error ? error.message : String(error)}\noutput:\n${output()}`);
	});
}

async function stopOnFailure<T>(client: SshClient, work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (error: unknown) {
		await client.stop();
		throw error;
	}
}

/** `ssh -tt user@host`: an interactive shell on a fresh pty, idle at its prompt. */
export async function connectShell(sshd: TestSshd, options: ShellOptions = {}): Promise<SshClient> {
	const user = options.user ?? sshd.defaultUser;
	const label = options.label ?? `pty shell of ${user}`;
	const client = await connect(
		sshd,
		'ssh',
		[...sshArguments(sshd, user, [...(options.sshOptions ?? []), '-tt'], options.from), ...shellCommand(user, options)],
		{label, isReady: truth => terminalCount(truth) === 1, timeoutMs: options.timeoutMs, from: options.from},
	);
	await stopOnFailure(client, async () => waitForPrompt(label, client.write, client.output, options.timeoutMs));
	return client;
}

export type CommandOptions = ConnectOptions & {
	readonly tty?: boolean;
	/** How ps shows the command once it runs, when that differs from `command` (shell quoting). */
	readonly runningArgs?: string;
};

/** `ssh [-tt] user@host COMMAND`: ready once COMMAND (as ps prints its args) runs below the connection. */
export async function connectCommand(
	sshd: TestSshd,
	command: string,
	options: CommandOptions = {},
): Promise<SshClient> {
	const user = options.user ?? sshd.defaultUser;
	const runningArgs = options.runningArgs ?? command;
	return connect(
		sshd,
		'ssh',
		[
			...sshArguments(sshd, user, [...(options.sshOptions ?? []), ...(options.tty ? ['-tt'] : [])], options.from),
			command,
		],
		{
			label: options.label ?? `${options.tty ? 'pty' : 'notty'} command ${command}`,
			isReady: truth => truth.members.some(row => row.args === runningArgs),
			timeoutMs: options.timeoutMs,
			from: options.from,
		},
	);
}

/** `ssh -N -L …`: a connection with no session channel, only a (never used) local forward. */
export async function connectForward(
	sshd: TestSshd,
	forwardPort: number,
	options: ConnectOptions = {},
): Promise<SshClient> {
	const user = options.user ?? sshd.defaultUser;
	const label = options.label ?? `-N forward of ${user}`;
	// Authenticated and idle: the top sshd's title carries the user name and nothing runs below it
	// but the user-side sshd of a privilege-separated login.
	return connect(
		sshd,
		'ssh',
		sshArguments(sshd, user, ['-N', '-L', `127.0.0.1:${forwardPort}:127.0.0.1:${sshd.port}`]),
		{
			label,
			isReady: truth =>
				truth.members.every(row => row.args.startsWith('sshd: ')) && truth.members[0]!.args.includes(user),
			timeoutMs: options.timeoutMs,
		},
	);
}

/** An interactive `sftp` whose stdin stays open; the server runs internal-sftp. */
export async function connectSftp(sshd: TestSshd, options: ConnectOptions = {}): Promise<SshClient> {
	const user = options.user ?? sshd.defaultUser;
	return connect(sshd, 'sftp', [...sshd.clientOptions, '-P', String(sshd.port), `${user}@127.0.0.1`], {
		label: options.label ?? `sftp of ${user}`,
		isReady: truth => truth.members.some(row => row.args.includes('@internal-sftp')),
		timeoutMs: options.timeoutMs,
	});
}

// eslint-disable-next-line unicorn/prevent-abbreviations -- OpenSSH's name for the option.
export type ControlMasterPair = {
	readonly master: SshClient;
	/** Has no TCP socket of its own: `localPort` and `sessionPid` are the master's. */
	readonly multiplexed: SshClient;
	readonly controlPath: string;
};

/** A ControlMaster shell plus a second shell multiplexed over the same connection: one sshd, two ptys. */
// eslint-disable-next-line unicorn/prevent-abbreviations -- OpenSSH's name for the option.
export async function connectControlMaster(sshd: TestSshd, options: ShellOptions = {}): Promise<ControlMasterPair> {
	const user = options.user ?? sshd.defaultUser;
	const label = options.label ?? `ControlMaster of ${user}`;
	const controlPath = path.join(sshd.directory, `control-${Math.random().toString(36).slice(2, 8)}`);
	const controlOptions = ['-o', 'ControlPersist=no', '-S', controlPath];
	const remoteCommand = shellCommand(user, options);
	const main = await connect(
		sshd,
		'ssh',
		[...sshArguments(sshd, user, ['-M', ...controlOptions, '-tt']), ...remoteCommand],
		{label, isReady: truth => terminalCount(truth) === 1, timeoutMs: options.timeoutMs},
	);
	try {
		await waitForPrompt(label, main.write, main.output, options.timeoutMs);
		await waitUntil(
			async () =>
				(await execa('ssh', [...controlOptions, '-O', 'check', `${user}@127.0.0.1`], {reject: false})).exitCode === 0,
			{description: `${label}: control socket to answer`},
		);
		const multiplexedLabel = `${label}, multiplexed client`;
		const spawned = spawnClient(
			sshd,
			'ssh',
			[...sshArguments(sshd, user, [...controlOptions, '-tt']), ...remoteCommand],
			multiplexedLabel,
		);
		try {
			// The multiplexed client owns no socket to the server: watch the master's connection
			// until it serves two terminals.
			const connected = await waitForConnection(sshd, main.pid, spawned, {
				label: multiplexedLabel,
				isReady: truth => terminalCount(truth) === 2,
				timeoutMs: options.timeoutMs,
			});
			const multiplexed = makeClient(sshd, multiplexedLabel, spawned, connected);
			await stopOnFailure(multiplexed, async () =>
				waitForPrompt(multiplexedLabel, multiplexed.write, multiplexed.output, options.timeoutMs),
			);
			return {master: main, multiplexed, controlPath};
		} catch (error: unknown) {
			await endProcesses([spawned.owned].filter(owned => isRunning(owned)));
			spawned.untrack();
			throw error;
		}
	} catch (error: unknown) {
		await main.stop();
		throw error;
	}
}

function shellQuote(word: string): string {
	return /^[\w@%+=:,./-]+$/u.test(word) ? word : `'${word.replaceAll("'", String.raw`'\''`)}'`;
}

/**
 * Types an `ssh -tt` to the same server into `outer`'s shell: the new connection originates
 * from the outer session's process tree. `outer` must be a pty shell idle at its prompt.
 */
export async function connectNested(sshd: TestSshd, outer: SshClient, options: ShellOptions = {}): Promise<SshClient> {
	const user = options.user ?? sshd.defaultUser;
	const label = options.label ?? `nested shell of ${user} inside ${outer.label}`;
	const args = [...sshArguments(sshd, user, ['-tt']), ...shellCommand(user, options)];
	const commandLine = ['ssh', ...args].map(word => shellQuote(word)).join(' ');
	outer.write(`${commandLine}\n`);
	const nestedClient = await waitFor(
		async () => {
			const table = await readPs();
			return table.descendantsOf(outer.sessionPid).find(row => row.args === ['ssh', ...args].join(' '));
		},
		{timeoutMs: options.timeoutMs ?? 30_000, description: `${label}: the ssh client to start inside the outer session`},
	);
	const owned = ownProcess(nestedClient.pid);
	if (owned === undefined) {
		throw new Error(`${label}: the ssh client ${nestedClient.pid} exited at once:\n${outer.output()}`);
	}

	const untrack = sshd.track(owned, label);
	try {
		const connected = await waitForConnection(
			sshd,
			owned.pid,
			{hasExited: () => !isRunning(owned), output: outer.output},
			{label, isReady: truth => terminalCount(truth) === 1, timeoutMs: options.timeoutMs},
		);
		// Keystrokes for the nested session go through the outer one, whose terminal the client reads.
		const nested = makeClient(sshd, label, {owned, write: outer.write, output: outer.output, untrack}, connected);
		await stopOnFailure(nested, async () => waitForPrompt(label, nested.write, nested.output, options.timeoutMs));
		return nested;
	} catch (error: unknown) {
		await endProcesses([owned].filter(each => isRunning(each)));
		untrack();
		throw error;
	}
}

/** Types a command line into a pty shell client. */
export function typeLine(client: SshClient, line: string): void {
	client.write(`${line}\n`);
}
