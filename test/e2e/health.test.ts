// Connection health and idle time in `sshtop --json`, against connections made
// unhealthy on purpose and checked with ss: a client that vanished without FIN or RST, a client
// that stopped reading, a quiet but healthy shell, and a notty command.
import {statSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectCommand, connectShell, type SshClient} from './harness/clients.js';
import {createNetworkNamespace, networkNamespaceProblem, type NetworkNamespace} from './harness/netns.js';
import {
	serverSocketNow,
	startHalfDeadSession,
	startStalledSession,
	type UnhealthySession,
} from './harness/scenarios.js';
import {isRoot, startTestSshd, type TestSshd} from './harness/sshd.js';
import {ensureBuilt, readDocument, type JsonDocument, type JsonSession} from './harness/sshtop.js';
import {waitFor} from './harness/wait-for.js';

const skipReason = isRoot
	? await networkNamespaceProblem()
	: "not root: other users' sockets and network namespaces need root";

function sessionFor(document: JsonDocument, client: SshClient): JsonSession | undefined {
	const matches = document.sessions.filter(
		session =>
			session.pid === client.sessionPid &&
			session.peer?.address === client.localAddress &&
			session.peer.port === client.localPort,
	);
	if (matches.length > 1) {
		throw new Error(`${matches.length} sessions for ${client.label}`);
	}

	return matches[0];
}

function describeSession(session: JsonSession | undefined): string {
	return session === undefined
		? 'not listed'
		: JSON.stringify({health: session.health, evidence: session.healthEvidence, tcp: session.tcp});
}

