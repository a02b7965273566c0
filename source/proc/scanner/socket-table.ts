// The TCP socket table a scan hands to the model, kept between watch scans while it cannot have
// changed. Reading /proc/net/tcp and tcp6 walks the kernel's whole connection hash table however
// few sockets there are, so a quiet refresh must not pay for it. The table is read again on a
// full scan, when a socket inode is new to it (a new session), and when it is old and may have
// changed since.
import {parseSshConnection} from '../parse/parse-environ.js';
import {readTcpSockets} from '../read-snapshot.js';
import type {ProcessRecord, Snapshot} from '../types.js';

type Sockets = Snapshot['sockets'];

export type SocketTable = {
	readonly socketsFor: (input: {
		readonly isFullScan: boolean;
		readonly processes: readonly ProcessRecord[];
		readonly startedAt: number;
		/** A process that holds sockets may have run since the last scan (its schedstat moved). */
		readonly hasHolderRun: boolean;
	}) => Sockets;
	/** The listening sockets' inodes of the table last read, as one key; undefined before a read. */
	readonly listenKey: () => string | undefined;
};

type Reading = {
	readonly sockets: Sockets;
	readonly readAt: number;
	/** The inodes it was read for. */
	readonly lookedUp: ReadonlySet<number>;
	readonly listenKey: string;
	/** The pids that held sockets when it was read (holdersKeyOf). */
	readonly holders: string;
	/** No socket it was read for had data queued, a retransmit, a timer other than keepalive or a state other than ESTABLISHED. */
	readonly isQuiet: boolean;
	/** A process holding sockets may have run since it was read. */
	readonly hasHolderRun: boolean;
	/** The local ports of SSH_CONNECTIONs it was read for (a normal user's possible leftovers). */
	readonly localPortsKey: string;
};

/**
`maxAgeMs`: longest a watch scan reuses a table that may have changed. `isRoot`: a normal user
cannot see the sshd that holds a leftover's connection, and asks the table for its local port.
*/
export function createSocketTable(procRoot: string, maxAgeMs: number, isRoot: boolean): SocketTable {
	let table: Reading | undefined;
	return {
		socketsFor({isFullScan, processes, startedAt, hasHolderRun}) {
			const holders = holdersKeyOf(processes);
			const localPorts = isRoot ? undefined : sshConnectionPorts(processes);
			const kept = table;
			if (
				kept !== undefined &&
				!isFullScan &&
				kept.localPortsKey === portsKey(localPorts) &&
				processes.every(process => (process.socketInodes ?? []).every(inode => kept.lookedUp.has(inode)))
			) {
				if (hasHolderRun && !kept.hasHolderRun) {
					table = {...kept, hasHolderRun};
				}

				// A packet in or out of a quiet connection wakes the sshd that holds it, and a listener
				// runs to accept: while none of the holders ran and none of their sockets had data queued
				// or a retransmit timer, the kernel has nothing new to say about them.
				const isUnmoved = kept.isQuiet && !kept.hasHolderRun && !hasHolderRun && kept.holders === holders;
				if (isUnmoved || startedAt - kept.readAt < maxAgeMs) {
					return kept.sockets;
				}
			}

			const inodes = new Set<number>();
			for (const process of processes) {
				for (const inode of process.socketInodes ?? []) {
					inodes.add(inode);
				}
			}

			// Only the sockets these processes hold (and the listeners): the model looks up no other.
			// Inodes missing from a fresh table are not TCP (an sshd's unix sockets): no need to look again.
			const sockets = readTcpSockets(procRoot, inodes, localPorts);
			const listening = sockets
				.filter(socket => socket.state === 'LISTEN')
				.map(socket => socket.inode)
				.toSorted((a, b) => a - b);
			table = {
				sockets,
				readAt: startedAt,
				lookedUp: inodes,
				listenKey: listening.join(','),
				holders,
				isQuiet: isQuietTable(sockets, inodes),
				hasHolderRun: false,
				localPortsKey: portsKey(localPorts),
			};
			return sockets;
		},
		listenKey: () => table?.listenKey,
	};
}

/** What tells whether a watched process holds sockets, and its parent. */
export type SocketHolder = {
	readonly socketInodes: readonly number[] | 'unreadable' | undefined;
	readonly parentPid: number;
};

/**
Whether a watched process that holds sockets (or whose sockets are unreadable) ran. sshtop and its
ancestors are left out: drawing a frame wakes the sshd of its own session.
*/
export function hasSocketHolderRun(
	watched: ReadonlyMap<number, SocketHolder>,
	ran: ReadonlySet<number>,
	selfPid: number,
): boolean {
	const ownChain = new Set<number>();
	for (
		let pid: number | undefined = selfPid;
		pid !== undefined && !ownChain.has(pid);
		pid = watched.get(pid)?.parentPid
	) {
		ownChain.add(pid);
	}

	for (const pid of ran) {
		const inodes = watched.get(pid)?.socketInodes;
		if (inodes !== undefined && !ownChain.has(pid) && (inodes === 'unreadable' || inodes.length > 0)) {
			return true;
		}
	}

	return false;
}

/** The local ports of the SSH_CONNECTIONs possible leftovers carry. */
function sshConnectionPorts(processes: readonly ProcessRecord[]): ReadonlySet<number> | undefined {
	let ports: Set<number> | undefined;
	for (const process of processes) {
		const connection = process.sshEnvironment?.connection;
		const ends = connection === undefined ? undefined : parseSshConnection(connection);
		if (ends !== undefined) {
			(ports ??= new Set()).add(ends.local.port);
		}
	}

	return ports;
}

function portsKey(ports: ReadonlySet<number> | undefined): string {
	return ports === undefined ? '' : [...ports].toSorted((a, b) => a - b).join(',');
}

function holdersKeyOf(processes: readonly ProcessRecord[]): string {
	return processes
		.filter(process => (process.socketInodes?.length ?? 0) > 0)
		.map(process => process.pid)
		.join(',');
}

/** Whether a socket's row can change only when the process that holds it runs (or its keepalive fails, which wakes it). */
function isQuietTable(sockets: Sockets, wanted: ReadonlySet<number>): boolean {
	return sockets.every(
		socket =>
			socket.state === 'LISTEN' ||
			!wanted.has(socket.inode) ||
			(socket.state === 'ESTABLISHED' &&
				socket.sendQueueBytes === 0 &&
				socket.receiveQueueBytes === 0 &&
				socket.retransmits === 0 &&
				(socket.timer === 'none' || socket.timer === 'keepalive')),
	);
}
