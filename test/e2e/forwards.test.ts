// What a session forwards, from its sshd's sockets: a remote forward (ssh -R) listening on the
// server, a local forward (ssh -L) with a connection through it, and a forwarded agent (ssh -A,
// from an ssh-agent the test starts).
// Ground truth from ss: the listening TCP and Unix sockets and the connections the user-side
// sshd holds.
import {spawn} from 'node:child_process';
import {createConnection, createServer, type Server, type Socket} from 'node:net';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectShell, type SshClient} from './harness/clients.js';
import {readSs} from './harness/ground-truth.js';
import {endProcesses, ownProcess, registerExitCleanup, type OwnedProcess} from './harness/processes.js';
import {freePort, isRoot, startTestSshd, type TestSshd} from './harness/sshd.js';
import {ensureBuilt, runSshtop, testRunDirectory} from './harness/sshtop.js';
import {waitFor} from './harness/wait-for.js';

type JsonForward = {
	readonly kind: string;
	readonly listen: {readonly address: string; readonly port: number} | null;
	readonly path: string | null;
	readonly connections: number;
};
type JsonSession = {readonly pid: number; readonly userSidePid: number | null; readonly forwards: JsonForward[]};

/** The sshd that holds a session's forwards: its user side, or for root (no privilege separation) the session's own. */
const holderOf = (session: JsonSession) => session.userSidePid ?? session.pid;

describe.skipIf(!isRoot)('forwards', () => {
	let directory: string;
	let sshd: TestSshd;
	let target: Server;
	let targetPort: number;
	let agent: OwnedProcess | undefined;
	const clients: SshClient[] = [];
	const sockets: Socket[] = [];
	let remote: SshClient;
	let local: SshClient;
	let forwardedAgent: SshClient;
	let remotePort: number;
	let localPort: number;

	beforeAll(async () => {
		await ensureBuilt();
		directory = mkdtempSync(path.join(testRunDirectory(), 'sshtop-forwards-'));
		registerExitCleanup({processes: () => (agent === undefined ? [] : [agent]), directories: [directory]});
		// Where the local forward leads: a server of the test's own that keeps what connects.
		target = createServer(socket => {
			sockets.push(socket);
		});
		await new Promise<void>(resolve => {
			target.listen(0, '127.0.0.1', resolve);
		});
		targetPort = (target.address() as {port: number}).port;
		const agentSocket = path.join(directory, 'agent.sock');
		const child = spawn('ssh-agent', ['-D', '-a', agentSocket], {stdio: 'ignore'});
		agent = ownProcess(child.pid!);
		await waitFor(() => existsSync(agentSocket), {description: 'ssh-agent to listen'});
		sshd = await startTestSshd();
		remotePort = await freePort();
		localPort = await freePort();
		remote = await connectShell(sshd, {
			label: 'remote forward',
			sshOptions: ['-R', `127.0.0.1:${remotePort}:127.0.0.1:${targetPort}`],
		});
		clients.push(remote);
		local = await connectShell(sshd, {
			label: 'local forward',
			sshOptions: ['-L', `127.0.0.1:${localPort}:127.0.0.1:${targetPort}`],
		});
		clients.push(local);
		forwardedAgent = await connectShell(sshd, {
			label: 'agent',
			sshOptions: ['-A', '-o', `IdentityAgent=${agentSocket}`],
		});
		clients.push(forwardedAgent);
		// A connection through the local forward: the server's sshd opens one to the target.
		sockets.push(createConnection({host: '127.0.0.1', port: localPort}));
		await waitFor(() => sockets.length >= 2, {description: 'the forwarded connection to reach the target'});
	}, 90_000);

	afterAll(async () => {
		for (const socket of sockets) socket.destroy();
		await Promise.all(clients.map(async client => client.stop()));
		await sshd?.stop();
		if (agent !== undefined) await endProcesses([agent]);
		await new Promise(resolve => {
			target?.close(resolve);
		});
		if (directory !== undefined) rmSync(directory, {recursive: true, force: true});
	}, 60_000);

	async function forwardsOf(client: SshClient): Promise<JsonSession> {
		const run = await runSshtop(['--json', '--filter', `pid:${client.sessionPid}`]);
		expect(run.exitCode, run.stderr).toBe(0);
		const {sessions} = JSON.parse(run.stdout) as {sessions: JsonSession[]};
		return sessions.find(session => session.pid === client.sessionPid)!;
	}

	it('lists a remote forward where ss shows the user-side sshd listening, with no connection yet', async () => {
		const session = await forwardsOf(remote);
		const listening = (await readSs()).find(socket => socket.state === 'LISTEN' && socket.local.port === remotePort);
		expect(listening?.owners.map(owner => owner.pid)).toContain(holderOf(session));
		expect(session.forwards).toEqual([
			{kind: 'remote', listen: {address: '127.0.0.1', port: remotePort}, path: null, connections: 0},
		]);
	});

	it('counts the connections a local forward opened, as ss shows them', async () => {
		const session = await forwardsOf(local);
		const opened = (await readSs()).filter(
			socket =>
				socket.state === 'ESTAB' &&
				socket.peer.port === targetPort &&
				socket.owners.some(owner => owner.pid === holderOf(session)),
		);
		expect(opened).toHaveLength(1);
		expect(session.forwards).toEqual([{kind: 'local', listen: null, path: null, connections: 1}]);
	});

	it('lists a forwarded agent at the socket the user-side sshd listens on', async () => {
		const session = await forwardsOf(forwardedAgent);
		const {stdout} = await execa('ss', ['-xlpH'], {env: {LC_ALL: 'C'}});
		const agentPath = stdout
			.split('\n')
			.filter(line => line.includes(`pid=${holderOf(session)},`))
			.map(line => /\s(\/\S*agent\.\d+)\s/u.exec(line)?.[1])
			.find(found => found !== undefined);
		expect(agentPath).toBeDefined();
		expect(session.forwards).toEqual([{kind: 'agent', listen: null, path: agentPath, connections: 0}]);
	});

	it('filters with fwd:, shows a marker in the tree, and nothing for sessions that forward nothing', async () => {
		const run = await runSshtop(['--json', '--filter', 'fwd:remote']);
		const pids = (JSON.parse(run.stdout) as {sessions: JsonSession[]}).sessions.map(session => session.pid);
		expect(pids).toContain(remote.sessionPid);
		expect(pids).not.toContain(local.sessionPid);
		const plain = await runSshtop(['--filter', `pid:${remote.sessionPid}`]);
		expect(plain.stdout).toContain(`[fwd R:${remotePort}]`);
	});
});
