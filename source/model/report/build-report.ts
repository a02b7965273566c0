// Decides what an SSH session is: one TCP connection held by a trusted sshd, found from the
// listener's children and from the connections sshd processes hold (connections.ts).
import type {TcpSocket, Snapshot} from '../../proc/types.js';
import type {Endpoint, Listener, ProcessId, ProcessNode, Session, SessionReport} from '../types.js';
import {findConnectionTops} from './connections.js';
import {findLeftovers} from './leftovers.js';
import {findListeners} from './listeners.js';
import {findNesting, findOwnSession, nestingDepths, ownChainOf, type Nesting} from './nesting.js';
import {indexProcesses} from './process-tree.js';
import {commandsOf, describeSession, type SessionLookups} from './session-facts.js';

/** What a report builder reuses from the refresh before. */
type Reuse = {
	readonly socketsByInode: (sockets: readonly TcpSocket[]) => ReadonlyMap<number, TcpSocket>;
	readonly nesting: (sessions: readonly Session[], sockets: readonly TcpSocket[]) => ReadonlyMap<ProcessId, Nesting>;
};

const noReuse: Reuse = {
	socketsByInode: sockets => new Map(sockets.map(socket => [socket.inode, socket])),
	nesting: findNesting,
};

/**
One report, on its own. `previous` is the report of the refresh before, when there is one: a
connection's health looks at how its send queue moved since then, and a session without a
terminal at how its commands' I/O counters did.
*/
export function buildReport(snapshot: Snapshot, previous?: SessionReport): SessionReport {
	return assembleReport(snapshot, previous, noReuse);
}

/**
Builds one report after another, each from the one before (see buildReport), reusing what
cannot have changed: the scanner keeps its socket table for as long as no socket moved, and an
unchanged session keeps its tree, so the socket lookup and the nesting are worked out again
only when one of those is new.
*/
export function createReportBuilder(): (snapshot: Snapshot) => SessionReport {
	let previous: SessionReport | undefined;
	let lastIndex: {readonly sockets: readonly TcpSocket[]; readonly byInode: ReadonlyMap<number, TcpSocket>} | undefined;
	let lastNesting:
		| {
				readonly sockets: readonly TcpSocket[];
				readonly trees: readonly ProcessNode[];
				readonly nesting: ReadonlyMap<ProcessId, Nesting>;
		  }
		| undefined;
	const reuse: Reuse = {
		socketsByInode(sockets) {
			if (lastIndex?.sockets !== sockets) {
				lastIndex = {sockets, byInode: noReuse.socketsByInode(sockets)};
			}

			return lastIndex.byInode;
		},
		nesting(sessions, sockets) {
			const trees = sessions.map(session => session.tree);
			if (lastNesting?.sockets !== sockets || !isSameList(trees, lastNesting.trees)) {
				lastNesting = {sockets, trees, nesting: findNesting(sessions, sockets)};
			}

			return lastNesting.nesting;
		},
	};
	return snapshot => {
		previous = assembleReport(snapshot, previous, reuse);
		return previous;
	};
}

function assembleReport(snapshot: Snapshot, previous: SessionReport | undefined, reuse: Reuse): SessionReport {
	const index = indexProcesses(snapshot.processes);
	const listeners = findListeners(snapshot.processes, index, snapshot.sockets);
	const listenerPorts = new Set(listeners.flatMap(listener => listener.ports));
	const previousSessions = new Map(previous?.sessions.map(session => [session.id, session]));
	// Built once per socket table, not once per session: a box with many sessions has thousands of sockets.
	const socketsByInode = reuse.socketsByInode(snapshot.sockets);
	const tops = findConnectionTops(snapshot.processes, index, listeners, {
		socketsByInode,
		access: snapshot.access,
		readerUid: snapshot.readerUid,
	});
	const lookups: SessionLookups = {listenerPorts, socketsByInode, previousSessions};
	const described = tops.map(top => describeSession(top, index, snapshot, lookups));
	const ownSessionId = findOwnSession(described, index, snapshot.selfPid);
	const sessions = linkSessions(described, reuse.nesting(described, snapshot.sockets), ownSessionId);
	// Root sees every sshd's sockets; a normal user may not see the session a process came from,
	// and asks the kernel's table whether its connection is still there.
	const leftovers = findLeftovers(
		snapshot.processes,
		index,
		sessions,
		snapshot.readerUid === 0 ? [] : snapshot.sockets,
	);
	const shownListeners: Listener[] = listeners;
	const partialReasons = partialReasonsOf(snapshot);
	// Unchanged parts are the last report's arrays: the explorer derives its rows, widths and
	// search index from these, and keeps them while they are the same objects (ui/state/view.ts).
	return {
		takenAt: snapshot.takenAt,
		host: snapshot.host,
		uptimeSeconds: snapshot.uptimeSeconds,
		loadAverage: snapshot.loadAverage,
		listeners:
			previous !== undefined && isSameList(shownListeners, previous.listeners, isSameListener)
				? previous.listeners
				: shownListeners,
		sessions: previous !== undefined && isSameList(sessions, previous.sessions) ? previous.sessions : sessions,
		ownSessionId,
		selfPid: snapshot.selfPid,
		isPartial: partialReasons.length > 0,
		partialReasons:
			previous !== undefined && isSameList(partialReasons, previous.partialReasons)
				? previous.partialReasons
				: partialReasons,
		tcpInfoSource: snapshot.tcpInfo?.source,
		// Only an empty list is kept: left-behind processes are rare, and each is a tree built anew.
		leftovers: leftovers.length === 0 && previous?.leftovers?.length === 0 ? previous.leftovers : leftovers,
		leftoversReadable: snapshot.readerUid === 0,
	};
}

