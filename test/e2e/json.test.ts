// `sshtop --json` against real SSH connections to a private sshd, checked against ps and ss.
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
	readonly listeners: ReadonlyArray<{readonly pid: number; readonly command: string; readonly ports: readonly number[]}>;
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
	const result = await execa('node', [cliPath, '--json'], {cwd: projectRoot, reject: false, timeout: 30_000, stdin: 'ignore'});
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

describe.skipIf(withoutPtys !== undefined)(`sshtop --json with every kind of SSH connection open${withoutPtys ? ` (skipped: ${withoutPtys})` : ''}`, () => {
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
	let before: GroundTruth;
	let after: GroundTruth;
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
		typeLine(userShell, 'sleep 60002');
		await waitFor(async () => {
			const {table, sockets} = await readGroundTruth();
			const sleep = sessionTruth(sockets, table, sshd.pid, sshd.port, userShell.localPort)?.members.find(
				row => row.args === 'sleep 60002',
			);
			return sleep !== undefined && sleep.foregroundProcessGroup === sleep.processGroup;
		}, {description: 'sleep 60002 to be the foreground of the user shell'});
		await building;

		before = await readGroundTruth();
		run = await runSshtop();
		after = await readGroundTruth();
		document = parseDocument(run);
	}, 90_000);

	afterAll(async () => {
		await Promise.all([sshd?.stop(), secondSshd?.stop()]);
	});

	function truthOf(client: SshClient, truth: GroundTruth = before, server: TestSshd = sshd): SessionTruth {
		const found = sessionTruth(truth.sockets, truth.table, server.pid, server.port, client.localPort);
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
		expect(takenAt).toBeGreaterThanOrEqual(run.startedAt - 1000);
		expect(takenAt).toBeLessThanOrEqual(run.endedAt + 1000);
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
				expect([holder, ...before.table.ancestorsOf(holder).map(row => row.pid)], client.label).toContain(session.pid);
			}

			expect(before.table.get(session.pid)?.ppid, client.label).toBe(sshd.pid);
			expect(session.listenerPid, client.label).toBe(sshd.pid);
			expect(session.id, client.label).toMatch(new RegExp(`^${session.pid}:\\d+$`));
		}

		const ours = document.sessions.filter(session => session.listenerPid === sshd.pid);
		expect(ours.map(session => session.peer?.port).sort()).toEqual(connections().map(client => client.localPort).sort());
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

	it('has as process tree the session pid and its descendants per ps', () => {
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
			expect(listedPids.filter(pid => membersBefore.has(pid) && membersAfter.has(pid)).sort(), client.label).toEqual(stable);
			expect(listedPids.filter(pid => !membersBefore.has(pid) && !membersAfter.has(pid)), client.label).toEqual([]);

			for (const node of listed) {
				for (const child of node.children) {
					expect(child.ppid).toBe(node.pid);
				}

				const row = before.table.get(node.pid);
				if (row !== undefined && membersAfter.has(node.pid)) {
					expect(node.user, `${client.label}: user of ${node.pid}`).toBe(row.user);
				}

				expect(Number.isNaN(Date.parse(node.startedAt))).toBe(false);
				expect(node.rssBytes).toBeGreaterThanOrEqual(0);
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
		expect(document.sessions.filter(each => truthOf(userShell).members.some(row => row.pid === each.pid))).toHaveLength(1);
	});

	it('dates the login at the start of the top sshd; idle time comes from the tty, or from the channels without one', () => {
		for (const client of connections()) {
			const session = sessionOf(client);
			const loginAt = Date.parse(session.loginAt);
			// Lstart has whole seconds: the true start lies in [startedAt, startedAt + 1 s).
			expect(loginAt, client.label).toBeGreaterThanOrEqual(truthOf(client).startedAt);
			expect(loginAt, client.label).toBeLessThan(truthOf(client).startedAt + 1000);
			expect(session.idleSource, client.label).toBe(session.ttys.length > 0 ? 'tty' : 'channels');
			expect(typeof session.idleSeconds, client.label).toBe('number');
			expect(session.idleSeconds, client.label).toBeGreaterThanOrEqual(0);
			// Never idle for longer than the connection has existed.
			expect(session.idleSeconds!, client.label).toBeLessThanOrEqual(((Date.parse(document.takenAt) - truthOf(client).startedAt) / 1000) + 1);
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
});

describe.skipIf(withoutPtys !== undefined)(`sshtop --json while processes and connections vanish${withoutPtys ? ` (skipped: ${withoutPtys})` : ''}`, () => {
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
			// eslint-disable-next-line no-await-in-loop
			const leaving = await Promise.all([
				connectCommand(sshd, `sleep ${60_020 + round}`),
				connectShell(sshd, {label: `leaving shell ${round}`}),
			]);
			const running = runSshtop();
			// Best effort: the disconnect lands somewhere inside sshtop's read, not at a fixed point.
			// eslint-disable-next-line no-await-in-loop
			await Promise.all(leaving.map(async client => client.stop()));
			// eslint-disable-next-line no-await-in-loop
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

			const churnSessions = document.sessions.filter(session => session.peer?.port === churn!.localPort);
			expect(churnSessions).toHaveLength(1);
		}
	}, 60_000);
});