describe.skipIf(skipReason !== undefined)(`connection health${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
	let namespace: NetworkNamespace;
	let slowReaderNamespace: NetworkNamespace;
	let sshd: TestSshd;
	let quiet: SshClient;
	let notty: SshClient;
	let halfDead: UnhealthySession | undefined;
	let stalled: UnhealthySession | undefined;
	/** Every health sshtop gave the quiet shell, with when it was read. */
	const quietSamples: Array<{readonly at: number; readonly health: string; readonly evidence: readonly string[]}> = [];

	/** Reads sshtop --json and records what it says about the quiet shell on the way. */
	async function snapshot(): Promise<JsonDocument> {
		const document = await readDocument();
		const session = sessionFor(document, quiet);
		quietSamples.push({
			at: Date.now(),
			health: session?.health ?? 'not listed',
			evidence: session?.healthEvidence ?? [],
		});
		return document;
	}

	beforeAll(async () => {
		const building = ensureBuilt();
		namespace = await createNetworkNamespace();
		slowReaderNamespace = await createNetworkNamespace({tcpReceiveBufferMaxBytes: 65_536});
		sshd = await startTestSshd({extraListenAddresses: [namespace.hostAddress, slowReaderNamespace.hostAddress]});
		[quiet, notty] = await Promise.all([
			connectShell(sshd, {label: 'quiet shell'}),
			connectCommand(sshd, 'sleep 60201', {label: 'notty sleep'}),
		]);
		await building;
	}, 90_000);

	afterAll(async () => {
		await halfDead?.stop();
		await stalled?.stop();
		await sshd?.stop();
		await namespace?.remove();
		await slowReaderNamespace?.remove();
	});

	it('calls a client that vanished without FIN or RST a dead peer, with the retransmits ss shows', async () => {
		halfDead = await startHalfDeadSession(sshd, namespace);
		let last: JsonSession | undefined;
		const found = await waitFor(
			async () => {
				const before = await serverSocketNow(sshd, halfDead!.client);
				const document = await snapshot();
				const after = await serverSocketNow(sshd, halfDead!.client);
				last = sessionFor(document, halfDead!.client);
				return last?.health === 'dead-peer' ? {session: last, before, after} : undefined;
			},
			{timeoutMs: 60_000, intervalMs: 500, description: 'the half-dead session to be called dead-peer'},
		).catch((error: unknown) => {
			throw new Error(`${error instanceof Error ? error.message : String(error)}\nlast seen: ${describeSession(last)}`);
		});
		const {session, before, after} = found;
		expect(session.pid).toBe(halfDead.client.sessionPid);
		expect(session.healthEvidence.length).toBeGreaterThan(0);
		// Ground truth: ss showed the retransmit timer running, before and after sshtop read it.
		expect(before?.timer?.name, before?.text).toBe('on');
		expect(after?.timer?.name, after?.text).toBe('on');
		expect(session.tcp).not.toBeNull();
		const tcp = session.tcp!;
		expect(tcp.state).toBe('ESTABLISHED');
		expect(tcp.timer).toBe('retransmit');
		expect(tcp.retransmits).toBeGreaterThan(0);
		// The count only grows: sshtop's reading lies between ss's two.
		expect(tcp.retransmits).toBeGreaterThanOrEqual(before!.timer!.count);
		expect(tcp.retransmits).toBeLessThanOrEqual(after!.timer!.count);
		expect(tcp.sendQueueBytes).toBeGreaterThan(0);
		if (tcp.retransmitsTotal !== null && after?.retransmitsTotal !== undefined) {
			expect(tcp.retransmitsTotal).toBeGreaterThan(0);
			expect(tcp.retransmitsTotal).toBeLessThanOrEqual(after.retransmitsTotal);
		}
	}, 100_000);

	it('calls a client that stopped reading stalled, while ss shows zero-window probes', async () => {
		stalled = await startStalledSession(sshd, slowReaderNamespace);
		let last: JsonSession | undefined;
		const found = await waitFor(
			async () => {
				const before = await serverSocketNow(sshd, stalled!.client);
				const document = await snapshot();
				const after = await serverSocketNow(sshd, stalled!.client);
				last = sessionFor(document, stalled!.client);
				return last?.health === 'stalled' ? {session: last, before, after} : undefined;
			},
			{timeoutMs: 60_000, intervalMs: 500, description: "the stopped client's session to be called stalled"},
		).catch((error: unknown) => {
			throw new Error(`${error instanceof Error ? error.message : String(error)}\nlast seen: ${describeSession(last)}`);
		});
		const {session, before, after} = found;
		expect(session.pid).toBe(stalled.client.sessionPid);
		expect(before?.timer?.name, before?.text).toBe('persist');
		expect(after?.timer?.name, after?.text).toBe('persist');
		expect(session.tcp?.timer).toBe('zero-window-probe');
		expect(session.tcp?.sendQueueBytes).toBeGreaterThan(0);
		expect(session.healthEvidence.length).toBeGreaterThan(0);
		// The half-dead session next to it is still a dead peer, not merely stalled.
		if (halfDead !== undefined) {
			const document = await snapshot();
			expect(sessionFor(document, halfDead.client)?.health).toBe('dead-peer');
		}
	}, 100_000);

	it('keeps calling a quiet, healthy shell ok all along', async () => {
		// More readings until they span a few seconds, so this holds on its own if the tests
		// before it (whose readings count too) failed early.
		await waitFor(
			async () => {
				await snapshot();
				return quietSamples.length >= 3 && quietSamples.at(-1)!.at - quietSamples[0]!.at >= 3000;
			},
			{timeoutMs: 20_000, intervalMs: 500, description: 'readings of the quiet shell over 3 s'},
		);
		const socket = await serverSocketNow(sshd, quiet);
		expect(socket?.state).toBe('ESTAB');
		expect(socket?.sendQueueBytes).toBe(0);
		const unhealthy = quietSamples.filter(sample => sample.health !== 'ok');
		expect(unhealthy, JSON.stringify(unhealthy)).toEqual([]);
		const session = sessionFor(await readDocument(), quiet)!;
		expect(session.tcp?.state).toBe('ESTABLISHED');
		expect(session.tcp?.sendQueueBytes).toBe(0);
		expect(session.tcp?.timer).not.toBe('retransmit');
		expect(session.tcp?.timer).not.toBe('zero-window-probe');
	});

	it("publishes ss's lastrcv for a notty command, whose idle time comes from its channels and keeps growing", async () => {
		const readNotty = async () => {
			const before = await serverSocketNow(sshd, notty);
			const document = await readDocument();
			const after = await serverSocketNow(sshd, notty);
			return {document, session: sessionFor(document, notty), before, after};
		};

		const first = await readNotty();
		expect(first.document.tcpInfoSource).toBe('ss');
		expect(first.session?.idleSource).toBe('channels');
		// The raw figure: sshtop's lastReceiveMs lies between ss's readings just before and after.
		expect(first.session?.tcp?.lastReceiveMs).toEqual(expect.any(Number));
		expect(first.session!.tcp!.lastReceiveMs!).toBeGreaterThanOrEqual(first.before!.lastReceiveMs! - 50);
		expect(first.session!.tcp!.lastReceiveMs!).toBeLessThanOrEqual(first.after!.lastReceiveMs! + 50);
		expect(first.session?.idleSeconds).toEqual(expect.any(Number));
		const later = await waitFor(
			async () => {
				const reading = await readNotty();
				return typeof reading.session?.idleSeconds === 'number' &&
					reading.session.idleSeconds >= first.session!.idleSeconds! + 2
					? reading
					: undefined;
			},
			{timeoutMs: 20_000, intervalMs: 500, description: "the notty session's idle time to grow by 2 s"},
		);
		expect(later.session?.idleSource).toBe('channels');
	}, 40_000);

	it("measures a pty shell's idle time on its terminal, as w does: from the device's last access", async () => {
		const {ttys} = sessionFor(await readDocument(), quiet)!;
		expect(ttys).toHaveLength(1);
		const lastAccess = () => statSync(`/dev/${ttys[0]!}`).atimeMs;
		const accessBefore = lastAccess();
		const document = await readDocument();
		const accessAfter = lastAccess();
		const session = sessionFor(document, quiet);
		expect(session?.idleSource).toBe('tty');
		// Whole seconds from the access time sshtop read (between the two stats) to its takenAt.
		// The harness's document type leaves out takenAt; the schema has it.
		const takenAt = Date.parse((document as JsonDocument & {readonly takenAt: string}).takenAt);
		const idleSince = (access: number) => Math.max(0, Math.floor((takenAt - access) / 1000));
		expect(session?.idleSeconds).toBeGreaterThanOrEqual(idleSince(accessAfter));
		expect(session?.idleSeconds).toBeLessThanOrEqual(idleSince(accessBefore));
	});
});