/** Why a reader sees less than everything: not root, and /proc mounted with hidepid. */
function partialReasonsOf(snapshot: Snapshot): string[] {
	if (snapshot.readerUid === 0) {
		return [];
	}

	const reasons = ["not root: other users' sockets, executables and environments are unreadable"];
	const hidePid = snapshot.access?.hidePid ?? 'off';
	if (hidePid !== 'off') {
		reasons.push(`/proc is mounted hidepid=${hidePid}: other users' processes are hidden`);
	}

	return reasons;
}

function isSameList<T>(
	items: readonly T[],
	before: readonly T[],
	isSame: (a: T, b: T) => boolean = (a, b) => a === b,
): boolean {
	return items.length === before.length && items.every((item, index) => isSame(item, before[index]!));
}

function isSameListener(a: Listener, b: Listener): boolean {
	return (
		a.id === b.id &&
		a.command === b.command &&
		isSameList(a.ports, b.ports) &&
		isSameList(a.addresses, b.addresses, isSameEndpoint)
	);
}

function isSameEndpoint(a: Endpoint | undefined, b: Endpoint | undefined): boolean {
	if (a === undefined || b === undefined) {
		return a === b;
	}

	return a.address === b.address && a.port === b.port;
}

/**
Whether the explorer shows anything of this report that only ss can tell: the ages of a
session's forwarded connections (its idle time), or the ages in the evidence of a connection in
trouble or about to be (data queued, a retransmit or probe timer). A box of healthy sessions
without forwards needs no child process at all.
*/
export function needsTcpInfo(report: SessionReport): boolean {
	return report.sessions.some(session => {
		const tcp = session.health?.tcp;
		return (
			(session.channelReadings?.forwardInodes.length ?? 0) > 0 ||
			(session.health !== undefined && session.health.health !== 'ok' && session.health.health !== 'unknown') ||
			(tcp !== undefined && (tcp.sendQueueBytes > 0 || tcp.timer === 'retransmit' || tcp.timer === 'zero-window-probe'))
		);
	});
}

/** Pids whose I/O counters the next refresh should read: the commands of sessions whose idle time comes from their channels. */
export function channelCommandPids(report: SessionReport): number[] {
	const pids: number[] = [];
	for (const session of report.sessions) {
		if (session.idleSource === 'channels') {
			for (const id of session.channelReadings?.ioByProcess.keys() ?? []) {
				pids.push(Number(id.slice(0, id.indexOf(':'))));
			}

			for (const process of commandsOf(session)) {
				pids.push(process.pid);
			}
		}
	}

	return [...new Set(pids)];
}

/** Each session with where it was opened from, how deep in its chain, and whether it is the operator's. */
function linkSessions(
	sessions: readonly Session[],
	nesting: ReadonlyMap<ProcessId, Nesting>,
	ownSessionId: string | undefined,
): Session[] {
	const depths = nestingDepths(
		nesting,
		sessions.map(session => session.id),
	);
	const ownChain = new Set(ownChainOf(ownSessionId, nesting));
	const outers = new Set([...nesting.values()].map(outer => outer.outerId));
	// A session is written out again only when one of these changed.
	return sessions.map(session => {
		const outer = nesting.get(session.id);
		const linked = {
			nestedIn: outer?.outerId,
			nestedClientPid: outer?.clientPid,
			depth: depths.get(session.id) ?? 0,
			hasNested: outers.has(session.id),
			isOwn: session.id === ownSessionId,
			isOwnChain: ownChain.has(session.id),
		};
		return linked.nestedIn === session.nestedIn &&
			linked.nestedClientPid === session.nestedClientPid &&
			linked.depth === session.depth &&
			linked.hasNested === session.hasNested &&
			linked.isOwn === session.isOwn &&
			linked.isOwnChain === session.isOwnChain
			? session
			: {...session, ...linked};
	});
}

export {type FoundListener} from './listeners.js';
