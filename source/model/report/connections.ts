// Finds every SSH connection's top sshd: where a session's process tree starts. A connection is
// found from its socket as well as its parentage, so a session whose monitor was killed (its
// user side re-parented to PID 1) or whose listener restarted is still one.
import type {ProcAccess} from '../../proc/read-proc-access.js';
import {sshdCommandNames} from '../../proc/ssh-scope.js';
import {parseSshConnection} from '../../proc/parse/parse-environ.js';
import type {TcpSocket} from '../../proc/types.js';
import type {Endpoint, ProcessRecord} from '../types.js';
import {isSshdProcess, listensOn, type FoundListener} from './listeners.js';
import {childrenOf, type ProcessIndex} from './process-tree.js';
import {parseSshdTitle} from './sshd-title.js';

export type ConnectionTop = {
	readonly top: ProcessRecord;
	/** The listener it is a child of, or else the one that listens on its local address. */
	readonly listenerPid: number | undefined;
	/** Its monitor is gone: the top is a user-side sshd that is no listener's child. */
	readonly isOrphaned: boolean;
	/** False when nothing the kernel says could confirm it is an sshd's connection (see isUnverifiableOwnSshd). */
	readonly isVerified: boolean;
	/**
	For a session seen only through its own processes (their sshd hidden from the reader): the
	connection their SSH_CONNECTION names, found live in the kernel's table.
	*/
	readonly claimedConnection?: TcpSocket;
};

export type ConnectionLookups = {
	readonly socketsByInode: ReadonlyMap<number, TcpSocket>;
	readonly access: ProcAccess | undefined;
	readonly readerUid: number;
};

/**
Every connection's top sshd, listeners' children first (in listener order), then the tops of
sshd chains no listener holds: a chain whose root is an sshd process (by executable) whose
parent is no sshd, holding a connection accepted on a port an sshd listens on.
*/
export function findConnectionTops(
	processes: readonly ProcessRecord[],
	index: ProcessIndex,
	listeners: readonly FoundListener[],
	lookups: ConnectionLookups,
): ConnectionTop[] {
	const tops: ConnectionTop[] = [];
	const listenerPids = new Set(listeners.map(listener => listener.pid));
	for (const listener of listeners) {
		for (const child of childrenOf(index, listener.pid)) {
			if (isTrustedConnection(child, listener.process)) {
				tops.push({top: child, listenerPid: listener.pid, isOrphaned: false, isVerified: true});
			}
		}
	}

	const hiddenParents = new Set<number>();
	for (const process of processes) {
		if (!sshdCommandNames.has(process.comm)) {
			const claimed = lookups.readerUid === 0 ? undefined : claimedConnectionOf(process, index, lookups);
			// One session per hidden sshd: a ControlMaster's shells share it.
			if (claimed !== undefined && !hiddenParents.has(process.ppid)) {
				hiddenParents.add(process.ppid);
				tops.push({
					top: process,
					listenerPid: listenerFor(listeners, claimed),
					isOrphaned: false,
					isVerified: false,
					claimedConnection: claimed,
				});
			}

			continue;
		}

		if (listenerPids.has(process.pid) || listenerPids.has(process.ppid)) {
			continue;
		}

		const parent = index.byPid.get(process.ppid);
		if (
			parent !== undefined &&
			sshdCommandNames.has(parent.comm) &&
			(isSshdProcess(parent) || !isSshdProcess(process))
		) {
			// Inside a chain whose top is looked at on its own.
			continue;
		}

		const title = parseSshdTitle(process.argv);
		if (isSshdProcess(process)) {
			const connection = inboundConnection(process, listeners, lookups);
			if (connection !== undefined) {
				const listener = listeners.find(candidate => listensOn(candidate, connection.local));
				tops.push({
					top: process,
					listenerPid: listener?.pid,
					isOrphaned: title?.role === 'user-side',
					isVerified: true,
				});
			}
		} else if (isUnverifiableOwnSshd(process, parent, lookups)) {
			tops.push({top: process, listenerPid: undefined, isOrphaned: parent !== undefined, isVerified: false});
		}
	}

	return tops;
}

