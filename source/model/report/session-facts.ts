// What one session's processes and connection say: who, which kind, which terminals, what runs in
// the foreground, where it connects from, how healthy, how long idle. A session nothing happened in
// since the last refresh is the very object of the last report.
import type {Snapshot, TcpSocket} from '../../proc/types.js';
import {sshdCommandNames} from '../../proc/ssh-scope.js';
import {
	processId,
	type Endpoint,
	type Foreground,
	type ProcessNode,
	type ProcessRecord,
	type Session,
	type SessionKind,
} from '../types.js';
import {channelActivity} from './channel-idle.js';
import type {ConnectionTop} from './connections.js';
import {assessHealth, isSameAssessment} from './health.js';
import {forwardsOf, heldSockets, isSameForwards} from './forwards.js';
import {buildTree, childrenOf, commandLine, flattenTree, type ProcessIndex} from './process-tree.js';
import {parseSshdTitle, type SshdTitle} from './sshd-title.js';

type SshdMember = {readonly process: ProcessRecord; readonly title: SshdTitle | undefined};

/** The sshd processes of one connection: its top and the sshd children below it. */
function sshdMembers(top: ProcessRecord, index: ProcessIndex): SshdMember[] {
	const members: SshdMember[] = [];
	const pending = [top];
	while (pending.length > 0) {
		const process = pending.pop()!;
		members.push({process, title: parseSshdTitle(process.argv)});
		pending.push(...childrenOf(index, process.pid).filter(child => sshdCommandNames.has(child.comm)));
	}

	return members;
}

/** What every session of a report looks things up in, built once per report. */
export type SessionLookups = {
	readonly listenerPorts: ReadonlySet<number>;
	readonly socketsByInode: ReadonlyMap<number, TcpSocket>;
	/** The last report's sessions by id: a session whose processes did not change keeps what it derived from them. */
	readonly previousSessions: ReadonlyMap<string, Session>;
};

export function describeSession(
	found: ConnectionTop,
	index: ProcessIndex,
	snapshot: Snapshot,
	lookups: SessionLookups,
): Session {
	const {top} = found;
	const before = lookups.previousSessions.get(processId(top));
	const tree = buildTree(index, top, before?.tree);
	// Same tree, same records: everything read from the processes (titles, ttys, kind, user) is
	// as it was. Only what the clock, the terminals and the socket table say is worked out again.
	if (
		before?.tree === tree &&
		before.listenerPid === found.listenerPid &&
		before.isOrphaned === found.isOrphaned &&
		before.isVerified === found.isVerified
	) {
		const userSide = before.userSidePid === undefined ? undefined : index.byPid.get(before.userSidePid);
		const foreground =
			before.ttys.length > 1
				? findForeground(before.ttys, flattenTree(tree), userSide, index, snapshot)
				: before.foreground;
		const facts = liveFacts(
			{session: before, tree, holders: [top, userSide], claimed: found.claimedConnection},
			{lookups, snapshot},
			before,
		);
		// Nothing moved (an idle user keeps the same idle instant): the very object of the last report.
		return hasSameFacts(before, facts, foreground) ? before : assembleSession(before, facts, foreground, tree, before);
	}

	if (found.claimedConnection !== undefined) {
		return describeSeenFromInside(found, tree, {index, snapshot, lookups}, before);
	}

	const members = sshdMembers(top, index);
	const topTitle = members[0]?.title;
	// The user side is the top itself for root logins without privilege separation and for a
	// connection whose monitor is gone, otherwise the monitor's direct child.
	const userSide = members.find(
		member => member.title?.role === 'user-side' && (member.process === top || member.process.ppid === top.pid),
	);
	const userSideTitle = userSide?.title?.role === 'user-side' ? userSide.title : undefined;
	const processes = flattenTree(tree);
	const ttys = sessionTtys(userSideTitle, userSide?.process, index);
	const kind = sessionKind(userSideTitle, userSide?.process, index);
	// A root login without privilege separation: its only sshd, under the listener, is monitor and user side at once.
	const isUnderListener = found.listenerPid !== undefined && found.listenerPid === top.ppid;
	const isSingleProcess = userSide?.process === top && isUnderListener;
	const fixed: FixedFacts = {
		id: processId(top),
		pid: top.pid,
		listenerPid: found.listenerPid,
		user: userSide?.process.user ?? titleUser(topTitle, members) ?? '?',
		uid: userSide ? userSide.process.uid : undefined,
		kind,
		stage: userSide ? 'established' : 'authenticating',
		ttys,
		loginAt: top.startedAt,
		// A user side at the top, and no listener above it: its monitor is gone or hidden.
		monitorPid: userSide?.process === top && !isUnderListener ? undefined : top.pid,
		userSidePid: userSide === undefined || isSingleProcess ? undefined : userSide.process.pid,
		isOrphaned: found.isOrphaned,
		isVerified: found.isVerified,
	};
	const foreground =
		kind === 'preauth' ? undefined : findForeground(ttys, processes, userSide?.process, index, snapshot);
	return assembleSession(
		fixed,
		liveFacts(
			{session: fixed, tree, holders: [top, userSide?.process], claimed: undefined},
			{lookups, snapshot},
			before,
		),
		foreground,
		tree,
		before,
	);
}

