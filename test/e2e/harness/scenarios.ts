// Unhealthy connections made on purpose: a client that vanished without a word, and a client
// that stopped reading. Each checks with ss that the kernel sees what the scenario promises.
import process from 'node:process';
import {connectCommand, connectShell, typeLine, type SshClient} from './clients.js';
import {readSsDetails, serverSocketDetails, type SsTcpDetails} from './ground-truth.js';
import type {NetworkNamespace} from './netns.js';
import type {TestSshd} from './sshd.js';
import {waitFor, waitUntil} from './wait-for.js';

export type UnhealthySession = {
	readonly client: SshClient;
	/** The server end of the connection as ss showed it once the scenario was in place. */
	readonly socket: SsTcpDetails;
	/** Ends what the scenario started (the client, the server side); idempotent. */
	readonly stop: () => Promise<void>;
};

/** The server end of `client`'s connection per `ss -tinoe`, or undefined when it is gone. */
export async function serverSocketNow(sshd: TestSshd, client: SshClient): Promise<SsTcpDetails | undefined> {
	return serverSocketDetails(await readSsDetails(), sshd.port, {address: client.localAddress, port: client.localPort});
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(pid, signal);
	} catch {
		// Already gone.
	}
}

/**
 * A pty shell in `namespace` printing a line every 0.2 s; then the namespace's link goes down
 * and the client is SIGKILLed, so neither FIN nor RST reaches the server, which keeps
 * retransmitting into the void. Ready when ss shows the retransmit timer with retransmits > 0.
 * The namespace's link stays down: one half-dead session per namespace.
 */
export async function startHalfDeadSession(
	sshd: TestSshd,
	namespace: NetworkNamespace,
	options: {readonly label?: string; readonly user?: string} = {},
): Promise<UnhealthySession> {
	const label = options.label ?? 'half-dead client';
	const client = await connectShell(sshd, {label, user: options.user, from: namespace});
	const stop = async () => client.stop();
	try {
		typeLine(client, 'while :; do echo tick-$((n+=1)); sleep 0.2; done');
		// The echoed keystrokes show the expression; only the running loop prints a number.
		await waitUntil(() => client.output().includes('tick-3'), {
			timeoutMs: 15_000,
			description: `${label}: the remote loop to print`,
		});
		await namespace.cutLink();
		signalQuietly(client.pid, 'SIGKILL');
		const socket = await waitFor(
			async () => {
				const found = await serverSocketNow(sshd, client);
				return found?.state === 'ESTAB' &&
					found.timer?.name === 'on' &&
					found.timer.count > 0 &&
					found.sendQueueBytes > 0
					? found
					: undefined;
			},
			{timeoutMs: 30_000, intervalMs: 200, description: `${label}: ss to show the server retransmitting`},
		);
		return {client, socket, stop};
	} catch (error: unknown) {
		await stop();
		throw error;
	}
}

/**
 * A pty session flooding its terminal (`yes`) whose client is stopped with SIGSTOP: the client's
 * receive window fills and the server sends zero-window probes. Ready when ss shows the
 * `persist` timer with data queued. `stop` continues the client before ending it.
 *
 * `namespace` must cap its receive buffers (`tcpReceiveBufferMaxBytes`, say 64 KiB): on
 * loopback an ssh client's buffer grows to megabytes while it reads, and SSH's own channel
 * window (2 MiB) then stops the server before the client's TCP window closes.
 */
export async function startStalledSession(
	sshd: TestSshd,
	namespace: NetworkNamespace,
	options: {readonly label?: string} = {},
): Promise<UnhealthySession> {
	const label = options.label ?? 'stalled client';
	const client = await connectCommand(sshd, 'yes sshtop-stalled-output', {tty: true, label, from: namespace});
	signalQuietly(client.pid, 'SIGSTOP');
	const stop = async () => {
		signalQuietly(client.pid, 'SIGCONT');
		await client.stop();
	};

	try {
		const socket = await waitFor(
			async () => {
				const found = await serverSocketNow(sshd, client);
				return found?.timer?.name === 'persist' && found.sendQueueBytes > 0 ? found : undefined;
			},
			{timeoutMs: 30_000, intervalMs: 200, description: `${label}: ss to show zero-window probes (timer:(persist))`},
		);
		return {client, socket, stop};
	} catch (error: unknown) {
		const last = await serverSocketNow(sshd, client).catch(() => undefined);
		await stop();
		throw new Error(`${error instanceof Error ? error.message : String(error)}\nlast ss:\n${last?.text ?? 'none'}`, {
			cause: error,
		});
	}
}
