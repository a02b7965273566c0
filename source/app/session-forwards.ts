// Attaches what each session forwards (model/report/forwards.ts) to a report, from the snapshot
// it was built from and the Unix sockets its sshds hold. A session whose forwards did not change
// stays the same object, as does the sessions array, for the explorer's caches.
import {forwardsOf, isSameForwards} from '../model/report/forwards.js';
import type {ProcessNode, Session, SessionReport} from '../model/types.js';
import {createUnixSocketReader, type UnixSocketReader} from '../proc/read-unix-sockets.js';
import type {Snapshot} from '../proc/types.js';

export type ForwardsAttacher = (report: SessionReport, snapshot: Pick<Snapshot, 'sockets'>) => SessionReport;

function sshdInodes(node: ProcessNode, into: Set<number>): void {
	if (node.process.comm !== 'sshd' && node.process.comm !== 'sshd-session') return;
	for (const inode of node.process.socketInodes ?? []) into.add(inode);
	for (const child of node.children) sshdInodes(child, into);
}

export function createForwardsAttacher(readUnixSockets: UnixSocketReader = createUnixSocketReader()): ForwardsAttacher {
	const attached = new WeakMap<Session, Session>();
	let last: {readonly input: readonly Session[]; readonly output: readonly Session[]} | undefined;
	return (report, snapshot) => {
		const socketsByInode = new Map(snapshot.sockets.map(socket => [socket.inode, socket]));
		// Inodes that are not TCP sockets: the Unix ones an agent or a socket forward listens on.
		const wanted = new Set<number>();
		for (const session of report.sessions) sshdInodes(session.tree, wanted);
		for (const inode of socketsByInode.keys()) wanted.delete(inode);
		const unixByInode = readUnixSockets(wanted);
		const sessions = report.sessions.map(session => {
			const forwards = forwardsOf(session, socketsByInode, unixByInode);
			const before = attached.get(session);
			if (before?.forwards !== undefined && isSameForwards(before.forwards, forwards)) return before;
			const after = {...session, forwards};
			attached.set(session, after);
			return after;
		});
		const isUnchanged =
			last?.input === report.sessions && sessions.every((session, index) => session === last!.output[index]);
		if (!isUnchanged) last = {input: report.sessions, output: sessions};
		return {...report, sessions: last!.output};
	};
}
