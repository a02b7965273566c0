// The `--json` document: a public contract. Add fields freely; renaming or dropping one
// requires a new schemaVersion.
import {commandLine} from '../report/process-tree.js';
import type {TcpFigures} from '../report/health.js';
import {idleSecondsAt} from '../report/idle.js';
import type {Endpoint, Leftover, ProcessNode, Session, SessionReport} from '../types.js';

export const schemaVersion = 1;

export type JsonEndpoint = {address: string; port: number};

export type JsonProcess = {
	pid: number;
	ppid: number;
	user: string;
	uid: number | null;
	state: string;
	command: string;
	argv: string[];
	comm: string;
	executable: string | null;
	tty: string | null;
	processGroup: number;
	sessionId: number;
	startedAt: string;
	startTicks: number;
	rssBytes: number;
	cpuTicks: number;
	children: JsonProcess[];
};

export type JsonSession = {
	id: string;
	pid: number;
	listenerPid: number | null;
	user: string | null;
	uid: number | null;
	kind: string;
	stage: string;
	ttys: string[];
	peer: JsonEndpoint | null;
	local: JsonEndpoint | null;
	loginAt: string;
	idleSeconds: number | null;
	idleSource: 'tty' | 'channels' | 'network' | null;
	health: string;
	healthEvidence: string[];
	tcp: JsonTcp | null;
	foreground: {pid: number; command: string} | null;
	nestedIn: string | null;
	nestedClientPid: number | null;
	depth: number;
	isOwn: boolean;
	isOwnChain: boolean;
	orphaned: boolean;
	verified: boolean;
	monitorPid: number | null;
	userSidePid: number | null;
	auth: JsonAuth;
	forwards: JsonForward[];
	/** For a connection still authenticating: refused logins from its address in the window; null otherwise or unknown. */
	sourceFailures: number | null;
	processes: JsonProcess;
};

/** Refused logins per source address over the last `windowSeconds`, from sshd's log. */
export type JsonFailedLogins = {
	windowSeconds: number;
	sources: Array<{address: string; count: number; lastAt: string}>;
};

/** One thing the session forwards; see model/report/forwards.ts. */
export type JsonForward = {
	kind: string;
	listen: JsonEndpoint | null;
	path: string | null;
	connections: number;
};

/** How the session logged in, from sshd's log; every member null when the log does not say. */
export type JsonAuth = {
	method: string | null;
	keyType: string | null;
	fingerprint: string | null;
	keyComment: string | null;
	keySource: {file: string; line: number} | null;
	certificate: {id: string; serial: string; caFingerprint: string} | null;
};

export type JsonDocument = {
	schemaVersion: number;
	host: string;
	takenAt: string;
	uptimeSeconds: number;
	loadAverage: number[];
	partial: boolean;
	partialReasons: string[];
	listeners: Array<{pid: number; id: string; command: string; ports: number[]; addresses: JsonEndpoint[]}>;
	sessions: JsonSession[];
	tcpInfoSource: 'ss' | 'proc-only' | null;
	leftovers: JsonLeftover[];
	leftoversReadable: boolean;
	/** Null when no sshd log was read. */
	failedLogins: JsonFailedLogins | null;
	/** Which sshd log was read for `auth` and `failedLogins`, and why it could not be; null when none. */
	authLog: {source: string; problem: string | null} | null;
};

/** The TCP figures with every field present: unknown ages are null, not missing. */
export type JsonTcp = {
	[Key in keyof TcpFigures]-?: Exclude<TcpFigures[Key], undefined> | (undefined extends TcpFigures[Key] ? null : never);
};

function jsonTcp(tcp: TcpFigures): JsonTcp {
	return {
		state: tcp.state,
		sendQueueBytes: tcp.sendQueueBytes,
		receiveQueueBytes: tcp.receiveQueueBytes,
		timer: tcp.timer,
		retransmits: tcp.retransmits,
		lastSendMs: tcp.lastSendMs ?? null,
		lastReceiveMs: tcp.lastReceiveMs ?? null,
		lastAckMs: tcp.lastAckMs ?? null,
		retransmitsTotal: tcp.retransmitsTotal ?? null,
		roundTripMs: tcp.roundTripMs ?? null,
	};
}

export type JsonLeftover = {
	id: string;
	pid: number;
	ppid: number;
	user: string;
	command: string;
	startedAt: string;
	sshConnection: {peer: JsonEndpoint; local: JsonEndpoint} | null;
	sshTty: string | null;
	processes: JsonProcess;
};

