// Small builders for SessionReports, so each test states only what it is about.
import type {ProcessRecord} from '../../source/proc/types.js';
import {processId, type Listener, type ProcessNode, type Session, type SessionReport} from '../../source/model/types.js';

export const fixtureNow = new Date(2026, 10, 22, 12, 0, 0).getTime();
const bootTime = fixtureNow - (3 * 86_400_000);

/** A session idle for `seconds` when the fixture reports are taken (idle is kept as an instant). */
export function idleFor(seconds: number | undefined): Pick<Session, 'idleSince'> {
	return {idleSince: seconds === undefined ? undefined : fixtureNow - (seconds * 1000)};
}

export function processRecord(fields: Partial<ProcessRecord> & {readonly pid: number}): ProcessRecord {
	const startTicks = fields.startTicks ?? fields.pid * 10;
	return {
		ppid: 1,
		processGroup: fields.pid,
		sessionId: fields.pid,
		ttyNumber: 0,
		tty: undefined,
		foregroundProcessGroup: -1,
		state: 'S',
		userTicks: 0,
		systemTicks: 0,
		startTicks,
		startedAt: bootTime + (startTicks * 10),
		rssBytes: 4 * 1024 * 1024,
		threads: 1,
		isKernelThread: false,
		uid: 1000,
		user: 'alice',
		comm: 'bash',
		argv: ['-bash'],
		executable: '/usr/bin/bash',
		socketInodes: [],
		unreadable: [],
		...fields,
	};
}

export function node(process: ProcessRecord, ...children: ProcessNode[]): ProcessNode {
	return {process, children};
}

export function listener(fields: Partial<Listener> & {readonly pid: number}): Listener {
	return {
		id: `${fields.pid}:${fields.pid * 10}`,
		command: 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups',
		ports: [22],
		addresses: [{address: '0.0.0.0', port: 22}],
		...fields,
	};
}

export function session(tree: ProcessNode, fields: Partial<Session> = {}): Session {
	const root = tree.process;
	return {
		id: processId(root),
		pid: root.pid,
		listenerPid: 800,
		user: 'alice',
		uid: 1000,
		kind: 'shell',
		stage: 'established',
		ttys: ['pts/0'],
		peer: {address: '203.0.113.7', port: 50_312},
		local: {address: '10.0.0.1', port: 22},
		loginAt: root.startedAt,
		// Past a minute: the IDLE column then moves once a minute, not with every refresh.
		...idleFor(125),
		foreground: undefined,
		nestedIn: undefined,
		nestedClientPid: undefined,
		depth: 0,
		hasNested: false,
		isOwn: false,
		isOwnChain: false,
		isOrphaned: false,
		isVerified: true,
		monitorPid: root.pid,
		userSidePid: tree.children[0]?.process.pid,
		tree,
		...fields,
	};
}

export function report(sessions: readonly Session[], fields: Partial<SessionReport> = {}): SessionReport {
	return {
		takenAt: fixtureNow,
		host: 'bastion',
		uptimeSeconds: 3 * 86_400 + 4 * 3600,
		loadAverage: [0.12, 0.08, 0.01],
		listeners: [listener({pid: 800})],
		sessions,
		ownSessionId: sessions.find(each => each.isOwn)?.id,
		isPartial: false,
		partialReasons: [],
		...fields,
	};
}

/** A user's interactive session: sshd monitor → sshd user side → bash → the given children. */
export function shellSession(
	pid: number,
	user: string,
	options: {readonly tty?: string; readonly peerPort?: number; readonly shellChildren?: readonly ProcessNode[]; readonly foregroundPid?: number; readonly isOwn?: boolean} = {},
): Session {
	const tty = options.tty ?? 'pts/0';
	const shellChildren = options.shellChildren ?? [];
	const tree = node(
		processRecord({pid, user: 'root', uid: 0, comm: 'sshd', argv: [`sshd: ${user} [priv]`]}),
		node(
			processRecord({pid: pid + 1, ppid: pid, user, comm: 'sshd', argv: [`sshd: ${user}@${tty}`]}),
			node(processRecord({pid: pid + 2, ppid: pid + 1, user, tty, comm: 'bash', argv: ['-bash']}), ...shellChildren),
		),
	);
	const foregroundPid = options.foregroundPid ?? pid + 2;
	const foreground = findProcess(tree, foregroundPid);
	return session(tree, {
		user,
		ttys: [tty],
		peer: {address: '203.0.113.7', port: options.peerPort ?? 50_000 + pid},
		foreground: foreground === undefined ? undefined : {pid: foregroundPid, command: foreground.argv.join(' ')},
		isOwn: options.isOwn ?? false,
	});
}

function findProcess(tree: ProcessNode, pid: number): ProcessRecord | undefined {
	const stack = [tree];
	while (stack.length > 0) {
		const node = stack.pop()!;
		if (node.process.pid === pid) {
			return node.process;
		}

		stack.push(...node.children);
	}

	return undefined;
}

/** A leaf process under a shell. */
export function child(pid: number, ppid: number, argv: readonly string[], fields: Partial<ProcessRecord> = {}): ProcessNode {
	return node(processRecord({pid, ppid, argv, comm: argv[0]?.split('/').at(-1)?.slice(0, 15) ?? '', ...fields}));
}
