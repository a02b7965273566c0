// A network namespace joined to this one by a veth pair on a private /30: a client started
// inside it reaches a test sshd listening on the host-side address, and taking the namespace's
// link down makes that client vanish without FIN or RST. Both ends are on this machine; the
// namespace has no other route. Needs root.
import process from 'node:process';
import {execFileSync} from 'node:child_process';
import {execa} from 'execa';
import {registerExitCleanup} from './processes.js';

export type NetworkNamespace = {
	readonly name: string;
	/** Host side of the veth pair, in this (the root) namespace. */
	readonly hostInterface: string;
	/** Namespace side of the veth pair. */
	readonly namespaceInterface: string;
	/** Address of the host side: what a client in the namespace connects to. */
	readonly hostAddress: string;
	/** Address of the namespace side: the client's address as the server sees it. */
	readonly namespaceAddress: string;
	/** Prefix that runs a program inside the namespace: `ip netns exec NAME`. */
	readonly execPrefix: readonly string[];
	/** Takes the namespace side of the link down: nothing gets in or out any more, and nothing says so. */
	readonly cutLink: () => Promise<void>;
	/** Deletes the veth pair and the namespace. End every process inside it first. */
	readonly remove: () => Promise<void>;
};

let counter = 0;

/** Metric of the fallback route that keeps the test network's traffic on this machine. */
const fallbackMetric = '4242';

function deleteQuietly(name: string, hostInterface: string, network: string): void {
	// Deleting one end of a veth pair deletes both.
	const steps = [
		['link', 'del', hostInterface],
		['netns', 'del', name],
		['route', 'del', 'blackhole', network, 'metric', fallbackMetric],
	];
	for (const args of steps) {
		try {
			execFileSync('ip', args, {stdio: 'ignore'});
		} catch {
			// Already gone.
		}
	}
}

/**
 * Creates namespace `sshtop-PID-N` with veth `stPIDxN` (host) / `snPIDxN` (namespace) on
 * 10.213.X.Y/30, where X.Y follow from the test process id and a counter: two test runs at once
 * do not collide.
 */
export type NetworkNamespaceOptions = {
	/**
	 * Caps TCP receive buffers inside the namespace (its own net.ipv4.tcp_rmem): a client there
	 * that stops reading closes its window after this much, long before SSH's channel window
	 * (megabytes) would stop the server from sending.
	 */
	readonly tcpReceiveBufferMaxBytes?: number;
};

export async function createNetworkNamespace(options: NetworkNamespaceOptions = {}): Promise<NetworkNamespace> {
	counter += 1;
	const tag = `${process.pid % 100_000}x${counter}`;
	const name = `sshtop-${tag}`;
	const hostInterface = `st${tag}`;
	const namespaceInterface = `sn${tag}`;
	const block = ((process.pid * 7 + counter) % 16_384) * 4;
	const third = Math.floor(block / 256);
	const fourth = block % 256;
	const hostAddress = `10.213.${third}.${fourth + 1}`;
	const namespaceAddress = `10.213.${third}.${fourth + 2}`;
	const network = `10.213.${third}.${fourth}/30`;
	const execPrefix = ['ip', 'netns', 'exec', name];
	const unregister = registerExitCleanup({
		processes: () => [],
		directories: [],
		onExit() {
			deleteQuietly(name, hostInterface, network);
		},
	});
	const steps: Array<readonly string[]> = [
		['ip', 'netns', 'add', name],
		['ip', 'link', 'add', hostInterface, 'type', 'veth', 'peer', 'name', namespaceInterface],
		['ip', 'link', 'set', namespaceInterface, 'netns', name],
		['ip', 'addr', 'add', `${hostAddress}/30`, 'dev', hostInterface],
		['ip', 'link', 'set', hostInterface, 'up'],
		// Should the kernel ignore the veth's route while its link is down
		// (ignore_routes_with_linkdown), packets to the namespace are dropped here rather than
		// sent to the default gateway.
		['ip', 'route', 'add', 'blackhole', network, 'metric', fallbackMetric],
		[...execPrefix, 'ip', 'addr', 'add', `${namespaceAddress}/30`, 'dev', namespaceInterface],
		[...execPrefix, 'ip', 'link', 'set', namespaceInterface, 'up'],
		[...execPrefix, 'ip', 'link', 'set', 'lo', 'up'],
	];
	if (options.tcpReceiveBufferMaxBytes !== undefined) {
		const maximum = options.tcpReceiveBufferMaxBytes;
		const setting = `4096 ${Math.min(16_384, maximum)} ${maximum}`;
		// Net sysctls under /proc/sys are those of the writer's namespace.
		steps.push([...execPrefix, 'sh', '-c', `echo '${setting}' > /proc/sys/net/ipv4/tcp_rmem`]);
	}

	try {
		for (const [program, ...args] of steps) {
			await execa(program!, args);
		}
	} catch (error: unknown) {
		deleteQuietly(name, hostInterface, network);
		unregister();
		throw error;
	}

	let removed = false;
	return {
		name,
		hostInterface,
		namespaceInterface,
		hostAddress,
		namespaceAddress,
		execPrefix,
		async cutLink() {
			await execa('ip', ['netns', 'exec', name, 'ip', 'link', 'set', namespaceInterface, 'down']);
		},
		async remove() {
			if (removed) {
				return;
			}

			removed = true;
			deleteQuietly(name, hostInterface, network);
			unregister();
		},
	};
}

/** Whether this machine lets the tests create network namespaces (root, iproute2 with netns). */
export async function networkNamespaceProblem(): Promise<string | undefined> {
	if (process.getuid?.() !== 0) {
		return 'not root: creating a network namespace needs root';
	}

	const probe = await execa('ip', ['netns', 'list'], {reject: false});
	if (probe.exitCode !== 0) {
		return `ip netns does not work here: ${probe.stderr}`;
	}

	return undefined;
}