export function toJsonDocument(report: SessionReport, sessions: readonly Session[] = report.sessions): JsonDocument {
	return {
		schemaVersion,
		host: report.host,
		takenAt: new Date(report.takenAt).toISOString(),
		uptimeSeconds: report.uptimeSeconds,
		loadAverage: [...report.loadAverage],
		partial: report.isPartial,
		partialReasons: [...report.partialReasons],
		listeners: report.listeners.map(listener => ({
			pid: listener.pid,
			id: listener.id,
			command: listener.command,
			ports: [...listener.ports],
			addresses: listener.addresses.map(address => endpoint(address)),
		})),
		sessions: sessions.map(session => jsonSession(session, report.takenAt)),
		tcpInfoSource: report.tcpInfoSource ?? null,
		leftovers: (report.leftovers ?? []).map(leftover => jsonLeftover(leftover)),
		leftoversReadable: report.leftoversReadable ?? false,
		failedLogins:
			report.failedLogins === undefined
				? null
				: {
						windowSeconds: report.failedLogins.windowSeconds,
						sources: report.failedLogins.sources.map(source => ({
							address: source.address,
							count: source.count,
							lastAt: new Date(source.lastAt).toISOString(),
						})),
					},
		authLog:
			report.authLog === undefined ? null : {source: report.authLog.source, problem: report.authLog.problem ?? null},
	};
}

function jsonLeftover(leftover: Leftover): JsonLeftover {
	const {process} = leftover.tree;
	return {
		id: leftover.id,
		pid: process.pid,
		ppid: process.ppid,
		user: process.user,
		command: commandLine(process),
		startedAt: new Date(process.startedAt).toISOString(),
		sshConnection:
			leftover.peer && leftover.local ? {peer: endpoint(leftover.peer), local: endpoint(leftover.local)} : null,
		sshTty: leftover.sshTty ?? null,
		processes: jsonProcess(leftover.tree),
	};
}

function jsonSession(session: Session, takenAt: number): JsonSession {
	return {
		id: session.id,
		pid: session.pid,
		listenerPid: session.listenerPid ?? null,
		user: session.user === '?' ? null : session.user,
		uid: session.uid ?? null,
		kind: session.kind,
		stage: session.stage,
		ttys: [...session.ttys],
		peer: session.peer ? endpoint(session.peer) : null,
		local: session.local ? endpoint(session.local) : null,
		loginAt: new Date(session.loginAt).toISOString(),
		idleSeconds: idleSecondsAt(session, takenAt) ?? null,
		idleSource: session.idleSource ?? null,
		health: session.health?.health ?? 'unknown',
		healthEvidence: [...(session.health?.evidence ?? [])],
		tcp: session.health?.tcp ? jsonTcp(session.health.tcp) : null,
		foreground: session.foreground ? {...session.foreground} : null,
		nestedIn: session.nestedIn ?? null,
		nestedClientPid: session.nestedClientPid ?? null,
		depth: session.depth,
		isOwn: session.isOwn,
		isOwnChain: session.isOwnChain,
		orphaned: session.isOrphaned,
		verified: session.isVerified,
		monitorPid: session.monitorPid ?? null,
		userSidePid: session.userSidePid ?? null,
		auth: jsonAuth(session),
		forwards: (session.forwards ?? []).map(forward => ({
			kind: forward.kind,
			listen: forward.listen ? endpoint(forward.listen) : null,
			path: forward.path ?? null,
			connections: forward.connections,
		})),
		sourceFailures: session.sourceFailures ?? null,
		processes: jsonProcess(session.tree),
	};
}

function jsonAuth({auth}: Session): JsonAuth {
	return {
		method: auth?.method ?? null,
		keyType: auth?.keyType ?? null,
		fingerprint: auth?.fingerprint ?? null,
		keyComment: auth?.keyComment ?? null,
		keySource: auth?.keySource ? {...auth.keySource} : null,
		certificate: auth?.certificate ? {...auth.certificate} : null,
	};
}

function jsonProcess(node: ProcessNode): JsonProcess {
	const {process} = node;
	return {
		pid: process.pid,
		ppid: process.ppid,
		user: process.user,
		uid: process.uid ?? null,
		state: process.state,
		command: commandLine(process),
		argv: [...process.argv],
		comm: process.comm,
		executable: process.executable ?? null,
		tty: process.tty ?? null,
		processGroup: process.processGroup,
		sessionId: process.sessionId,
		startedAt: new Date(process.startedAt).toISOString(),
		startTicks: process.startTicks,
		rssBytes: process.rssBytes,
		cpuTicks: process.userTicks + process.systemTicks,
		children: node.children.map(child => jsonProcess(child)),
	};
}

function endpoint(value: Endpoint): JsonEndpoint {
	return {address: value.address, port: value.port};
}
