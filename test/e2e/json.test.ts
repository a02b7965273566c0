// `sshtop --json` against real SSH connections to a private sshd, checked against ps and ss.
import {readdirSync, statSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';
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
import {
	listeningPids,
	readPs,
	readSs,
	sessionTruth,
	type PsTable,
	type SessionTruth,
	type SsSocket,
} from './harness/ground-truth.js';
import {freePort, isRoot, ptyProblem, startTestSshd, type TestSshd} from './harness/sshd.js';
import {cliPath, ensureBuilt} from './harness/sshtop.js';
import {waitFor} from './harness/wait-for.js';

// The contract of `sshtop --json`, schemaVersion 1, written from the spec rather than imported,
// so a change to the producer cannot silently change what the test expects.
type JsonEndpoint = {readonly address: string; readonly port: number};

type JsonProcess = {
	readonly pid: number;
	readonly ppid: number;
	readonly user: string;
	readonly state: string;
	readonly command: string;
	readonly startedAt: string;
	readonly rssBytes: number;
	readonly children: readonly JsonProcess[];
};

type JsonSession = {
	readonly id: string;
	readonly pid: number;
	readonly listenerPid: number;
	readonly user: string;
	readonly uid: number;
	readonly kind: 'shell' | 'command' | 'sftp' | 'forward' | 'preauth';
	readonly ttys: readonly string[];
	readonly peer: JsonEndpoint | null;
	readonly local: JsonEndpoint | null;
	readonly loginAt: string;
	readonly idleSeconds: number | null;
	readonly idleSource: 'tty' | 'channels' | 'network' | null;
	readonly foreground: {readonly pid: number; readonly command: string} | null;
	readonly nestedIn: string | null;
	readonly isOwn: boolean;
	readonly processes: JsonProcess;
};

type JsonDocument = {
	readonly schemaVersion: number;
	readonly host: string;
	readonly takenAt: string;
	readonly listeners: ReadonlyArray<{
		readonly pid: number;
		readonly command: string;
		readonly ports: readonly number[];
	}>;
	readonly sessions: readonly JsonSession[];
};

type GroundTruth = {readonly table: PsTable; readonly sockets: readonly SsSocket[]};

type SshtopRun = {
	readonly exitCode: number | undefined;
	readonly stdout: string;
	readonly stderr: string;
	readonly startedAt: number;
	readonly endedAt: number;
};

// Every scenario here has pty sessions.
const withoutPtys = ptyProblem();
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
async function runSshtop(): Promise<SshtopRun> {
	const startedAt = Date.now();
	const result = await execa('node', [cliPath, '--json'], {
		cwd: projectRoot,
		reject: false,
		timeout: 30_000,
		stdin: 'ignore',
	});
	return {exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, startedAt, endedAt: Date.now()};
}

function parseDocument(run: SshtopRun): JsonDocument {
	if (run.exitCode !== 0) {
		throw new Error(`sshtop --json exited ${run.exitCode}:\n${run.stderr}`);
	}

	return JSON.parse(run.stdout) as JsonDocument;
}

async function readGroundTruth(): Promise<GroundTruth> {
	const [table, sockets] = await Promise.all([readPs(), readSs()]);
	return {table, sockets};
}

function flatten(node: JsonProcess): JsonProcess[] {
	return [node, ...node.children.flatMap(child => flatten(child))];
}

/** Last access time (epoch ms) of every pts, as `w` (and sshtop) read it: the device's atime. */
function ttyAccessTimes(): ReadonlyMap<string, number> {
	const times = new Map<string, number>();
	for (const name of readdirSync('/dev/pts').filter(entry => /^\d+$/u.test(entry))) {
		try {
			times.set(`pts/${name}`, statSync(`/dev/pts/${name}`).atimeMs);
		} catch {
			// Closed since the directory was listed.
		}
	}

	return times;
}

/** Resident memory per pid as ps reports it (KiB, from the kernel's own counter). */
async function residentKib(pids: readonly number[]): Promise<ReadonlyMap<number, number>> {
	const {stdout} = await execa('ps', ['-o', 'pid=,rss=', '-p', pids.join(',')], {reject: false, env: {LC_ALL: 'C'}});
	return new Map(
		stdout.split('\n').flatMap(line => {
			const match = /^\s*(\d+)\s+(\d+)\s*$/u.exec(line);
			return match === null ? [] : [[Number(match[1]), Number(match[2])] as const];
		}),
	);
}

/** Whole seconds from `from` to `to`, as idle times are counted; never negative. */
function wholeSeconds(from: number, to: number): number {
	return Math.max(0, Math.floor((to - from) / 1000));
}

describe.skipIf(withoutPtys !== undefined)(
	`sshtop --json with every kind of SSH connection open${withoutPtys ? ` (skipped: ${withoutPtys})` : ''}`,
	() => {
		let sshd: TestSshd;
		let secondSshd: TestSshd;
		let rootShell: SshClient;
		let userShell: SshClient;
		let notty: SshClient;
		let forward: SshClient;
		let sftp: SshClient;
		let pair: ControlMasterPair;
		let outer: SshClient;
		let nested: SshClient;
		let onSecondListener: SshClient;
		let loginUser: string;
		/** Just before the first client connected, and once the last one (the nested shell) had. */
		let connectingAt: number;
		let connectedAt: number;
		let before: GroundTruth;
		let after: GroundTruth;
		let ttyAccessBefore: ReadonlyMap<string, number>;
		let ttyAccessAfter: ReadonlyMap<string, number>;
		let run: SshtopRun;
		let document: JsonDocument;

		/** Each TCP connection once: the multiplexed client shares the master's. */
		const connections = () => [rootShell, userShell, notty, forward, sftp, pair.master, outer, nested];

		beforeAll(async () => {
			const building = ensureBuilt();
			// One after the other: if the second fails, afterAll still knows the first.
			sshd = await startTestSshd();
			secondSshd = await startTestSshd();
			loginUser = sshd.unprivilegedUser ?? sshd.defaultUser;
			const forwardPort = await freePort();
			connectingAt = Date.now();
			[rootShell, userShell, notty, forward, sftp, pair, outer, onSecondListener] = await Promise.all([
				connectShell(sshd, {label: 'pty shell'}),
				connectShell(sshd, {user: loginUser, label: `pty shell of ${loginUser}`}),
				connectCommand(sshd, 'sleep 60003'),
				connectForward(sshd, forwardPort),
				connectSftp(sshd),
				connectControlMaster(sshd),
				connectShell(sshd, {label: 'outer shell'}),
				connectCommand(secondSshd, 'sleep 60013'),
			]);
			nested = await connectNested(sshd, outer, {label: 'nested shell'});
			connectedAt = Date.now();
			typeLine(userShell, 'sleep 60002');
			await waitFor(
				async () => {
					const {table, sockets} = await readGroundTruth();
					const sleep = sessionTruth(sockets, table, sshd.pid, {
						serverPort: sshd.port,
						clientPort: userShell.localPort,
					})?.members.find(row => row.args === 'sleep 60002');
					return sleep !== undefined && sleep.foregroundProcessGroup === sleep.processGroup;
				},
				{description: 'sleep 60002 to be the foreground of the user shell'},
			);
			await building;

			before = await readGroundTruth();
			ttyAccessBefore = ttyAccessTimes();
			run = await runSshtop();
			ttyAccessAfter = ttyAccessTimes();
			after = await readGroundTruth();
			document = parseDocument(run);
		}, 90_000);

		afterAll(async () => {
			await Promise.all([sshd?.stop(), secondSshd?.stop()]);
		});

		function truthOf(client: SshClient, truth: GroundTruth = before, server: TestSshd = sshd): SessionTruth {
			const found = sessionTruth(truth.sockets, truth.table, server.pid, {
				serverPort: server.port,
				clientPort: client.localPort,
			});
			if (found === undefined) {
				throw new Error(`ps/ss show no server side for ${client.label} (port ${client.localPort})`);
			}

			return found;
		}

		function sessionOf(client: SshClient): JsonSession {
			const matches = document.sessions.filter(session => session.peer?.port === client.localPort);
			expect(matches, `sessions for ${client.label}`).toHaveLength(1);
			return matches[0]!;
		}

		it('exits 0 with one JSON document of schema version 1', async () => {
			expect(run.exitCode, run.stderr).toBe(0);
			expect(document.schemaVersion).toBe(1);
			const {stdout: hostname} = await execa('hostname');
			expect(document.host).toBe(hostname.trim());
			const takenAt = Date.parse(document.takenAt);
			expect(new Date(takenAt).toISOString()).toBe(document.takenAt);
			// Read on this machine's clock while the process ran.
			expect(takenAt).toBeGreaterThanOrEqual(run.startedAt);
			expect(takenAt).toBeLessThanOrEqual(run.endedAt);
		});

		it('lists each private sshd as a listener with the port ss shows it listening on', () => {
			for (const server of [sshd, secondSshd]) {
				expect(listeningPids(before.sockets, server.port)).toEqual([server.pid]);
				const listed = document.listeners.filter(listener => listener.pid === server.pid);
				expect(listed).toHaveLength(1);
				expect(listed[0]!.ports).toEqual([server.port]);
				expect(listed[0]!.command).toContain('sshd');
			}
		});

		it('shows each connection exactly once, as the top sshd whose parent is the listener', () => {
			for (const client of connections()) {
				const session = sessionOf(client);
				const truth = truthOf(client);
				expect(session.pid, client.label).toBe(truth.pid);
				// Every process holding the server end of the socket is the session pid or below it.
				for (const holder of truth.socketHolderPids) {
					expect([holder, ...before.table.ancestorsOf(holder).map(row => row.pid)], client.label).toContain(
						session.pid,
					);
				}

				expect(before.table.get(session.pid)?.ppid, client.label).toBe(sshd.pid);
				expect(session.listenerPid, client.label).toBe(sshd.pid);
				expect(session.id, client.label).toMatch(new RegExp(String.raw`^${session.pid}:\d+$`, 'u'));
			}

			const ours = document.sessions.filter(session => session.listenerPid === sshd.pid);
			expect(ours.map(session => session.peer?.port).sort()).toEqual(
				connections()
					.map(client => client.localPort)
					.sort(),
			);
			const ids = document.sessions.map(session => session.id);
			expect(new Set(ids).size).toBe(ids.length);
		});

		it('assigns a connection to the listener that accepted it when there are several', () => {
			const session = sessionOf(onSecondListener);
			expect(session.listenerPid).toBe(secondSshd.pid);
			expect(session.pid).toBe(truthOf(onSecondListener, before, secondSshd).pid);
			expect(session.kind).toBe('command');
		});

		it('says who logged in and what kind of session it is', () => {
			const expected: ReadonlyArray<readonly [SshClient, JsonSession['kind']]> = [
				[rootShell, 'shell'],
				[userShell, 'shell'],
				[notty, 'command'],
				[forward, 'forward'],
				[sftp, 'sftp'],
				[pair.master, 'shell'],
				[outer, 'shell'],
				[nested, 'shell'],
			];
			for (const [client, kind] of expected) {
				const session = sessionOf(client);
				const truth = truthOf(client);
				expect({label: client.label, kind: session.kind, user: session.user, uid: session.uid}).toEqual({
					label: client.label,
					kind,
					user: truth.user,
					uid: truth.uid,
				});
			}

			expect(sessionOf(userShell).user).toBe(loginUser);
		});

		it('lists the terminals ps shows for the session processes: none without a pty, two for a ControlMaster pair', () => {
			for (const client of connections()) {
				expect([...sessionOf(client).ttys].sort(), client.label).toEqual(truthOf(client).ttys);
			}

			expect(sessionOf(pair.master).ttys).toHaveLength(2);
			expect(sessionOf(notty).ttys).toEqual([]);
			expect(sessionOf(sftp).ttys).toEqual([]);
			expect(sessionOf(forward).ttys).toEqual([]);
		});

		it('gives the two ends of the TCP connection as peer and local', () => {
			for (const client of connections()) {
				const session = sessionOf(client);
				expect(session.peer).toEqual({address: '127.0.0.1', port: client.localPort});
				expect(session.local).toEqual({address: '127.0.0.1', port: sshd.port});
			}
		});

		it('has as process tree the session pid and its descendants per ps, with the resident memory ps reports', async () => {
			const resident = await residentKib(
				connections().flatMap(client => flatten(sessionOf(client).processes).map(node => node.pid)),
			);
			for (const client of connections()) {
				const session = sessionOf(client);
				const listed = flatten(session.processes);
				expect(session.processes.pid).toBe(session.pid);
				const membersBefore = new Set(truthOf(client, before).members.map(row => row.pid));
				const membersAfter = new Set(truthOf(client, after).members.map(row => row.pid));
				const stable = [...membersBefore].filter(pid => membersAfter.has(pid)).sort();
				const listedPids = listed.map(node => node.pid);
				expect(new Set(listedPids).size, client.label).toBe(listedPids.length);
				// Processes that came or went during the run may be in either state.
				expect(listedPids.filter(pid => membersBefore.has(pid) && membersAfter.has(pid)).sort(), client.label).toEqual(
					stable,
				);
				expect(
					listedPids.filter(pid => !membersBefore.has(pid) && !membersAfter.has(pid)),
					client.label,
				).toEqual([]);

				for (const node of listed) {
					for (const child of node.children) {
						expect(child.ppid).toBe(node.pid);
					}

					const row = before.table.get(node.pid);
					if (row !== undefined && membersAfter.has(node.pid)) {
						expect(node.user, `${client.label}: user of ${node.pid}`).toBe(row.user);
					}

					// Lstart has whole seconds: the true start lies in [lstart, lstart + 1 s).
					if (row !== undefined && membersAfter.has(node.pid)) {
						const startedAt = Date.parse(node.startedAt);
						expect(startedAt, `${client.label}: start of ${node.pid}`).toBeGreaterThanOrEqual(row.startedAt);
						expect(startedAt, `${client.label}: start of ${node.pid}`).toBeLessThan(row.startedAt + 1000);
					}

					// The kernel's resident-set counter, which ps reads too, in bytes; an idle process's
					// barely moves between sshtop's read and this one.
					const kib = resident.get(node.pid);
					if (kib !== undefined && membersAfter.has(node.pid)) {
						expect(node.rssBytes, `${client.label}: rss of ${node.pid}`).toBeGreaterThan(0);
						expect(
							Math.abs(node.rssBytes - kib * 1024),
							`${client.label}: rss of ${node.pid} against ps's ${kib} KiB`,
						).toBeLessThanOrEqual(Math.max(512 * 1024, (kib * 1024) / 10));
					}
				}
			}

			const nottyCommands = flatten(sessionOf(notty).processes).map(node => node.command);
			expect(nottyCommands).toContain('sleep 60003');
		});

		it('shows the command running in the foreground of the pty as the session foreground', () => {
			const sleep = truthOf(userShell).members.find(row => row.args === 'sleep 60002')!;
			const shell = before.table.get(sleep.ppid)!;
			// Ground truth first: the shell gave the terminal to sleep's process group.
			expect(shell.foregroundProcessGroup).toBe(sleep.processGroup);
			const {foreground} = sessionOf(userShell);
			expect(foreground?.pid).toBe(sleep.pid);
			expect(foreground?.command).toContain('sleep 60002');
		});

		it.skipIf(!isRoot)('reports an unprivileged login by its [priv] monitor, not by the user-side sshd', () => {
			const session = sessionOf(userShell);
			const monitor = before.table.get(session.pid)!;
			expect(monitor.user).toBe('root');
			expect(monitor.args).toContain('[priv]');
			expect(session.user).not.toBe('root');
			expect(
				document.sessions.filter(each => truthOf(userShell).members.some(row => row.pid === each.pid)),
			).toHaveLength(1);
		});

		it('dates the login at the start of the top sshd, while the test was connecting', () => {
			for (const client of connections()) {
				const session = sessionOf(client);
				const loginAt = Date.parse(session.loginAt);
				// Lstart has whole seconds: the true start lies in [startedAt, startedAt + 1 s).
				expect(loginAt, client.label).toBeGreaterThanOrEqual(truthOf(client).startedAt);
				expect(loginAt, client.label).toBeLessThan(truthOf(client).startedAt + 1000);
				// The test's own clock: the connection was opened between these two instants. Start
				// times count whole ticks from the boot time in whole seconds (/proc/stat btime), so
				// they may read up to 1 s and a tick early, never late.
				expect(loginAt, client.label).toBeGreaterThan(connectingAt - 1010);
				expect(loginAt, client.label).toBeLessThanOrEqual(connectedAt);
			}
		});

		it("counts idle time from the terminal's last access, as w does, or without one from the newest command's start", () => {
			const takenAt = Date.parse(document.takenAt);
			for (const client of connections()) {
				const session = sessionOf(client);
				const truth = truthOf(client);
				expect(session.idleSource, client.label).toBe(session.ttys.length > 0 ? 'tty' : 'channels');
				let bounds: readonly [number, number];
				if (session.ttys.length > 0) {
					// The newest access of the session's terminals, stat'ed just before and just after the run.
					const newest = (times: ReadonlyMap<string, number>) =>
						Math.max(...session.ttys.map(tty => times.get(tty) ?? Number.NaN));
					bounds = [wholeSeconds(newest(ttyAccessAfter), takenAt), wholeSeconds(newest(ttyAccessBefore), takenAt)];
				} else {
					// Nothing typed into these: idle since the newest of the login and the commands under
					// the sshds that hold the connection started (one-shot, so no I/O is compared).
					// Lstart has whole seconds: the newest true start lies in [newest lstart, + 1 s).
					const newestMember = Math.max(...truth.members.map(row => row.startedAt));
					const commands = truth.members.filter(row => !truth.socketHolderPids.includes(row.pid));
					const newestCommand = Math.max(truth.startedAt, ...commands.map(row => row.startedAt));
					bounds = [wholeSeconds(newestMember + 1000, takenAt), wholeSeconds(newestCommand, takenAt)];
				}

				expect(session.idleSeconds, `${client.label}: idle within [${bounds.join(', ')}]`).toBeGreaterThanOrEqual(
					bounds[0],
				);
				expect(session.idleSeconds, `${client.label}: idle within [${bounds.join(', ')}]`).toBeLessThanOrEqual(
					bounds[1],
				);
				// Never idle for longer than the connection has existed.
				expect(session.idleSeconds!, client.label).toBeLessThanOrEqual(wholeSeconds(truth.startedAt, takenAt));
			}
		});

		it('marks the nested session as inside the session its client runs in, and no other', () => {
			// Ground truth: the nested connection's ssh client is a descendant of the outer session.
			expect(before.table.ancestorsOf(nested.pid).map(row => row.pid)).toContain(outer.sessionPid);
			const outerSession = sessionOf(outer);
			expect(sessionOf(nested).nestedIn).toBe(outerSession.id);
			const ourIds = new Set(connections().map(client => sessionOf(client).id));
			for (const client of connections().filter(each => each !== nested)) {
				const {nestedIn} = sessionOf(client);
				// The test runner itself may run inside some SSH session, but never inside ours.
				expect(nestedIn === null || !ourIds.has(nestedIn), client.label).toBe(true);
			}
		});

		it('does not claim any of these sessions as its own', () => {
			for (const client of connections()) {
				expect(sessionOf(client).isOwn, client.label).toBe(false);
			}
		});
	},
);

describe.skipIf(withoutPtys !== undefined)(
	`sshtop --json while processes and connections vanish${withoutPtys ? ` (skipped: ${withoutPtys})` : ''}`,
	() => {
		let sshd: TestSshd;
		let churn: SshClient | undefined;

		beforeAll(async () => {
			const building = ensureBuilt();
			sshd = await startTestSshd();
			// Hundreds of short-lived processes a second: some vanish between listing /proc and reading them.
			churn = await connectCommand(sshd, "sh -c 'while :; do /bin/true; done'", {
				runningArgs: 'sh -c while :; do /bin/true; done',
				label: 'process churn',
			});
			await building;
		}, 90_000);

		afterAll(async () => {
			await churn?.stop();
			await sshd?.stop();
		});

		it('still prints valid JSON and exits 0 when clients disconnect during the run', async () => {
			for (let round = 0; round < 3; round++) {
				const leaving = await Promise.all([
					connectCommand(sshd, `sleep ${60_020 + round}`),
					connectShell(sshd, {label: `leaving shell ${round}`}),
				]);
				const running = runSshtop();
				// Best effort: the disconnect lands somewhere inside sshtop's read, not at a fixed point.

				await Promise.all(leaving.map(async client => client.stop()));

				const finished = await running;
				expect(finished.exitCode, finished.stderr).toBe(0);
				const document = parseDocument(finished);
				expect(document.schemaVersion).toBe(1);
				for (const session of document.sessions) {
					expect(session.processes.pid).toBe(session.pid);
					for (const node of flatten(session.processes)) {
						for (const child of node.children) {
							expect(child.ppid).toBe(node.pid);
						}
					}
				}

				const churnPort = churn!.localPort;
				const churnSessions = document.sessions.filter(session => session.peer?.port === churnPort);
				expect(churnSessions).toHaveLength(1);
			}
		}, 60_000);
	},
);
