// Decides what an SSH session is: one TCP connection accepted by a trusted sshd listener.
import {sshdCommandNames} from '../proc/ssh-scope.js';
import type {Snapshot, TcpSocket} from '../proc/types.js';
import {assessHealth, isSameAssessment} from './health.js';
import {findLeftovers} from './leftovers.js';
import {
	ancestorsOf, buildTree, childrenOf, commandLine, flattenTree, indexProcesses, type ProcessIndex,
} from './process-tree.js';
import {parseSshdTitle, type SshdTitle} from './sshd-title.js';
import {
	processId, type Endpoint, type Foreground, type Listener, type ProcessNode, type ProcessRecord, type Session,
	type SessionKind, type SessionReport,
} from './types.js';

/**
 * `previous` is the report of the refresh before, when there is one: a connection's health
 * looks at how its send queue moved since then.
 */
export function buildReport(snapshot: Snapshot, previous?: SessionReport): SessionReport {
	const index = indexProcesses(snapshot.processes);
	const listeners = findListeners(snapshot.processes, index, snapshot.sockets);
	const listenerPorts = new Set(listeners.flatMap(listener => listener.ports));
	const previousSessions = new Map(previous?.sessions.map(session => [session.id, session]));
	// Built once per socket table, not once per session: a box with 500 sessions has thousands of sockets.
	const socketsByInode = socketsByInodeOf(snapshot.sockets);
	const sessions = listeners.flatMap(listener =>
		childrenOf(index, listener.pid)
			.filter(child => isTrustedConnection(child, listener.process))
			.map(child => describeSession(child, listener.process, index, snapshot, {listenerPorts, socketsByInode, previousSessions})));
	const linked = linkNestedSessions(sessions, snapshot.sockets);
	const ownSessionId = findOwnSession(linked, index, snapshot.selfPid);
	const leftoversReadable = snapshot.readerUid === 0;
	// A session is written out again only when whether it is sshtop's own changed.
	const marked = linked.map(session => ((session.id === ownSessionId) === session.isOwn ? session : {...session, isOwn: !session.isOwn}));
	const leftovers = findLeftovers(snapshot.processes, index, linked);
	const shownListeners = listeners.map(({process: _process, ...listener}) => listener);
	// Unchanged parts are the last report's arrays: the explorer derives its rows, widths and
	// search index from these, and keeps them while they are the same objects (ui/state.ts).
	return {
		takenAt: snapshot.takenAt,
		host: snapshot.host,
		uptimeSeconds: snapshot.uptimeSeconds,
		loadAverage: snapshot.loadAverage,
		listeners: previous !== undefined && isSameList(shownListeners, previous.listeners, isSameListener) ? previous.listeners : shownListeners,
		sessions: previous !== undefined && isSameList(marked, previous.sessions) ? previous.sessions : marked,
		ownSessionId,
		isPartial: snapshot.readerUid !== 0,
		tcpInfoSource: snapshot.tcpInfo?.source,
		// Only an empty list is kept: left-behind processes are rare, and each is a tree built anew.
		leftovers: leftovers.length === 0 && previous?.leftovers?.length === 0 ? previous.leftovers : leftovers,
		leftoversReadable,
	};
}

// The scanner keeps its socket table while no socket can have moved: the lookup is built once per table.
const socketIndexes = new WeakMap<readonly TcpSocket[], ReadonlyMap<number, TcpSocket>>();

function socketsByInodeOf(sockets: readonly TcpSocket[]): ReadonlyMap<number, TcpSocket> {
	let byInode = socketIndexes.get(sockets);
	if (byInode === undefined) {
		byInode = new Map(sockets.map(socket => [socket.inode, socket]));
		socketIndexes.set(sockets, byInode);
	}

	return byInode;
}

function isSameList<T>(items: readonly T[], before: readonly T[], isSame: (a: T, b: T) => boolean = (a, b) => a === b): boolean {
	return items.length === before.length && items.every((item, index) => isSame(item, before[index]!));
}

function isSameListener(a: Listener, b: Listener): boolean {
	return a.id === b.id && a.command === b.command && isSameList(a.ports, b.ports)
		&& isSameList(a.addresses, b.addresses, isSameEndpoint);
}

function isSameEndpoint(a: Endpoint | undefined, b: Endpoint | undefined): boolean {
	return a === b || (a !== undefined && b !== undefined && a.address === b.address && a.port === b.port);
}

/**
 * Whether the explorer shows anything of this report that only ss can tell: the idle time of
 * an established session without a terminal (its client's last packet), or the ages in the
 * evidence of a connection in trouble or about to be (data queued, a retransmit or probe
 * timer). A box of healthy terminal sessions needs no child process at all.
 */
