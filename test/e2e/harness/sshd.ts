// A private OpenSSH server for end-to-end tests: its own port on 127.0.0.1, its own keys and
// config in a temp dir, started in the foreground so the test owns its pid. The system's sshd
// and /etc/ssh keys are never used.
import process from 'node:process';
import {spawn, type ChildProcess} from 'node:child_process';
import {chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir, userInfo} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {listeningPids, readSs} from './ground-truth.js';
import {
	descendantsFromProc,
	endProcesses,
	isRunning,
	ownProcess,
	processesWithEnvironment,
	registerExitCleanup,
	type OwnedProcess,
} from './processes.js';
import {waitFor} from './wait-for.js';

/** The unprivileged account the tests log in as when they run as root. */
export const unprivilegedTestUser = 'sshtop-test';

export const isRoot = process.getuid?.() === 0;

/**
 * Why pty sessions cannot work on a test sshd here, or undefined when they can. An sshd that is
 * not root must find new ptys already in group tty (devpts mounted with gid=TTY_GID): it cannot
 * chown them, and aborts the session.
 */
export function ptyProblem(): string | undefined {
	if (isRoot) {
		return undefined;
	}

	const ttyGroup = readFileSync('/etc/group', 'utf8')
		.split('\n')
		.find(line => line.startsWith('tty:'))
		?.split(':')[2];
	const devpts = readFileSync('/proc/mounts', 'utf8')
		.split('\n')
		.find(line => line.split(' ')[1] === '/dev/pts');
	if (
		devpts !== undefined &&
		ttyGroup !== undefined &&
		!devpts.includes(`gid=${ttyGroup},`) &&
		!devpts.endsWith(`gid=${ttyGroup}`)
	) {
		return `not root, and /dev/pts is mounted without gid=${ttyGroup}: an unprivileged sshd cannot hand out ptys`;
	}

	return undefined;
}

/** Environment variable sshd sets in every session of a test server, to the server's temp dir. */
export const sessionMarkerName = 'SSHTOP_TEST_SSHD';

export type TestSshd = {
	readonly pid: number;
	readonly port: number;
	readonly directory: string;
	readonly configPath: string;
	readonly clientKeyPath: string;
	/** Who clients log in as by default: root when the tests run as root, else the current user. */
	readonly defaultUser: string;
	/** An account other than root to log in as; undefined when not root (sshd can then only log in its own user). */
	readonly unprivilegedUser: string | undefined;
	/** Options every ssh or sftp client needs for this server, apart from the port (`-p` vs `-P`). */
	readonly clientOptions: readonly string[];
	/** What sshd wrote to stderr (-e) or its log file (logToFile), for failure messages. */
	readonly log: () => string;
	/** The log file sshd writes with logToFile; undefined otherwise. */
	readonly logPath: string | undefined;
	/** Adopts a process so `stop()` ends it; returns a function that forgets it again. */
	readonly track: (owned: OwnedProcess, label: string) => () => void;
	/** Ends every tracked client, everything still running below the listener, then the listener; removes the temp dir. */
	readonly stop: () => Promise<void>;
};

/** A TCP port on 127.0.0.1 that was free a moment ago (bound to 0, then closed). */
export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address !== null ? address.port : 0;
			server.close(() => {
				resolve(port);
			});
		});
	});
}

/** Whether the account the tests log in as exists. */
export async function hasTestAccount(): Promise<boolean> {
	return (await execa('getent', ['passwd', unprivilegedTestUser], {reject: false})).exitCode === 0;
}

/**
Removes the test account, for whoever created it (the test run's global setup, a benchmark). Exit
8: a process of the account is still exiting (a session's sshd): tried again for 5 s. Exit 12: its
home directory could not be removed fully; the account itself is gone. Returns what went wrong.
*/
export async function removeTestAccount(): Promise<string | undefined> {
	let result = await execa('userdel', ['-r', unprivilegedTestUser], {reject: false});
	for (let attempt = 0; result.exitCode === 8 && attempt < 20; attempt++) {
		await new Promise(resolve => {
			setTimeout(resolve, 250);
		});
		result = await execa('userdel', ['-r', unprivilegedTestUser], {reject: false});
	}

	return result.exitCode === 0 || result.exitCode === 12
		? undefined
		: `userdel ${unprivilegedTestUser} failed (${result.exitCode}): ${result.stderr}`;
}