function listenerFor(listeners: readonly FoundListener[], connection: TcpSocket): number | undefined {
	return listeners.find(listener => listensOn(listener, connection.local))?.pid;
}

/**
A normal user's process whose parent is hidden from them (hidepid: the user-side sshd is not
dumpable, so it is hidden even from its own user), whose environment names an SSH connection
that the kernel's table still has: the visible part of one of the user's own sessions.
*/
function claimedConnectionOf(
	process: ProcessRecord,
	index: ProcessIndex,
	lookups: ConnectionLookups,
): TcpSocket | undefined {
	const connection = process.sshEnvironment?.connection;
	if (
		connection === undefined ||
		process.uid !== lookups.readerUid ||
		process.ppid <= 1 ||
		index.byPid.has(process.ppid)
	) {
		return undefined;
	}

	const ends = parseSshConnection(connection);
	if (ends === undefined) {
		return undefined;
	}

	for (const socket of lookups.socketsByInode.values()) {
		if (
			socket.state !== 'LISTEN' &&
			isSameEndpoint(socket.local, ends.local) &&
			isSameEndpoint(socket.remote, ends.peer)
		) {
			return socket;
		}
	}

	return undefined;
}

function isSameEndpoint(a: Endpoint, b: Endpoint): boolean {
	return a.address === b.address && a.port === b.port;
}

/** A listener's child is a connection only if it is an sshd run by the listener's owner. */
function isTrustedConnection(child: ProcessRecord, listener: ProcessRecord): boolean {
	return (
		isSshdProcess(child) ||
		(child.uid === listener.uid && sshdCommandNames.has(child.comm) && child.unreadable.includes('exe'))
	);
}

/**
The connection an sshd chain's top holds, when it is one a client opened to an sshd: its local
end is an address an sshd listener listens on or, with no listener on it (sshd stopped, sessions
kept), a port that is neither the kernel's pick for an outgoing connection (a `-L` forward)
nor one the process listens on itself (a `-R` forward).
*/
function inboundConnection(
	process: ProcessRecord,
	listeners: readonly FoundListener[],
	lookups: ConnectionLookups,
): TcpSocket | undefined {
	const held = (process.socketInodes ?? [])
		.map(inode => lookups.socketsByInode.get(inode))
		.filter((socket): socket is TcpSocket => socket !== undefined);
	const ownPorts = new Set(held.filter(socket => socket.state === 'LISTEN').map(socket => socket.local.port));
	const connections = held.filter(socket => socket.state !== 'LISTEN');
	const listened = connections.find(socket => listeners.some(listener => listensOn(listener, socket.local)));
	if (listened !== undefined) {
		return listened;
	}

	const [first, last] = lookups.access?.ephemeralPorts ?? [32_768, 60_999];
	return connections.find(
		socket =>
			!listeners.some(listener => listener.ports.includes(socket.local.port)) &&
			(socket.local.port < first || socket.local.port > last) &&
			!ownPorts.has(socket.local.port),
	);
}

/**
A normal user's own user-side sshd that nothing can vouch for: the kernel hides its executable
and fds from its own user (an sshd that changed uid is not dumpable), and its parent, the
root-owned monitor, is hidden (hidepid) or gone. Listed, and marked unverified: it is the
reader's own process, so nobody else can have made it look like this.
*/
function isUnverifiableOwnSshd(
	process: ProcessRecord,
	parent: ProcessRecord | undefined,
	lookups: ConnectionLookups,
): boolean {
	return (
		lookups.readerUid !== 0 &&
		process.uid === lookups.readerUid &&
		process.unreadable.includes('exe') &&
		parseSshdTitle(process.argv)?.role === 'user-side' &&
		(parent === undefined || parent.pid === 1 || !sshdCommandNames.has(parent.comm))
	);
}
