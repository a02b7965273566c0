// `sshtop reap` against real sessions: a half-dead client, idle sessions of the unprivileged test
// account and root shells. Dry runs send nothing; `--yes` ends exactly the selected sessions and
// writes the audit log; bad arguments exit 2; the operator's own session is never a target.
//
// Safety: `reap --yes` acts on every session on this machine that matches. Each executing run
// here also selects by `--from` the address of a network namespace this file created, so no
// session of another test run (or a person) can ever match.
import {chmodSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectCommand, connectShell, typeLine, type SshClient} from './harness/clients.js';
import {readPs, readSs, serverSocketOf} from './harness/ground-truth.js';
import {createNetworkNamespace, networkNamespaceProblem, type NetworkNamespace} from './harness/netns.js';
import {isRunning, ownProcess, type OwnedProcess} from './harness/processes.js';
import {startHalfDeadSession, type UnhealthySession} from './harness/scenarios.js';
import {isRoot, startTestSshd, unprivilegedTestUser, type TestSshd} from './harness/sshd.js';
import {
	cliPath,
	ensureBuilt,
	nobody,
	readDocument,
	runSshtop,
	stackTraceLine,
	type ReapDocument,
	type SshtopRun,
} from './harness/sshtop.js';
import {waitFor, waitUntil} from './harness/wait-for.js';

const skipReason = isRoot
	? await networkNamespaceProblem()
	: "not root: reaping other users' sessions and network namespaces need root";

function parseReap(run: SshtopRun): ReapDocument {
	try {
		return JSON.parse(run.stdout) as ReapDocument;
	} catch (error: unknown) {
		throw new Error(
			`reap --json printed no JSON (exit ${run.exitCode}): ${String(error)}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`,
			{cause: error},
		);
	}
}

function endpoint(client: SshClient): string {
	return `${client.localAddress}:${client.localPort}`;
}

/** The signal as reap names it: TERM, SIGTERM or 15 are all TERM. */
function isSignal(value: unknown, name: string, number: number): boolean {
	return value === name || value === `SIG${name}` || value === number;
}

type AuditRecord = {readonly pid: number; readonly result: unknown; readonly signal: unknown; readonly line: string};

/**
 * Each line of the audit log, as records of (pid, result, signal): a line either names one
 * target (`pid`, `result`) or several (`targets: [{pid, result}]`), with the signal by name or
 * as `{name, number}`.
 */
function readAudit(file: string): {readonly lines: readonly string[]; readonly records: readonly AuditRecord[]} {
	let text = '';
	try {
		text = readFileSync(file, 'utf8');
	} catch {
		// Not written yet.
	}

	const lines = text.split('\n').filter(line => line.trim() !== '');
	const records: AuditRecord[] = [];
	for (const line of lines) {
		const entry = JSON.parse(line) as Record<string, unknown>;
		const signalField = entry['signal'];
		const signal =
			typeof signalField === 'object' && signalField !== null ? (signalField as {name?: unknown}).name : signalField;
		const targets = Array.isArray(entry['targets']) ? (entry['targets'] as Array<Record<string, unknown>>) : [entry];
		for (const target of targets) {
			records.push({pid: Number(target['pid']), result: target['result'], signal: target['signal'] ?? signal, line});
		}
	}

	return {lines, records};
}