/**
A session the reader sees only from inside (hidepid hides its sshd): its top is the user's first
visible process, and what the sshd's title would say comes from that process and its terminal.
*/
function describeSeenFromInside(
	found: ConnectionTop,
	tree: ProcessNode,
	{
		index,
		snapshot,
		lookups,
	}: {readonly index: ProcessIndex; readonly snapshot: Snapshot; readonly lookups: SessionLookups},
	before: Session | undefined,
): Session {
	const {top} = found;
	const processes = flattenTree(tree);
	const ttys = [...new Set(processes.map(process => process.tty).filter((tty): tty is string => tty !== undefined))];
	const fixed: FixedFacts = {
		id: processId(top),
		pid: top.pid,
		listenerPid: found.listenerPid,
		user: top.user,
		uid: top.uid,
		kind: ttys.length > 0 ? 'shell' : 'command',
		stage: 'established',
		ttys,
		loginAt: top.startedAt,
		monitorPid: undefined,
		userSidePid: undefined,
		isOrphaned: false,
		isVerified: false,
	};
	const foreground = findForeground(ttys, processes, undefined, index, snapshot) ?? commandBelow(top, index);
	return assembleSession(
		fixed,
		liveFacts({session: fixed, tree, holders: [top], claimed: found.claimedConnection}, {lookups, snapshot}, before),
		foreground,
		tree,
		before,
	);
}

/** The command a process runs, followed down while it has a single child. */
function commandBelow(start: ProcessRecord | undefined, index: ProcessIndex): Foreground | undefined {
	let current = start;
	while (current) {
		const children = childrenOf(index, current.pid);
		if (children.length !== 1) {
			break;
		}

		current = children[0];
	}

	return current ? {pid: current.pid, command: commandLine(current)} : undefined;
}

/** What a session's processes decide: the same while its tree is. */
type FixedFacts = Pick<
	Session,
	| 'id'
	| 'pid'
	| 'listenerPid'
	| 'user'
	| 'uid'
	| 'kind'
	| 'stage'
	| 'ttys'
	| 'loginAt'
	| 'monitorPid'
	| 'userSidePid'
	| 'isOrphaned'
	| 'isVerified'
>;

type LiveFacts = Pick<
	Session,
	'peer' | 'local' | 'idleSince' | 'idleSource' | 'channelReadings' | 'health' | 'forwards'
>;

function hasSameFacts(before: Session, facts: LiveFacts, foreground: Foreground | undefined): boolean {
	return (
		before.idleSince === facts.idleSince &&
		before.idleSource === facts.idleSource &&
		before.channelReadings === facts.channelReadings &&
		isSameEndpoint(before.peer, facts.peer) &&
		isSameEndpoint(before.local, facts.local) &&
		isSameAssessment(before.health, facts.health) &&
		isSameForwards(before.forwards, facts.forwards) &&
		(before.foreground === foreground ||
			(before.foreground?.pid === foreground?.pid && before.foreground?.command === foreground?.command))
	);
}

