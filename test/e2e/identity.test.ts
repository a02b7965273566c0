// Who is behind each session, from sshd's own log: a private sshd writes its log with -E at
// LogLevel VERBOSE; root logs in with one key, the test account with another (its own
// authorized_keys file, by a Match block) and with a certificate signed by a private CA. Ground
// truth for fingerprints comes from ssh-keygen -lf.
import {appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectShell, type SshClient} from './harness/clients.js';
import {isRoot, startTestSshd, unprivilegedTestUser, type TestSshd} from './harness/sshd.js';
import {ensureBuilt, runSshtop, testRunDirectory} from './harness/sshtop.js';
import {waitFor} from './harness/wait-for.js';

type JsonAuth = {
	readonly method: string | null;
	readonly keyType: string | null;
	readonly fingerprint: string | null;
	readonly keyComment: string | null;
	readonly keySource: {readonly file: string; readonly line: number} | null;
	readonly certificate: {readonly id: string; readonly serial: string; readonly caFingerprint: string} | null;
};

type JsonSession = {
	readonly pid: number;
	readonly user: string;
	readonly peer: {port: number} | null;
	readonly auth: JsonAuth;
};

/** The SHA256 fingerprint ssh-keygen prints for a public key file. */
async function fingerprintOf(publicKey: string): Promise<string> {
	const {stdout} = await execa('ssh-keygen', ['-lf', publicKey]);
	return stdout.split(' ')[1]!;
}

const hostileComment = 'bob\u001B[31m@\u202Elaptop';

