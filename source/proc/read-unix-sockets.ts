// The Unix sockets sshds hold, from /proc/net/unix: their paths and whether they listen (an
// agent forwarded with ssh -A, a remote forward to a socket path). The table lists every Unix
// socket on the box, so it is read again only when the set of inodes asked for changed.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {sshdCommandNames} from './ssh-scope.js';
import type {ProcessRecord, TcpSocket, UnixSocket} from './types.js';

/** __SO_ACCEPTCON in the Flags column: the socket listens. */
const acceptsConnections = 0x1_00_00;

/** The lines of /proc/net/unix for the wanted inodes. */
export function parseUnixSockets(text: string, wanted: ReadonlySet<number>): Map<number, UnixSocket> {
	const sockets = new Map<number, UnixSocket>();
	for (const line of text.split('\n').slice(1)) {
		// Num RefCount Protocol Flags Type St Inode [Path]
		const fields = line.trim().split(/\s+/u);
		const inode = Number(fields[6]);
		if (fields.length < 7 || !wanted.has(inode)) continue;
		const flags = Number.parseInt(fields[3]!, 16);
		sockets.set(inode, {path: fields.slice(7).join(' '), isListening: (flags & acceptsConnections) !== 0});
	}

	return sockets;
}

export type UnixSocketReader = (wanted: ReadonlySet<number>) => ReadonlyMap<number, UnixSocket>;

/** The socket inodes sshds hold that are not TCP: their Unix sockets (socketpairs, an agent's, a forward's). */
export function sshdUnixInodes(processes: readonly ProcessRecord[], tcpSockets: readonly TcpSocket[]): Set<number> {
	const inodes = new Set<number>();
	for (const process of processes) {
		if (!sshdCommandNames.has(process.comm)) continue;
		for (const inode of process.socketInodes ?? []) inodes.add(inode);
	}

	for (const socket of tcpSockets) inodes.delete(socket.inode);
	return inodes;
}

export function createUnixSocketReader(procRoot = '/proc'): UnixSocketReader {
	let last: {readonly key: string; readonly sockets: ReadonlyMap<number, UnixSocket>} | undefined;
	return wanted => {
		const key = [...wanted].toSorted((a, b) => a - b).join(',');
		if (last?.key === key) return last.sockets;
		let sockets: ReadonlyMap<number, UnixSocket>;
		try {
			sockets =
				wanted.size === 0 ? new Map() : parseUnixSockets(readFileSync(path.join(procRoot, 'net/unix'), 'utf8'), wanted);
		} catch {
			sockets = new Map();
		}

		last = {key, sockets};
		return sockets;
	};
}