async function ensureUnprivilegedUser(): Promise<void> {
	const existing = await execa('getent', ['passwd', unprivilegedTestUser], {reject: false});
	if (existing.exitCode !== 0) {
		const created = await execa('useradd', ['-m', '-s', '/bin/bash', unprivilegedTestUser], {reject: false});
		// Exit 9: another test process created it meanwhile.
		if (created.exitCode !== 0 && created.exitCode !== 9) {
			throw new Error(`useradd ${unprivilegedTestUser} failed: ${created.stderr}`);
		}
	}

	// A '!' password field means "locked", and sshd refuses locked accounts even for key logins.
	const shadow = await execa('getent', ['shadow', unprivilegedTestUser], {reject: false});
	const passwordField = shadow.stdout.split(':')[1] ?? '';
	if (passwordField.startsWith('!')) {
		await execa('usermod', ['-p', '*', unprivilegedTestUser]);
	}
}

export type TestSshdOptions = {
	/**
	 * Addresses to listen on besides 127.0.0.1, such as the host side of a test network
	 * namespace's veth pair (see netns.ts). Same port.
	 */
	readonly extraListenAddresses?: readonly string[];
	/** sshd_config lines added to the test server's own, such as `ClientAliveInterval 2`. */
	readonly extraConfig?: readonly string[];
	/** sshd's LogLevel (INFO unless told). */
	readonly logLevel?: 'INFO' | 'VERBOSE';
	/** Accept passwords (through PAM when root), for a password login typed into a pty. */
	readonly passwordAuthentication?: boolean;
	/** Log to `sshd.log` in the server's directory (sshd -E) instead of stderr: a file to read as --auth-log. */
	readonly logToFile?: boolean;
};

function writeConfig(directory: string, port: number, options: TestSshdOptions): string {
	const configPath = path.join(directory, 'sshd_config');
	const lines = [
		`Port ${port}`,
		'ListenAddress 127.0.0.1',
		...(options.extraListenAddresses ?? []).map(address => `ListenAddress ${address}`),
		`HostKey ${path.join(directory, 'host_ed25519')}`,
		`PidFile ${path.join(directory, 'sshd.pid')}`,
		`AuthorizedKeysFile ${path.join(directory, 'authorized_keys')}`,
		'StrictModes no',
		// As Debian ships it when root; sshd running as a normal user cannot use PAM.
		`UsePAM ${isRoot ? 'yes' : 'no'}`,
		'PermitRootLogin prohibit-password',
		'PubkeyAuthentication yes',
		`PasswordAuthentication ${options.passwordAuthentication === true ? 'yes' : 'no'}`,
		'KbdInteractiveAuthentication no',
		'Subsystem sftp internal-sftp',
		'PrintMotd no',
		'PrintLastLog no',
		'UseDNS no',
		'X11Forwarding no',
		`LogLevel ${options.logLevel ?? 'INFO'}`,
		// SHLVL=1: bash then counts itself a nested shell and skips ~/.bashrc for `ssh host CMD`
		// (Debian's SSH_SOURCE_BASHRC), so an account's dotfiles cannot slow or block the commands.
		// The marker lets stop() find a session's processes even once they are orphaned.
		// XDG_*: sshtop started in a test session keeps its code cache, scan hint and preferences (a
		// sort changed by a test's keys) in the server's directory, never in the account's home.
		`SetEnv SHLVL=1 ${sessionMarkerName}=${directory} XDG_CACHE_HOME=${directory}/cache XDG_CONFIG_HOME=${directory}/config`,
		...(options.extraConfig ?? []),
		'',
	];
	writeFileSync(configPath, lines.join('\n'));
	return configPath;
}

type StartedListener = {
	readonly child: ChildProcess;
	readonly owned: OwnedProcess;
	readonly port: number;
	readonly log: () => string;
};