describe.skipIf(!isRoot)('identity from sshd’s log', () => {
	let directory: string;
	let sshd: TestSshd;
	const clients: SshClient[] = [];
	let rootShell: SshClient;
	let bobShell: SshClient;
	let certificateShell: SshClient;
	let bobKeys: string;

	beforeAll(async () => {
		await ensureBuilt();
		directory = mkdtempSync(path.join(testRunDirectory(), 'sshtop-identity-'));
		chmodSync(directory, 0o755);
		const key = async (name: string, comment: string) =>
			execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path.join(directory, name)]);
		await key('bob', 'bob@laptop');
		await key('robot', 'robot@ci');
		await key('ca', 'test-ca');
		await execa('ssh-keygen', [
			'-q',
			'-s',
			path.join(directory, 'ca'),
			'-I',
			'deploy-bot-7',
			'-n',
			unprivilegedTestUser,
			'-z',
			'42',
			path.join(directory, 'robot.pub'),
		]);
		// The test account's own authorized_keys: a comment line, then bob's key with a hostile comment.
		bobKeys = path.join(directory, 'bob_authorized_keys');
		const [type, blob] = readFileSync(path.join(directory, 'bob.pub'), 'utf8').split(' ');
		writeFileSync(bobKeys, `# keys of the test account\n${type} ${blob} ${hostileComment}\n`);
		chmodSync(bobKeys, 0o644);
		sshd = await startTestSshd({
			logToFile: true,
			logLevel: 'VERBOSE',
			extraConfig: [
				`TrustedUserCAKeys ${path.join(directory, 'ca.pub')}`,
				`Match User ${unprivilegedTestUser}`,
				`AuthorizedKeysFile ${bobKeys}`,
			],
		});
		rootShell = await connectShell(sshd, {label: 'root with the client key'});
		clients.push(rootShell);
		bobShell = await connectShell(sshd, {
			label: 'bob',
			user: unprivilegedTestUser,
			sshOptions: ['-i', path.join(directory, 'bob')],
		});
		clients.push(bobShell);
		certificateShell = await connectShell(sshd, {
			label: 'robot with a certificate',
			user: unprivilegedTestUser,
			sshOptions: [
				'-i',
				path.join(directory, 'robot'),
				'-o',
				`CertificateFile=${path.join(directory, 'robot-cert.pub')}`,
			],
		});
		clients.push(certificateShell);
	}, 90_000);

	afterAll(async () => {
		await Promise.all(clients.map(async client => client.stop()));
		await sshd?.stop();
		if (directory !== undefined) rmSync(directory, {recursive: true, force: true});
	}, 60_000);

	async function sessionsFor(args: readonly string[]): Promise<JsonSession[]> {
		const run = await runSshtop(['--json', '--auth-log', sshd.logPath!, ...args]);
		expect(run.exitCode, run.stderr).toBe(0);
		const {sessions} = JSON.parse(run.stdout) as {sessions: JsonSession[]};
		return sessions.filter(session => clients.some(client => client.localPort === session.peer?.port));
	}

	const sessionOf = (sessions: readonly JsonSession[], client: SshClient) =>
		sessions.find(session => session.peer?.port === client.localPort);

	it('gives each session its own key: fingerprint, authorized_keys file and line, and that line’s comment', async () => {
		const sessions = await waitFor(
			async () => {
				const found = await sessionsFor([]);
				return found.length === 3 && found.every(session => session.auth.method !== null) && found;
			},
			{description: `three sessions with their auth (sshd log: ${sshd.log().slice(-800)})`},
		);
		expect(sessionOf(sessions, rootShell)!.auth).toEqual({
			method: 'publickey',
			keyType: 'ED25519',
			fingerprint: await fingerprintOf(`${sshd.clientKeyPath}.pub`),
			keyComment: 'sshtop-test-client',
			keySource: {file: path.join(sshd.directory, 'authorized_keys'), line: 1},
			certificate: null,
		});
		expect(sessionOf(sessions, bobShell)!.auth).toEqual({
			method: 'publickey',
			keyType: 'ED25519',
			fingerprint: await fingerprintOf(path.join(directory, 'bob.pub')),
			keyComment: hostileComment,
			keySource: {file: bobKeys, line: 2},
			certificate: null,
		});
	});

	it('gives a certificate login the certificate’s key ID, serial and CA', async () => {
		const session = sessionOf(await sessionsFor([]), certificateShell)!;
		expect(session.auth).toEqual({
			method: 'publickey',
			keyType: 'ED25519',
			fingerprint: await fingerprintOf(path.join(directory, 'robot.pub')),
			keyComment: null,
			keySource: null,
			certificate: {
				id: 'deploy-bot-7',
				serial: '42',
				caFingerprint: await fingerprintOf(path.join(directory, 'ca.pub')),
			},
		});
	});

	it('filters with key: and auth:, in --json and in reap’s dry run', async () => {
		expect((await sessionsFor(['--filter', 'key:bob'])).map(session => session.pid)).toEqual([bobShell.sessionPid]);
		expect((await sessionsFor(['--filter', 'key:deploy-bot'])).map(session => session.pid)).toEqual([
			certificateShell.sessionPid,
		]);
		expect((await sessionsFor(['--filter', 'auth:cert'])).map(session => session.pid)).toEqual([
			certificateShell.sessionPid,
		]);
		const dryRun = await runSshtop([
			'reap',
			'--filter',
			'key:sshtop-test-client',
			'--auth-log',
			sshd.logPath!,
			'--json',
		]);
		const plan = JSON.parse(dryRun.stdout) as {mode: string; targets: Array<{pid: number}>};
		expect(plan.mode).toBe('dry-run');
		expect(plan.targets.map(target => target.pid)).toEqual([rootShell.sessionPid]);
	});

	it('shows the person in a WHO column, with the hostile comment’s controls as placeholders', async () => {
		const run = await runSshtop(['--auth-log', sshd.logPath!, '--filter', `user:${unprivilegedTestUser}`]);
		expect(run.exitCode).toBe(0);
		expect(run.stdout).toMatch(/\bWHO\b/u);
		// The column is at most 18 cells wide: the rest of the comment is cut with an ellipsis.
		expect(run.stdout).toContain('bob^[[31m@<U+202E');
		expect(run.stdout).toContain('deploy-bot-7');
		expect(run.stdout).not.toMatch(/[\u001B\u202E]/u);
	});

	it('reads a 200 MB log from its end only, and nothing on a refresh with nothing new', async () => {
		const {createAuthLogReader} = await import('../../source/proc/read-auth-log.js');
		// 200 MB of other programs' lines, then the real log: the sessions' lines are at the end.
		const big = path.join(directory, 'big.log');
		const filler = `${'Dec  7 10:00:00 bastion CRON[1]: (root) CMD (true)\n'.repeat(20_000)}`;
		for (let written = 0; written < 200e6; written += filler.length) appendFileSync(big, filler);
		appendFileSync(big, readFileSync(sshd.logPath!));
		const reader = createAuthLogReader(big);
		const sessions = [rootShell, bobShell, certificateShell].map(client => ({
			pid: client.sessionPid,
			peer: {address: '127.0.0.1', port: client.localPort},
		}));
		reader.refresh(ledger => sessions.every(session => ledger.authOf(session) !== undefined));
		expect(sessions.every(session => reader.ledger().authOf(session) !== undefined)).toBe(true);
		// The first window (1 MiB) held every session's login.
		expect(reader.bytesRead()).toBeLessThanOrEqual(1 << 20);
		const afterFirst = reader.bytesRead();
		reader.refresh(() => false);
		expect(reader.bytesRead()).toBe(afterFirst);
		rmSync(big);
	}, 60_000);

	it('reads nothing from the log on a refresh when nothing new was logged, and only the new lines after', async () => {
		const {createAuthLogReader} = await import('../../source/proc/read-auth-log.js');
		const reader = createAuthLogReader(sshd.logPath!);
		reader.refresh(() => true);
		const first = reader.bytesRead();
		expect(first).toBeGreaterThan(0);
		reader.refresh(() => true);
		expect(reader.bytesRead()).toBe(first);
		appendFileSync(sshd.logPath!, 'Server listening on 127.0.0.1 port 1.\n');
		reader.refresh(() => true);
		expect(reader.bytesRead() - first).toBe('Server listening on 127.0.0.1 port 1.\n'.length);
	});
});
