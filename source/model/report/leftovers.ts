// Processes left behind by a logout: re-parented to PID 1, still carrying the SSH_CONNECTION
// of a connection that no longer exists, so an admin can find the nohup'ed job of a user who left.
import {parseSshConnection} from '../../proc/parse/parse-environ.js';
import type {TcpSocket} from '../../proc/types.js';
import {processId, type Endpoint, type Leftover, type ProcessRecord, type Session} from '../types.js';
import {buildTree, flattenTree, type ProcessIndex} from './process-tree.js';

/**
`sockets`: the kernel's TCP table (as much of it as was read). A connection still in it is alive
even when no session of ours shows it (a normal user cannot see other users' sessions' sockets):
a process from it has not been left behind.
*/
export function findLeftovers(
	processes: readonly ProcessRecord[],
	index: ProcessIndex,
	sessions: readonly Session[],
	sockets: readonly TcpSocket[] = [],
): Leftover[] {
	// PID 1's children with an SSH_CONNECTION are few or none: the sessions are looked at only for them.
	const candidates = processes.filter(process => process.ppid === 1 && process.sshEnvironment?.connection);
	if (candidates.length === 0) {
		return [];
	}

	const inSessions = new Set(sessions.flatMap(session => flattenTree(session.tree).map(process => process.pid)));
	const liveConnections = new Set(sessions.map(session => connectionKey(session.peer, session.local)));
	for (const socket of sockets) {
		if (socket.state !== 'LISTEN') {
			liveConnections.add(connectionKey(socket.remote, socket.local));
		}
	}

	const leftovers: Leftover[] = [];
	for (const process of candidates) {
		const environment = process.sshEnvironment;
		if (!environment?.connection || inSessions.has(process.pid)) {
			continue;
		}

		const ends = parseSshConnection(environment.connection);
		if (ends && liveConnections.has(connectionKey(ends.peer, ends.local))) {
			// Escaped from a session that is still there (setsid, a daemon it started): not left behind.
			continue;
		}

		leftovers.push({
			id: processId(process),
			tree: buildTree(index, process),
			peer: ends?.peer,
			local: ends?.local,
			sshTty: environment.tty,
		});
	}

	return leftovers;
}

function connectionKey(peer: Endpoint | undefined, local: Endpoint | undefined): string {
	return `${peer?.address ?? '?'}:${peer?.port ?? '?'}>${local?.address ?? '?'}:${local?.port ?? '?'}`;
}
