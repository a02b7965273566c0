// `sshtop reap` as built (dist/sshtop.js) against two real sessions of the private test sshd:
// the dry run sends nothing, --yes ends them. Ground truth from ps and ss. The broader
// scenarios live in test/e2e/reap.test.ts.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectCommand, type SshClient} from '../e2e/harness/clients.js';
import {readPs, readSs} from '../e2e/harness/ground-truth.js';
import {startTestSshd, type TestSshd} from '../e2e/harness/sshd.js';
import {ensureBuilt, runSshtop} from '../e2e/harness/sshtop.js';
import {waitUntil} from '../e2e/harness/wait-for.js';

type ReapJson = {
	readonly schemaVersion: number;
	readonly mode: string;
	readonly targets: ReadonlyArray<{
		readonly pid: number;
		readonly user: string;
		readonly peer: {readonly address: string; readonly port: number} | null;
		readonly signal: string;
		readonly targetPid: number;
		readonly result?: string;
		readonly survivors?: ReadonlyArray<{readonly pid: number; readonly result: string}>;
	}>;
	readonly excluded: readonly unknown[];
};

type AuditLine = {
	readonly action: string;
	readonly signal: {readonly name: string};
	readonly targets: ReadonlyArray<{readonly pid: number; readonly result: string}>;
};

let sshd: TestSshd;
const clients: SshClient[] = [];
let user: string;
let scope: string[];
let auditDirectory: string;
/** Every process of both sessions (the sshds and the sleeps), per ps, before reap. */
let sessionProcesses: number[];

beforeAll(async () => {
	await ensureBuilt();
	sshd = await startTestSshd();
	user = sshd.unprivilegedUser ?? sshd.defaultUser;
	clients.push(await connectCommand(sshd, 'sleep 3601', {user}), await connectCommand(sshd, 'sleep 3602', {user}));
	// --user alone would also reap this account's sessions of other test servers: the filter
	// narrows it to exactly these two connections.
	scope = ['--user', user, '--filter', `from:${clients.map(client => `127.0.0.1:${client.localPort}`).join(',')}`];
	const ps = await readPs();
	sessionProcesses = clients.flatMap(client => [
		client.sessionPid,
		...ps.descendantsOf(client.sessionPid).map(row => row.pid),
	]);
	auditDirectory = mkdtempSync(path.join(tmpdir(), 'sshtop-reap-audit-'));
});

afterAll(async () => {
	for (const client of clients) {
		await client.stop();
	}

	await sshd?.stop();
	if (auditDirectory !== undefined) {
		rmSync(auditDirectory, {recursive: true, force: true});
	}
});

function sessionPids(): number[] {
	return clients.map(client => client.sessionPid).sort((a, b) => a - b);
}

async function connectionsOpen(): Promise<number> {
	const ports = new Set(clients.map(client => client.localPort));
	const sockets = await readSs();
	return sockets.filter(
		socket => socket.local.port === sshd.port && ports.has(socket.peer.port) && socket.state === 'ESTAB',
	).length;
}

describe('sshtop reap against two real sessions', () => {
	it('dry run (the default): lists both sessions, sends nothing, exits 0', async () => {
		const text = await runSshtop(['reap', ...scope]);
		expect(text.exitCode, text.stderr).toBe(0);
		for (const client of clients) {
			expect(text.stdout).toMatch(
				new RegExp(
					String.raw`^would reap session ${client.sessionPid} ${user} from 127\.0\.0\.1:${client.localPort} idle \S+ health ok: SIGTERM to pid ${client.sessionPid}$`,
					'mu',
				),
			);
		}

		const json = await runSshtop(['reap', ...scope, '--json']);
		expect(json.exitCode, json.stderr).toBe(0);
		const document = JSON.parse(json.stdout) as ReapJson;
		expect(document).toMatchObject({schemaVersion: 1, mode: 'dry-run', excluded: []});
		expect(document.targets.map(target => target.pid).sort((a, b) => a - b)).toEqual(sessionPids());
		for (const target of document.targets) {
			expect(target).toMatchObject({user, signal: 'SIGTERM', targetPid: target.pid, peer: {address: '127.0.0.1'}});
			expect(target).not.toHaveProperty('result');
		}

		const ps = await readPs();
		expect(sessionProcesses.filter(pid => ps.get(pid) === undefined)).toEqual([]);
		expect(await connectionsOpen()).toBe(2);
	});

	it('--yes ends both sessions, kills what outlived the grace period, and writes the audit log', async () => {
		const auditLog = path.join(auditDirectory, 'actions.log');
		const run = await runSshtop([
			'reap',
			...scope,
			'--yes',
			'--grace',
			'2s',
			'--no-syslog',
			'--audit-log',
			auditLog,
			'--json',
		]);
		expect(run.exitCode, run.stderr).toBe(0);
		const document = JSON.parse(run.stdout) as ReapJson;
		expect(document.mode).toBe('executed');
		expect(
			document.targets.map(target => [target.pid, target.result]).sort(([a], [b]) => Number(a) - Number(b)),
		).toEqual(sessionPids().map(pid => [pid, 'sent']));

		await waitUntil(async () => (await connectionsOpen()) === 0, {description: 'both connections closed per ss'});
		await waitUntil(
			async () => {
				const ps = await readPs();
				return sessionProcesses.every(pid => ps.get(pid) === undefined);
			},
			{description: 'every process of both sessions gone per ps'},
		);

		const lines = readFileSync(auditLog, 'utf8')
			.trim()
			.split('\n')
			.map(line => JSON.parse(line) as AuditLine);
		// One line per session, as an End session in the explorer writes.
		const reap = lines.filter(line => line.action === 'reap');
		expect(reap.map(line => line.signal.name)).toEqual(['SIGTERM', 'SIGTERM']);
		expect(reap.map(line => line.targets.map(target => `${target.pid} ${target.result}`).join(', ')).sort()).toEqual(
			sessionPids()
				.map(pid => `${pid} sent`)
				.sort(),
		);

		const survivors = document.targets.flatMap(target => target.survivors ?? []);
		const killed = lines.filter(line => line.action === 'kill-survivors').flatMap(line => line.targets);
		expect(killed.map(target => target.pid).sort()).toEqual(survivors.map(survivor => survivor.pid).sort());
		expect(lines.filter(line => line.action === 'kill-survivors').every(line => line.signal.name === 'SIGKILL')).toBe(
			true,
		);
	});
});