async function startListener(directory: string, options: TestSshdOptions): Promise<StartedListener> {
	let lastFailure = '';
	// The port chosen by binding 0 may be taken again before sshd binds it: retry with another.
	for (let attempt = 0; attempt < 5; attempt++) {
		const port = await freePort();
		const configPath = writeConfig(directory, port, options);
		const logArguments = options.logToFile === true ? ['-E', path.join(directory, 'sshd.log')] : ['-e'];
		const child = spawn('/usr/sbin/sshd', ['-D', ...logArguments, '-f', configPath], {
			stdio: ['ignore', 'ignore', 'pipe'],
		});
		let log = '';
		child.stderr?.setEncoding('utf8');
		child.stderr?.on('data', (chunk: string) => {
			log = (log + chunk).slice(-65_536);
		});
		let exited = false;
		child.once('exit', () => {
			exited = true;
		});
		child.once('error', error => {
			exited = true;
			log += String(error);
		});

		const owned = child.pid === undefined ? undefined : ownProcess(child.pid);
		try {
			await waitFor(
				async () => {
					if (exited) {
						throw new Error('exited');
					}

					return listeningPids(await readSs(), port).includes(child.pid!) || undefined;
				},
				{timeoutMs: 10_000, description: `sshd to listen on 127.0.0.1:${port}`},
			);
		} catch {
			if (owned !== undefined) {
				await endProcesses([owned]);
			}

			lastFailure = log;
			continue;
		}

		const logFile = path.join(directory, 'sshd.log');
		const fileLog = () => {
			try {
				return readFileSync(logFile, 'utf8').slice(-65_536);
			} catch {
				return '';
			}
		};

		return {child, owned: owned!, port, log: options.logToFile === true ? fileLog : () => log};
	}

	throw new Error(`sshd did not start after 5 attempts:\n${lastFailure}`);
}

export async function startTestSshd(options: TestSshdOptions = {}): Promise<TestSshd> {
	if (isRoot) {
		// Privilege separation chroots into it; Debian creates it only from the service unit.
		mkdirSync('/run/sshd', {recursive: true, mode: 0o755});
		await ensureUnprivilegedUser();
	}

	const directory = mkdtempSync(path.join(tmpdir(), 'sshtop-sshd-'));
	// The user side of a privilege-separated login reads authorized_keys as the user.
	chmodSync(directory, 0o755);
	const tracked = new Map<OwnedProcess, string>();
	let listener: OwnedProcess | undefined;
	const unregister = registerExitCleanup({
		processes: () => [
			...tracked.keys(),
			...(listener === undefined ? [] : [...descendantsFromProc(listener.pid), listener]),
			...processesWithEnvironment(`${sessionMarkerName}=${directory}`),
		],
		directories: [directory],
	});

	let started: StartedListener;
	try {
		const hostKey = path.join(directory, 'host_ed25519');
		const clientKey = path.join(directory, 'client_ed25519');
		await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'sshtop-test-host', '-f', hostKey]);
		await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'sshtop-test-client', '-f', clientKey]);
		const authorizedKeys = path.join(directory, 'authorized_keys');
		copyFileSync(`${clientKey}.pub`, authorizedKeys);
		chmodSync(authorizedKeys, 0o644);
		started = await startListener(directory, options);
		listener = started.owned;
	} catch (error: unknown) {
		unregister();
		rmSync(directory, {recursive: true, force: true});
		throw error;
	}

	const {port, owned: listenerProcess} = started;
	const clientKeyPath = path.join(directory, 'client_ed25519');
	let stopped = false;
	return {
		pid: listenerProcess.pid,
		port,
		directory,
		configPath: path.join(directory, 'sshd_config'),
		clientKeyPath,
		defaultUser: isRoot ? 'root' : userInfo().username,
		unprivilegedUser: isRoot ? unprivilegedTestUser : undefined,
		// -F /dev/null and IdentitiesOnly: the tester's own ~/.ssh/config and agent play no part.
		clientOptions: [
			'-F',
			'/dev/null',
			'-o',
			'IdentitiesOnly=yes',
			'-o',
			'BatchMode=yes',
			'-o',
			'StrictHostKeyChecking=no',
			'-o',
			'UserKnownHostsFile=/dev/null',
			'-o',
			'LogLevel=ERROR',
			'-i',
			clientKeyPath,
		],
		log: started.log,
		logPath: options.logToFile === true ? path.join(directory, 'sshd.log') : undefined,
		track(owned, label) {
			tracked.set(owned, label);
			return () => {
				tracked.delete(owned);
			};
		},
		async stop() {
			if (stopped) {
				return;
			}

			stopped = true;
			try {
				// Descendants are collected before anything dies: a killed connection can orphan
				// its command (a notty `sleep` keeps running), and orphans move to PID 1.
				const clients = [...tracked.keys()].flatMap(owned => [owned, ...descendantsFromProc(owned.pid)]);
				const serverSide = descendantsFromProc(listenerProcess.pid);
				await endProcesses([...clients, ...serverSide].filter(owned => isRunning(owned)));
				await endProcesses([listenerProcess]);
				// Commands orphaned earlier, such as the server side of a client that never became ready.
				await endProcesses(processesWithEnvironment(`${sessionMarkerName}=${directory}`));
			} finally {
				tracked.clear();
				unregister();
				rmSync(directory, {recursive: true, force: true});
			}
		},
	};
}