export function needsTcpInfo(report: SessionReport): boolean {
	return report.sessions.some(session => {
		const tcp = session.health?.tcp;
		return (session.stage === 'established' && session.idleSource !== 'tty')
			|| (session.health !== undefined && session.health.health !== 'ok' && session.health.health !== 'unknown')
			|| (tcp !== undefined && (tcp.sendQueueBytes > 0 || tcp.timer === 'retransmit' || tcp.timer === 'zero-window-probe'));
	});
}

type FoundListener = Listener & {readonly process: ProcessRecord};

function executableName({executable}: ProcessRecord): string | undefined {
	if (executable === undefined) {
		return undefined;
	}

	const path = executable.endsWith(' (deleted)') ? executable.slice(0, -' (deleted)'.length) : executable;
	return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Kernel facts first: an sshd is a process whose executable is sshd. When the executable is
 * hidden from us (another user's process, read as non-root), only root could have made a
 * root-owned process, so a root-owned process named sshd is trusted.
 */
function isSshdProcess(process: ProcessRecord): boolean {
	const name = executableName(process);
	if (name !== undefined) {
		return sshdCommandNames.has(name);
	}

	return process.uid === 0 && sshdCommandNames.has(process.comm) && process.unreadable.includes('exe');
}

function findListeners(
	processes: readonly ProcessRecord[],
	index: ProcessIndex,
	sockets: readonly TcpSocket[],
): FoundListener[] {
	const listening = new Map(sockets.filter(socket => socket.state === 'LISTEN').map(socket => [socket.inode, socket]));
	return processes
		.filter(process => isSshdProcess(process) && isListenerTitle(process, index))
		.map(process => {
			const addresses = (process.socketInodes ?? [])
				.map(inode => listening.get(inode)?.local)
				.filter((endpoint): endpoint is Endpoint => endpoint !== undefined);
			return {
				id: processId(process),
				pid: process.pid,
				command: commandLine(process),
				ports: [...new Set(addresses.map(address => address.port))].sort((a, b) => a - b),
				addresses,
				process,
			};
		});
}

function isListenerTitle(process: ProcessRecord, index: ProcessIndex): boolean {
	const title = parseSshdTitle(process.argv);
	if (title) {
		return title.role === 'listener';
	}

	// OpenSSH before 8.2 left the listener's argv alone (`/usr/sbin/sshd -D`); it is the sshd
	// whose parent is not an sshd.
	const parent = index.byPid.get(process.ppid);
	return process.argv.length > 0 && !(parent && isSshdProcess(parent));
}

/** A listener's child is a connection only if it is an sshd run by the listener's owner. */
function isTrustedConnection(child: ProcessRecord, listener: ProcessRecord): boolean {
	return isSshdProcess(child) || (child.uid === listener.uid && sshdCommandNames.has(child.comm)
		&& child.unreadable.includes('exe'));
}

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
type SessionLookups = {
	readonly listenerPorts: ReadonlySet<number>;
	readonly socketsByInode: ReadonlyMap<number, TcpSocket>;
	/** The last report's sessions by id: a session whose processes did not change keeps what it derived from them. */
	readonly previousSessions: ReadonlyMap<string, Session>;
};

function describeSession(
	top: ProcessRecord,
	listener: ProcessRecord,
	index: ProcessIndex,
	snapshot: Snapshot,
	lookups: SessionLookups,
): Session {
	const before = lookups.previousSessions.get(processId(top));
	const tree = buildTree(index, top, before?.tree);
	// Same tree, same records: everything read from the processes (titles, ttys, kind, user) is
	// as it was. Only what the clock, the terminals and the socket table say is worked out again.
	if (before !== undefined && tree === before.tree) {
		// No separate user side: the top is one (root without privilege separation), or there is none yet.
		const userSide = before.userSidePid === undefined
			? (before.stage === 'established' ? top : undefined)
			: index.byPid.get(before.userSidePid);
		const foreground = before.ttys.length > 1 ? findForeground(before.ttys, flattenTree(tree), userSide, index, snapshot) : before.foreground;
		const facts = liveFacts(before, [top, userSide], lookups, snapshot, before);
		// Nothing moved (an idle user keeps the same idle instant): the very object of the last report.
		return hasSameFacts(before, facts, foreground) ? before : assembleSession(before, facts, foreground, tree, before);
	}

	const members = sshdMembers(top, index);
	const topTitle = members[0]?.title;
	// The user side is the top itself for root logins without privilege separation, otherwise
	// the monitor's direct child.
	const userSide = members.find(member => member.title?.role === 'user-side'
		&& (member.process === top || member.process.ppid === top.pid));
	const userSideTitle = userSide?.title?.role === 'user-side' ? userSide.title : undefined;
	const processes = flattenTree(tree);
	const ttys = sessionTtys(userSideTitle, userSide?.process, index);
	const kind = sessionKind(userSideTitle, userSide?.process, index);
	const fixed: FixedFacts = {
		id: processId(top),
		pid: top.pid,
		listenerPid: listener.pid,
		user: userSide?.process.user ?? titleUser(topTitle, members) ?? '?',
		uid: userSide ? userSide.process.uid : undefined,
		kind,
		stage: userSide ? 'established' : 'authenticating',
		ttys,
		loginAt: top.startedAt,
		monitorPid: top.pid,
		userSidePid: userSide && userSide.process !== top ? userSide.process.pid : undefined,
	};
	const foreground = kind === 'preauth' ? undefined : findForeground(ttys, processes, userSide?.process, index, snapshot);
	return assembleSession(fixed, liveFacts({kind, ttys}, [top, userSide?.process], lookups, snapshot, before), foreground, tree, before);
}

/** What a session's processes decide: the same while its tree is. */
type FixedFacts = Pick<Session, 'id' | 'pid' | 'listenerPid' | 'user' | 'uid' | 'kind' | 'stage' | 'ttys' | 'loginAt' | 'monitorPid' | 'userSidePid'>;

type LiveFacts = Pick<Session, 'peer' | 'local' | 'idleSince' | 'idleSource' | 'health'>;

function hasSameFacts(before: Session, facts: LiveFacts, foreground: Foreground | undefined): boolean {
	return before.idleSince === facts.idleSince && before.idleSource === facts.idleSource
		&& isSameEndpoint(before.peer, facts.peer) && isSameEndpoint(before.local, facts.local)
		&& isSameAssessment(before.health, facts.health)
		&& (before.foreground === foreground || (before.foreground?.pid === foreground?.pid && before.foreground?.command === foreground?.command));
}

/**
 * Field by field, on every refresh for every session: `{...before, ...facts}` leaves V8's fast
 * path for object spread (the second spread copies property by property in the runtime): with
 * `--no-opt`, 1.9 µs a session against 0.7 µs written out.
 */
function assembleSession(
	fixed: FixedFacts,
	facts: LiveFacts,
	foreground: Foreground | undefined,
	tree: ProcessNode,
	linked: Pick<Session, 'nestedIn' | 'isOwn'> | undefined,
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
		health: facts.health,
		foreground,
		// As the last report had them; buildReport works both out again and writes out a session only when one changed.
		nestedIn: linked?.nestedIn,
		isOwn: linked?.isOwn ?? false,
		monitorPid: fixed.monitorPid,
		userSidePid: fixed.userSidePid,
		tree,
	};
}

/** What changes without any process changing: the connection's state, and how long the user has been idle. */
function liveFacts(
	session: Pick<Session, 'kind' | 'ttys'>,
	holders: ReadonlyArray<ProcessRecord | undefined>,
	{listenerPorts, socketsByInode}: SessionLookups,
	snapshot: Snapshot,
	before: Session | undefined,
): LiveFacts {
	const connection = findConnection(holders, socketsByInode, listenerPorts);
	const tcpInfo = connection && snapshot.tcpInfo?.source === 'ss' ? snapshot.tcpInfo.infos.get(connection.inode) : undefined;
	const health = assessHealth(connection, tcpInfo, before?.health?.tcp);
	const ttyActiveAt = lastTtyActivity(session.ttys, snapshot);
	// Without a terminal, the client's last packet is the best sign of life (keepalives count).
	const networkActiveAt = session.kind === 'preauth' || tcpInfo?.lastReceiveMs === undefined
		? undefined
		: snapshot.takenAt - tcpInfo.lastReceiveMs;
	return {
		peer: connection?.remote,
		local: connection?.local,
		idleSince: ttyActiveAt ?? networkActiveAt,
		idleSource: ttyActiveAt === undefined ? (networkActiveAt === undefined ? undefined : 'network') : 'tty',
		health,
	};
}

function titleUser(topTitle: SshdTitle | undefined, members: readonly SshdMember[]): string | undefined {
	for (const title of [topTitle, ...members.map(member => member.title)]) {
		if (title && 'user' in title && title.user !== undefined) {
			return title.user;
		}
	}

	return undefined;
}

function sessionKind(title: SshdTitle | undefined, userSide: ProcessRecord | undefined, index: ProcessIndex): SessionKind {
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

	return [...new Set(childrenOf(index, userSide.pid).map(child => child.tty).filter(tty => tty !== undefined))];
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
 * As `w` shows WHAT: the process in the foreground process group of the session's most recently
 * used terminal, the latest started when the group has several. Without a terminal: the
 * command the user-side sshd runs, followed down while it has a single child.
 */
function findForeground(
	ttys: readonly string[],
	processes: readonly ProcessRecord[],
	userSide: ProcessRecord | undefined,
	index: ProcessIndex,
	snapshot: Snapshot,
): Foreground | undefined {
	const activeTty = [...ttys].sort((a, b) =>
		(snapshot.ttyActivity.get(b) ?? 0) - (snapshot.ttyActivity.get(a) ?? 0))[0];
	if (activeTty !== undefined) {
		const candidates = processes.filter(process =>
			process.tty === activeTty && process.processGroup === process.foregroundProcessGroup);
		// A zombie or a process in the middle of exiting (no argv left) is not what the user is
		// running either.
		// sshtop's own helpers (the ss it runs each refresh) are never what the user is running.
		const isFading = (process: ProcessRecord) =>
			process.state === 'Z' || process.argv.length === 0 || process.ppid === snapshot.selfPid;
		const latest = candidates.sort((a, b) =>
			Number(isFading(a)) - Number(isFading(b)) || b.startTicks - a.startTicks || b.pid - a.pid)[0];
		return latest ? {pid: latest.pid, command: commandLine(latest)} : undefined;
	}

	let current = userSide ? childrenOf(index, userSide.pid)[0] : undefined;
	while (current) {
		const children = childrenOf(index, current.pid);
		if (children.length !== 1) {
			break;
		}

		current = children[0];
	}

	return current ? {pid: current.pid, command: commandLine(current)} : undefined;
}

/**
 * The nesting last worked out for a socket table, with the session trees it was worked out
 * from. The scanner keeps its socket table for as long as no socket moved, and an unchanged
 * session keeps its tree: with 500 sessions, walking every tree's sockets again was ~1 ms a refresh.
 */
const nestingByTable = new WeakMap<readonly TcpSocket[], {readonly trees: readonly ProcessNode[]; readonly outerById: ReadonlyMap<string, string>}>();

/**
 * Session B is nested in A when a process of A holds the client end of B's connection:
 * a socket whose local end is B's peer and whose remote end is B's local address.
 */
function linkNestedSessions(sessions: readonly Session[], sockets: readonly TcpSocket[]): Session[] {
	const trees = sessions.map(session => session.tree);
	let known = nestingByTable.get(sockets);
	// Same table and trees: the same sockets, held by the same processes, so the same peers.
	if (known === undefined || !isSameList(trees, known.trees)) {
		known = {trees, outerById: findNesting(sessions, sockets)};
		nestingByTable.set(sockets, known);
	}

	const {outerById} = known;
	return sessions.map(session => {
		const outer = outerById.get(session.id);
		return outer === session.nestedIn ? session : {...session, nestedIn: outer};
	});
}

/** Each nested session's id, to the id of the session it was opened from. */
function findNesting(sessions: readonly Session[], sockets: readonly TcpSocket[]): Map<string, string> {
	const sessionByInode = new Map<number, string>();
	for (const session of sessions) {
		for (const process of flattenTree(session.tree)) {
			for (const inode of process.socketInodes ?? []) {
				sessionByInode.set(inode, session.id);
			}
		}
	}

	// The client ends held by some session, by their two endpoints: one lookup per session.
	const clientEnds = new Map<string, TcpSocket>();
	for (const socket of sockets) {
		if (sessionByInode.has(socket.inode)) {
			const key = endpointPairKey(socket.local, socket.remote);
			if (!clientEnds.has(key)) {
				clientEnds.set(key, socket);
			}
		}
	}

	const outerById = new Map<string, string>();
	for (const {id, peer, local} of sessions) {
		const clientEnd = peer && local ? clientEnds.get(endpointPairKey(peer, local)) : undefined;
		const outer = clientEnd ? sessionByInode.get(clientEnd.inode) : undefined;
		if (outer && outer !== id) {
			outerById.set(id, outer);
		}
	}

	return outerById;
}

function endpointPairKey(from: Endpoint, to: Endpoint): string {
	return `${from.address} ${from.port} ${to.address} ${to.port}`;
}

/**
 * The session sshtop runs in, by its parent chain, else by its controlling terminal.
 * SSH_CONNECTION is not used: sudo drops it and anyone can set it.
 */
function findOwnSession(sessions: readonly Session[], index: ProcessIndex, selfPid: number): string | undefined {
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