/**
Field by field, on every refresh for every session: `{...before, ...facts}` leaves V8's fast
path for object spread (the second spread copies property by property in the runtime).
*/
function assembleSession(
	fixed: FixedFacts,
	facts: LiveFacts,
	foreground: Foreground | undefined,
	tree: ProcessNode,
	linked: Pick<Session, 'nestedIn' | 'nestedClientPid' | 'depth' | 'hasNested' | 'isOwn' | 'isOwnChain'> | undefined,
): Session {
	return {
		id: fixed.id,
		pid: fixed.pid,
		listenerPid: fixed.listenerPid,
		user: fixed.user,
		uid: fixed.uid,
		kind: fixed.kind,
		stage: fixed.stage,
		ttys: fixed.ttys,
		loginAt: fixed.loginAt,
		peer: facts.peer,
		local: facts.local,
		idleSince: facts.idleSince,
		idleSource: facts.idleSource,
		channelReadings: facts.channelReadings,
		health: facts.health,
		forwards: facts.forwards,
		foreground,
		// As the last report had them; linkSessions works them out again and writes out a session only when one changed.
		nestedIn: linked?.nestedIn,
		nestedClientPid: linked?.nestedClientPid,
		depth: linked?.depth ?? 0,
		hasNested: linked?.hasNested ?? false,
		isOwn: linked?.isOwn ?? false,
		isOwnChain: linked?.isOwnChain ?? false,
		isOrphaned: fixed.isOrphaned,
		isVerified: fixed.isVerified,
		monitorPid: fixed.monitorPid,
		userSidePid: fixed.userSidePid,
		tree,
	};
}

/** A session's processes other than the sshds that hold its connection: its commands. */
export function commandsOf(session: Pick<Session, 'monitorPid' | 'userSidePid' | 'tree'>): ProcessRecord[] {
	return flattenTree(session.tree).filter(
		process => process.pid !== session.monitorPid && process.pid !== session.userSidePid,
	);
}

/** What changes without any process changing: the connection's state, and how long the user has been idle. */
function liveFacts(
	{
		session,
		tree,
		holders,
		claimed,
	}: {
		readonly session: Pick<Session, 'kind' | 'stage' | 'ttys' | 'loginAt' | 'monitorPid' | 'userSidePid'>;
		readonly tree: ProcessNode;
		/** The sshds that may hold the connection. */
		readonly holders: ReadonlyArray<ProcessRecord | undefined>;
		/** The connection found for a session seen only from inside. */
		readonly claimed: TcpSocket | undefined;
	},
	{lookups: {listenerPorts, socketsByInode}, snapshot}: {readonly lookups: SessionLookups; readonly snapshot: Snapshot},
	before: Session | undefined,
): LiveFacts {
	const connection =
		findConnection(holders, socketsByInode, listenerPorts) ??
		(claimed === undefined ? undefined : socketsByInode.get(claimed.inode));
	const tcpInfos = snapshot.tcpInfo?.source === 'ss' ? snapshot.tcpInfo.infos : undefined;
	const tcpInfo = connection === undefined ? undefined : tcpInfos?.get(connection.inode);
	const health = assessHealth(connection, tcpInfo, before?.health?.tcp);
	const ttyActiveAt = lastTtyActivity(session.ttys, snapshot);
	const held = heldSockets(holders, socketsByInode, connection);
	const forwards = forwardsOf(held, holders, snapshot.unixSockets);
	const facts = {peer: connection?.remote, local: connection?.local, health, forwards};
	if (ttyActiveAt !== undefined) {
		return {...facts, idleSince: ttyActiveAt, idleSource: 'tty', channelReadings: undefined};
	}

	if (session.stage !== 'established') {
		return {...facts, idleSince: undefined, idleSource: undefined, channelReadings: undefined};
	}

	const evidence = channelActivity({
		takenAt: snapshot.takenAt,
		loginAt: session.loginAt,
		commands: commandsOf({...session, tree}),
		forwards: held.filter(socket => socket.state !== 'LISTEN'),
		processIo: snapshot.processIo,
		tcpInfos,
		before:
			before === undefined
				? undefined
				: {activeAt: before.idleSource === 'channels' ? before.idleSince : undefined, readings: before.channelReadings},
	});
	return {...facts, idleSince: evidence.activeAt, idleSource: 'channels', channelReadings: evidence.readings};
}

function titleUser(topTitle: SshdTitle | undefined, members: readonly SshdMember[]): string | undefined {
	for (const title of [topTitle, ...members.map(member => member.title)]) {
		if (title && 'user' in title && title.user !== undefined) {
			return title.user;
		}
	}

	return undefined;
}