describe.skipIf(skipReason !== undefined)(`sshtop reap${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
	let deadNamespace: NetworkNamespace;
	let namespace: NetworkNamespace;
	let sshd: TestSshd;
	let halfDead: UnhealthySession | undefined;
	/** Idle sessions of the unprivileged account, from `namespace`: the ones `--yes` ends. */
	let userIdle: SshClient;
	let userShell: SshClient;
	/** Root's sessions: one from the same namespace, one from 127.0.0.1. Never reaped. */
	let rootFromNamespace: SshClient;
	let rootShell: SshClient;
	let operator: SshClient | undefined;
	let auditDirectory: string;
	const userIdleSleep: {owned?: OwnedProcess} = {};

	beforeAll(async () => {
		const building = ensureBuilt();
		auditDirectory = mkdtempSync(path.join(tmpdir(), 'sshtop-reap-'));
		// Nobody writes its own audit log here in the not-permitted test.
		chmodSync(auditDirectory, 0o1777);
		deadNamespace = await createNetworkNamespace();
		namespace = await createNetworkNamespace();
		sshd = await startTestSshd({extraListenAddresses: [deadNamespace.hostAddress, namespace.hostAddress]});
		[userIdle, userShell, rootFromNamespace, rootShell] = await Promise.all([
			connectCommand(sshd, 'sleep 60401', {
				user: unprivilegedTestUser,
				from: namespace,
				label: `idle notty sleep of ${unprivilegedTestUser}`,
			}),
			connectShell(sshd, {user: unprivilegedTestUser, from: namespace, label: `idle shell of ${unprivilegedTestUser}`}),
			connectShell(sshd, {from: namespace, label: 'root shell from the namespace'}),
			connectShell(sshd, {label: 'root shell from 127.0.0.1'}),
		]);
		const table = await readPs();
		const sleep = table.descendantsOf(userIdle.sessionPid).find(row => row.args === 'sleep 60401');
		userIdleSleep.owned = sleep === undefined ? undefined : ownProcess(sleep.pid);
		halfDead = await startHalfDeadSession(sshd, deadNamespace);
		await building;
		// The scenario is only useful once sshtop itself sees the dead peer.
		await waitFor(
			async () => {
				const document = await readDocument();
				return document.sessions.find(session => session.pid === halfDead!.client.sessionPid)?.health === 'dead-peer';
			},
			{timeoutMs: 60_000, intervalMs: 500, description: 'sshtop --json to call the half-dead session dead-peer'},
		);
	}, 110_000);

	afterAll(async () => {
		await operator?.stop();
		await halfDead?.stop();
		await Promise.all([userIdle, userShell, rootFromNamespace, rootShell].map(async client => client?.stop()));
		await sshd?.stop();
		await deadNamespace?.remove();
		await namespace?.remove();
		rmSync(auditDirectory, {recursive: true, force: true});
	});

	const sessions = () => [halfDead!.client, userIdle, userShell, rootFromNamespace, rootShell];

	function allStillRunning(clients: readonly SshClient[]): void {
		for (const client of clients) {
			const session = ownProcess(client.sessionPid);
			expect(
				session !== undefined && isRunning(session),
				`${client.label}: session ${client.sessionPid} still running`,
			).toBe(true);
		}
	}

	it('dry run by default: lists exactly the half-dead session, one plan line with all it will do, and sends nothing', async () => {
		const run = await runSshtop(['reap', '--health', 'dead-peer']);
		expect(run.exitCode, run.stderr).toBe(0);
		const session = halfDead!.client;
		const lines = run.stdout.split('\n');
		const planLines = lines.filter(line => line.includes(endpoint(session)));
		expect(planLines, run.stdout).toHaveLength(1);
		const plan = planLines[0]!;
		expect(plan).toContain(String(session.sessionPid));
		expect(plan).toContain('root');
		expect(plan).toContain('dead-peer');
		expect(plan).toMatch(/\b(?:SIG)?TERM\b/u);
		for (const other of sessions().filter(each => each !== session)) {
			expect(run.stdout, other.label).not.toContain(endpoint(other));
			expect(
				lines.some(line => new RegExp(String.raw`\b${other.sessionPid}\b`, 'u').test(line)),
				other.label,
			).toBe(false);
		}

		// Nothing was sent: every session is still there, and the dead one still retransmits.
		allStillRunning(sessions());
		expect(isRunning(ownProcess(userIdle.pid)!)).toBe(true);
	});

	it('--json prints the same plan as a document: dry-run mode, targets without results', async () => {
		const plain = await runSshtop(['reap', '--health', 'dead-peer']);
		// The half-dead shell's terminal, whose last access is its idle time (its loop only writes).
		const tty = (await readPs()).descendantsOf(halfDead!.client.sessionPid).find(row => row.tty !== undefined)?.tty;
		expect(tty, "the half-dead shell's terminal per ps").toMatch(/^pts\/\d+$/u);
		const lastAccess = () => statSync(`/dev/${tty!}`).atimeMs;
		const accessBefore = lastAccess();
		const json = await runSshtop(['reap', '--health', 'dead-peer', '--json']);
		const accessAfter = lastAccess();
		expect(json.exitCode, json.stderr).toBe(0);
		const document = parseReap(json);
		expect(document.schemaVersion).toBe(1);
		expect(document.mode).toBe('dry-run');
		const ours = document.targets.filter(target => sessions().some(client => client.sessionPid === target.pid));
		expect(ours.map(target => target.pid)).toEqual([halfDead!.client.sessionPid]);
		const target = ours[0]!;
		expect(target.sessionId).toMatch(new RegExp(String.raw`^${target.pid}:\d+$`, 'u'));
		expect(target.user).toBe('root');
		expect(target.peer).toEqual({address: halfDead!.client.localAddress, port: halfDead!.client.localPort});
		expect(target.health).toBe('dead-peer');
		expect(isSignal(target.signal, 'TERM', 15), String(target.signal)).toBe(true);
		expect(target).not.toHaveProperty('result');
		// Idle since that access, in whole seconds at the plan's reading, taken while the run lasted.
		expect(target.idleSeconds).toBeGreaterThanOrEqual(Math.max(0, Math.floor((json.startedAt - accessAfter) / 1000)));
		expect(target.idleSeconds).toBeLessThanOrEqual(Math.floor((json.endedAt - accessBefore) / 1000));
		// Every session in the document is one line of the plain plan, and the other way round.
		for (const each of document.targets) {
			expect(
				plain.stdout.split('\n').filter(line => new RegExp(String.raw`\b${each.pid}\b`, 'u').test(line)),
				`plan line for ${each.pid}`,
			).toHaveLength(1);
		}

		for (const each of document.targets) {
			expect(each.health).toBe('dead-peer');
		}

		allStillRunning(sessions());
	});

	it('ANDs its selection criteria: --from ADDR:PORT, --from ADDR with --user, --idle, --health with --user', async () => {
		const ourTargets = async (args: readonly string[]) => {
			const run = await runSshtop(['reap', ...args, '--json']);
			expect(run.exitCode, `${args.join(' ')}: ${run.stderr}`).toBe(0);
			const document = parseReap(run);
			expect(document.mode).toBe('dry-run');
			return document.targets
				.map(target => target.pid)
				.filter(pid => sessions().some(client => client.sessionPid === pid))
				.sort();
		};

		const dead = halfDead!.client;
		expect(await ourTargets(['--from', endpoint(dead)])).toEqual([dead.sessionPid]);
		expect(await ourTargets(['--from', namespace.namespaceAddress])).toEqual(
			[userIdle.sessionPid, userShell.sessionPid, rootFromNamespace.sessionPid].sort(),
		);
		expect(await ourTargets(['--from', namespace.namespaceAddress, '--user', 'root'])).toEqual([
			rootFromNamespace.sessionPid,
		]);
		// The half-dead session is root's: no session is both dead-peer and the test account's.
		expect(await ourTargets(['--health', 'dead-peer', '--user', unprivilegedTestUser])).toEqual([]);
		// Every session here is minutes old at most.
		expect(await ourTargets(['--idle', '30m'])).toEqual([]);
		allStillRunning(sessions());
	});

	it('never lists a listener or PID 1, however wide the selection', async () => {
		const run = await runSshtop(['reap', '--idle', '0s', '--json']);
		expect(run.exitCode, run.stderr).toBe(0);
		const document = parseReap(run);
		expect(document.mode).toBe('dry-run');
		const listenerPids = (await readDocument()).listeners.map(listener => listener.pid);
		expect(listenerPids).toContain(sshd.pid);
		const targetPids = document.targets.map(target => target.pid);
		for (const pid of [...listenerPids, 1]) {
			expect(targetPids).not.toContain(pid);
		}

		// Idle 0 s matches every session with a known idle time: ours are there, by their top sshd.
		expect(targetPids).toEqual(expect.arrayContaining([rootShell.sessionPid, userShell.sessionPid]));
		allStillRunning(sessions());
	});

	it('refuses bad arguments with exit 2 and sends nothing', async () => {
		const cases: ReadonlyArray<readonly string[]> = [
			['reap', '--idle', 'abc'],
			['reap', '--bogus'],
			['reap'],
			['reap', '--yes'],
			['reap', '--health', 'sick'],
			['reap', '--health', 'dead-peer', '--dry-run', '--yes'],
		];
		for (const args of cases) {
			const run = await runSshtop(args);
			expect(run.exitCode, `${args.join(' ')}: ${run.stderr}`).toBe(2);
			expect(run.stderr.trim(), args.join(' ')).not.toBe('');
			expect(run.stderr, args.join(' ')).not.toMatch(stackTraceLine);
		}

		allStillRunning(sessions());
	});

	it("leaves the operator's own session out when run inside an SSH session", async () => {
		operator = await connectShell(sshd, {label: 'operator shell running reap'});
		const output = path.join(sshd.directory, 'reap-inside.json');
		typeLine(operator, `node ${cliPath} reap --user root --json > ${output} 2>&1; echo reap-exit-$((0+$?))`);
		await waitUntil(() => /reap-exit-\d+/u.test(operator!.output()), {
			timeoutMs: 30_000,
			description: 'reap inside the operator session to finish',
		});
		expect(operator.output()).toMatch(/reap-exit-0\b/u);
		const document = JSON.parse(readFileSync(output, 'utf8')) as ReapDocument;
		expect(document.mode).toBe('dry-run');
		const targetPids = document.targets.map(target => target.pid);
		// Ground truth: the reap process ran below the operator's session.
		expect(operator.sessionPid).toBeGreaterThan(0);
		expect(targetPids).not.toContain(operator.sessionPid);
		// Root's other sessions are selected, so the exclusion is about ownership, not the filter.
		expect(targetPids).toEqual(expect.arrayContaining([rootShell.sessionPid, rootFromNamespace.sessionPid]));
		expect(targetPids).not.toContain(userShell.sessionPid);
		allStillRunning([...sessions(), operator]);
	});

	it('reports targets it may not signal (run as nobody) as not-permitted, exits 1, and the sessions survive', async () => {
		// Nobody cannot read root's socket fds, so cannot select by --from; and it cannot signal
		// any of the test account's processes either, so this selection is safe machine-wide.
		const auditLog = path.join(auditDirectory, 'nobody.log');
		const run = await runSshtop(
			[
				'reap',
				'--user',
				unprivilegedTestUser,
				'--yes',
				'--grace',
				'1s',
				'--json',
				'--no-syslog',
				'--audit-log',
				auditLog,
			],
			{as: nobody},
		);
		expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(1);
		expect(run.stderr).not.toMatch(stackTraceLine);
		const document = parseReap(run);
		expect(document.mode).toBe('executed');
		const ours = document.targets.filter(target => sessions().some(client => client.sessionPid === target.pid));
		expect(ours.map(target => target.pid).sort()).toEqual([userIdle.sessionPid, userShell.sessionPid].sort());
		for (const target of document.targets) {
			expect(target.result, JSON.stringify(target)).toBe('not-permitted');
		}

		allStillRunning(sessions());
	});

	it("--yes ends exactly the selected user's sessions, KILLs what survives the grace, and audits each one as sent", async () => {
		const auditLog = path.join(auditDirectory, 'reap.log');
		const targets = [userIdle, userShell];
		const bystanders = sessions().filter(client => !targets.includes(client));
		const clientProcesses = targets.map(client => ownProcess(client.pid)!);
		const run = await runSshtop([
			'reap',
			'--user',
			unprivilegedTestUser,
			'--from',
			namespace.namespaceAddress,
			'--yes',
			'--grace',
			'2s',
			'--json',
			'--no-syslog',
			'--audit-log',
			auditLog,
		]);
		expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
		const document = parseReap(run);
		expect(document.mode).toBe('executed');
		expect(document.targets.map(target => target.pid).sort()).toEqual(targets.map(client => client.sessionPid).sort());
		for (const target of document.targets) {
			expect(target.result, JSON.stringify(target)).toBe('sent');
			expect(target.user).toBe(unprivilegedTestUser);
			expect(target.peer?.address).toBe(namespace.namespaceAddress);
		}

		// Ground truth: the connections are gone from ss, and the clients noticed and exited.
		await waitFor(
			async () => {
				const sockets = await readSs();
				return targets.every(
					client => serverSocketOf(sockets, sshd.port, client.localPort, client.localAddress) === undefined,
				);
			},
			{timeoutMs: 15_000, description: 'ss to show the reaped connections gone'},
		);
		await waitUntil(() => clientProcesses.every(owned => !isRunning(owned)), {
			timeoutMs: 15_000,
			description: "the reaped sessions' ssh clients to exit",
		});
		// The notty sleep would outlive its connection; the grace KILL ends it.
		if (userIdleSleep.owned !== undefined) {
			await waitUntil(() => !isRunning(userIdleSleep.owned!), {
				timeoutMs: 15_000,
				description: "the reaped notty session's sleep to be gone",
			});
		}

		const table = await readPs();
		for (const client of targets) {
			expect(table.get(client.sessionPid), client.label).toBeUndefined();
		}

		allStillRunning(bystanders);
		const sockets = await readSs();
		for (const client of bystanders.filter(each => each !== halfDead!.client)) {
			expect(serverSocketOf(sockets, sshd.port, client.localPort, client.localAddress), client.label).toBeDefined();
		}

		// The audit log: JSON lines, the TERM to each target's top sshd recorded once, as sent.
		const audit = readAudit(auditLog);
		expect(audit.lines.length).toBeGreaterThanOrEqual(targets.length);
		for (const client of targets) {
			const terms = audit.records.filter(
				record => record.pid === client.sessionPid && isSignal(record.signal, 'TERM', 15),
			);
			expect(terms, `${client.label}:\n${audit.lines.join('\n')}`).toHaveLength(1);
			expect(terms[0]!.result).toBe('sent');
		}

		const targetLines = new Set(
			audit.records
				.filter(record => targets.some(client => client.sessionPid === record.pid))
				.map(record => record.line),
		);
		// The contract: one JSON line per target, so each session's fate can be grepped on its own.
		expect(targetLines.size, `one audit line per target expected:\n${audit.lines.join('\n')}`).toBe(targets.length);
		// Nothing in the log touches a bystander.
		for (const client of bystanders) {
			expect(
				audit.records.some(record => record.pid === client.sessionPid),
				client.label,
			).toBe(false);
		}
	}, 60_000);
});
