// Chains of sessions: a session opened from inside another one (an `ssh` back into this box),
// and the chain sshtop itself runs in.
import type {TcpSocket} from '../../proc/types.js';
import type {Endpoint, ProcessId, Session} from '../types.js';
import {ancestorsOf, flattenTree, type ProcessIndex} from './process-tree.js';

/** Where a nested session was opened from: the outer session and its ssh client's pid. */
export type Nesting = {readonly outerId: ProcessId; readonly clientPid: number};

/**
Session B is nested in A when a process of A holds the client end of B's connection: a socket
whose local end is B's peer and whose remote end is B's local address.
*/
export function findNesting(sessions: readonly Session[], sockets: readonly TcpSocket[]): Map<ProcessId, Nesting> {
	const holderByInode = new Map<number, {readonly sessionId: ProcessId; readonly pid: number}>();
	for (const session of sessions) {
		for (const process of flattenTree(session.tree)) {
			for (const inode of process.socketInodes ?? []) {
				// The first holder in tree order: the ssh client, not a child that inherited the fd.
				if (!holderByInode.has(inode)) {
					holderByInode.set(inode, {sessionId: session.id, pid: process.pid});
				}
			}
		}
	}

	// The client ends held by some session, by their two endpoints: one lookup per session.
	const clientEnds = new Map<string, TcpSocket>();
	for (const socket of sockets) {
		if (holderByInode.has(socket.inode)) {
			const key = endpointPairKey(socket.local, socket.remote);
			if (!clientEnds.has(key)) {
				clientEnds.set(key, socket);
			}
		}
	}

	const nesting = new Map<ProcessId, Nesting>();
	for (const {id, peer, local} of sessions) {
		const clientEnd = peer && local ? clientEnds.get(endpointPairKey(peer, local)) : undefined;
		const holder = clientEnd ? holderByInode.get(clientEnd.inode) : undefined;
		if (holder !== undefined && holder.sessionId !== id) {
			nesting.set(id, {outerId: holder.sessionId, clientPid: holder.pid});
		}
	}

	return nesting;
}

function endpointPairKey(from: Endpoint, to: Endpoint): string {
	return `${from.address} ${from.port} ${to.address} ${to.port}`;
}

/** Hops above each session: 0 when it was not opened from another session here. Safe against loops. */
export function nestingDepths(
	nesting: ReadonlyMap<ProcessId, Nesting>,
	sessionIds: Iterable<ProcessId>,
): Map<ProcessId, number> {
	const depths = new Map<ProcessId, number>();
	for (const id of sessionIds) {
		const seen = new Set<ProcessId>([id]);
		let depth = 0;
		for (
			let outer = nesting.get(id)?.outerId;
			outer !== undefined && !seen.has(outer);
			outer = nesting.get(outer)?.outerId
		) {
			seen.add(outer);
			depth++;
		}

		depths.set(id, depth);
	}

	return depths;
}

/** sshtop's own session and every session it is nested in, innermost first. */
export function ownChainOf(ownSessionId: ProcessId | undefined, nesting: ReadonlyMap<ProcessId, Nesting>): ProcessId[] {
	const chain: ProcessId[] = [];
	for (let id = ownSessionId; id !== undefined && !chain.includes(id); id = nesting.get(id)?.outerId) {
		chain.push(id);
	}

	return chain;
}

/**
The session sshtop runs in, by its parent chain, else by its controlling terminal.
SSH_CONNECTION is not used: sudo drops it and anyone can set it.
*/
export function findOwnSession(
	sessions: readonly Session[],
	index: ProcessIndex,
	selfPid: number,
): ProcessId | undefined {
	// A session's tree is everything below its top sshd: the first top among sshtop's ancestors is its session.
	const sessionByTopPid = new Map(sessions.map(session => [session.pid, session.id]));
	const chain = [index.byPid.get(selfPid), ...ancestorsOf(index, selfPid)];
	for (const process of chain) {
		const sessionId = process ? sessionByTopPid.get(process.pid) : undefined;
		if (sessionId) {
			return sessionId;
		}
	}

	const ownTty = index.byPid.get(selfPid)?.tty;
	return ownTty === undefined ? undefined : sessions.find(session => session.ttys.includes(ownTty))?.id;
}