function sessionKind(
	title: SshdTitle | undefined,
	userSide: ProcessRecord | undefined,
	index: ProcessIndex,
): SessionKind {
	if (title?.role !== 'user-side' || !userSide) {
		return 'preauth';
	}

	if (title.channel === 'tty') {
		return 'shell';
	}

	if (title.channel === 'internal-sftp' || hasSftpChild(userSide, index)) {
		return 'sftp';
	}

	return title.channel === 'notty' ? 'command' : 'forward';
}

function hasSftpChild(userSide: ProcessRecord, index: ProcessIndex): boolean {
	return childrenOf(index, userSide.pid).some(child => {
		const title = parseSshdTitle(child.argv);
		const program = (child.executable ?? child.argv[0] ?? '').split('/').pop();
		return (title?.role === 'user-side' && title.channel === 'internal-sftp') || program === 'sftp-server';
	});
}

/** Ttys the title names; without a title, the terminals of the user-side sshd's children. */
function sessionTtys(title: SshdTitle | undefined, userSide: ProcessRecord | undefined, index: ProcessIndex): string[] {
	if (title?.role === 'user-side' && title.ttys.length > 0) {
		return [...title.ttys];
	}

	if (!userSide || title?.role === 'user-side') {
		return [];
	}

	return [
		...new Set(
			childrenOf(index, userSide.pid)
				.map(child => child.tty)
				.filter(tty => tty !== undefined),
		),
	];
}

function findConnection(
	holders: ReadonlyArray<ProcessRecord | undefined>,
	byInode: ReadonlyMap<number, TcpSocket>,
	listenerPorts: ReadonlySet<number>,
): TcpSocket | undefined {
	for (const holder of holders) {
		const held = (holder?.socketInodes ?? [])
			.map(inode => byInode.get(inode))
			.filter((socket): socket is TcpSocket => socket !== undefined && socket.state !== 'LISTEN');
		// A session may also hold forwarded connections; the one on a listener port is the login.
		const connection = held.find(socket => listenerPorts.has(socket.local.port)) ?? held[0];
		if (connection) {
			return connection;
		}
	}

	return undefined;
}

/** Epoch ms the session's terminals were last used (their access time, as `w` reads it). */
function lastTtyActivity(ttys: readonly string[], snapshot: Snapshot): number | undefined {
	let latest: number | undefined;
	for (const tty of ttys) {
		const time = snapshot.ttyActivity.get(tty);
		if (time !== undefined && (latest === undefined || time > latest)) {
			latest = time;
		}
	}

	return latest;
}

/**
As `w` shows WHAT: the process in the foreground process group of the session's most recently
used terminal, the latest started when the group has several. Without a terminal: the
command the user-side sshd runs, followed down while it has a single child.
*/
function findForeground(
	ttys: readonly string[],
	processes: readonly ProcessRecord[],
	userSide: ProcessRecord | undefined,
	index: ProcessIndex,
	snapshot: Snapshot,
): Foreground | undefined {
	const activeTty = ttys.toSorted((a, b) => (snapshot.ttyActivity.get(b) ?? 0) - (snapshot.ttyActivity.get(a) ?? 0))[0];
	if (activeTty !== undefined) {
		const candidates = processes.filter(
			process => process.tty === activeTty && process.processGroup === process.foregroundProcessGroup,
		);
		// A zombie or a process in the middle of exiting (no argv left) is not what the user is
		// running either, nor are sshtop's own helpers (the ss it runs each refresh).
		const isFading = (process: ProcessRecord) =>
			process.state === 'Z' || process.argv.length === 0 || process.ppid === snapshot.selfPid;
		const latest = candidates.toSorted(
			(a, b) => Number(isFading(a)) - Number(isFading(b)) || b.startTicks - a.startTicks || b.pid - a.pid,
		)[0];
		return latest ? {pid: latest.pid, command: commandLine(latest)} : undefined;
	}

	return commandBelow(userSide ? childrenOf(index, userSide.pid)[0] : undefined, index);
}

function isSameEndpoint(a: Endpoint | undefined, b: Endpoint | undefined): boolean {
	if (a === undefined || b === undefined) {
		return a === b;
	}

	return a.address === b.address && a.port === b.port;
}
