// What procps and iproute2 say about processes and sockets: the independent witness that
// sshtop's output is checked against. Nothing here imports sshtop's own code.
import {execa} from 'execa';
import {waitFor, type WaitOptions} from './wait-for.js';

export type PsRow = {
	readonly pid: number;
	readonly ppid: number;
	readonly uid: number;
	readonly user: string;
	/** Controlling terminal as ps prints it (`pts/3`); undefined for `?`. */
	readonly tty: string | undefined;
	readonly processGroup: number;
	/** Foreground process group of the controlling terminal; -1 without one. */
	readonly foregroundProcessGroup: number;
	readonly stat: string;
	/** Epoch milliseconds, to the second (ps's lstart). */
	readonly startedAt: number;
	readonly args: string;
};

export type PsTable = {
	readonly rows: readonly PsRow[];
	readonly get: (pid: number) => PsRow | undefined;
	readonly childrenOf: (pid: number) => readonly PsRow[];
	/** Every process below `pid` (not `pid` itself), parents before children. */
	readonly descendantsOf: (pid: number) => readonly PsRow[];
	/** Parent, grandparent, … up to PID 1. */
	readonly ancestorsOf: (pid: number) => readonly PsRow[];
};

const psLine =
	/^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\d+)\s+(-?\d+)\s+(\S+)\s+(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4})\s?(.*)$/u;

export function parsePs(output: string): PsRow[] {
	const rows: PsRow[] = [];
	for (const line of output.split('\n')) {
		const match = psLine.exec(line);
		if (!match) {
			continue;
		}

		const [, pid, ppid, uid, user, tty, processGroup, foregroundProcessGroup, stat, lstart, args] = match;
		rows.push({
			pid: Number(pid),
			ppid: Number(ppid),
			uid: Number(uid),
			user: user!,
			tty: tty === '?' ? undefined : tty,
			processGroup: Number(processGroup),
			foregroundProcessGroup: Number(foregroundProcessGroup),
			stat: stat!,
			// Lstart is local time without a zone; Date.parse reads it in the same local zone.
			startedAt: Date.parse(lstart!),
			args: args ?? '',
		});
	}

	return rows;
}

export function psTable(rows: readonly PsRow[]): PsTable {
	const byPid = new Map(rows.map(row => [row.pid, row]));
	const children = new Map<number, PsRow[]>();
	for (const row of rows) {
		const siblings = children.get(row.ppid) ?? [];
		siblings.push(row);
		children.set(row.ppid, siblings);
	}

	const childrenOf = (pid: number) => (pid === 0 ? [] : (children.get(pid) ?? []));
	return {
		rows,
		get: pid => byPid.get(pid),
		childrenOf,
		descendantsOf(pid) {
			const found: PsRow[] = [];
			const queue = [...childrenOf(pid)];
			while (queue.length > 0) {
				const row = queue.shift()!;
				found.push(row);
				queue.push(...childrenOf(row.pid));
			}

			return found;
		},
		ancestorsOf(pid) {
			const found: PsRow[] = [];
			const foundPids = new Set<number>();
			for (let row = byPid.get(pid); row !== undefined && row.ppid !== 0 && !foundPids.has(row.ppid);) {
				row = byPid.get(row.ppid);
				if (row !== undefined) {
					found.push(row);
					foundPids.add(row.pid);
				}
			}

			return found;
		},
	};
}

/** `ps` for every process: pid, ppid, uid, user, tty, pgid, tpgid, stat, lstart, args. */
export async function readPs(): Promise<PsTable> {
	const {stdout} = await execa('ps', ['-ww', '-eo', 'pid=,ppid=,uid=,user:64=,tty=,pgid=,tpgid=,stat=,lstart=,args='], {
		env: {LC_ALL: 'C'},
	});
	return psTable(parsePs(stdout));
}

export type SocketAddress = {
	readonly address: string;
	readonly port: number;
};

export type SocketOwner = {
	readonly command: string;
	readonly pid: number;
	readonly fd: number;
};

export type SsSocket = {
	/** As ss prints it: ESTAB, LISTEN, TIME-WAIT, … */
	readonly state: string;
	readonly local: SocketAddress;
	readonly peer: SocketAddress;
	readonly owners: readonly SocketOwner[];
};

function parseAddress(text: string): SocketAddress {
	const colon = text.lastIndexOf(':');
	let address = text.slice(0, colon);
	const port = text.slice(colon + 1);
	if (address.startsWith('[') && address.endsWith(']')) {
		address = address.slice(1, -1);
	}

	// A scope such as 127.0.0.53%lo names an interface, not part of the address.
	address = address.replace(/%.*$/u, '');
	return {address, port: port === '*' ? 0 : Number(port)};
}

export function parseSs(output: string): SsSocket[] {
	const sockets: SsSocket[] = [];
	for (const line of output.split('\n')) {
		const [state, _receiveQueue, _sendQueue, local, peer, ...rest] = line.trim().split(/\s+/u);
		if (state === undefined || local === undefined || peer === undefined) {
			continue;
		}

		const owners: SocketOwner[] = [];
		for (const match of rest.join(' ').matchAll(/\("((?:[^"\\]|\\.)*)",pid=(\d+),fd=(\d+)\)/gu)) {
			owners.push({command: match[1]!, pid: Number(match[2]), fd: Number(match[3])});
		}

		sockets.push({state, local: parseAddress(local), peer: parseAddress(peer), owners});
	}

	return sockets;
}

export type SsOptions = {
	/** Read the sockets of this network namespace (`ip netns exec NAME ss …`) instead of ours. */
	readonly namespace?: string;
};

function ssCommand(args: readonly string[], options: SsOptions): [string, string[]] {
	return options.namespace === undefined
		? ['ss', [...args]]
		: ['ip', ['netns', 'exec', options.namespace, 'ss', ...args]];
}

/** `ss -tanpH`: every TCP socket with the processes holding it. */
export async function readSs(options: SsOptions = {}): Promise<SsSocket[]> {
	const [program, args] = ssCommand(['-tanpH'], options);
	const {stdout} = await execa(program, args, {env: {LC_ALL: 'C'}});
	return parseSs(stdout);
}

/** The `timer:(NAME,EXPIRES,COUNT)` field of `ss -o`. */
export type SsTimer = {
	/** On (retransmit), keepalive, timewait, persist (zero-window probe), … */
	readonly name: string;
	readonly expires: string;
	/** Retransmits (on) or unanswered probes (persist, keepalive) so far. */
	readonly count: number;
};

/** One socket of `ss -tinoeH`: queues, timer and the kernel's tcp_info figures. */
export type SsTcpDetails = {
	readonly state: string;
	readonly receiveQueueBytes: number;
	readonly sendQueueBytes: number;
	readonly local: SocketAddress;
	readonly peer: SocketAddress;
	readonly timer: SsTimer | undefined;
	readonly inode: number | undefined;
	readonly lastSendMs: number | undefined;
	readonly lastReceiveMs: number | undefined;
	readonly lastAckMs: number | undefined;
	/** `retrans:CURRENT/TOTAL`: unacknowledged retransmitted segments now, and ever. */
	readonly retransmitsNow: number | undefined;
	readonly retransmitsTotal: number | undefined;
	/** Both lines as ss printed them, for failure messages. */
	readonly text: string;
};

function numberField(text: string, name: string): number | undefined {
	const match = new RegExp(String.raw`(?:^|\s)${name}:(\d+)`, 'u').exec(text);
	return match ? Number(match[1]) : undefined;
}

export function parseSsDetails(output: string): SsTcpDetails[] {
	const details: SsTcpDetails[] = [];
	let current: {head: string; info: string} | undefined;
	const finish = () => {
		if (current === undefined) {
			return;
		}

		const [state, receiveQueue, sendQueue, local, peer] = current.head.trim().split(/\s+/u);
		if (state !== undefined && local !== undefined && peer !== undefined) {
			const timer = /timer:\((\w+),([^,]*),(\d+)\)/u.exec(current.head);
			const retrans = /(?:^|\s)retrans:(\d+)\/(\d+)/u.exec(current.info);
			details.push({
				state,
				receiveQueueBytes: Number(receiveQueue),
				sendQueueBytes: Number(sendQueue),
				local: parseAddress(local),
				peer: parseAddress(peer),
				timer: timer ? {name: timer[1]!, expires: timer[2]!, count: Number(timer[3])} : undefined,
				inode: numberField(current.head, 'ino'),
				lastSendMs: numberField(current.info, 'lastsnd'),
				lastReceiveMs: numberField(current.info, 'lastrcv'),
				lastAckMs: numberField(current.info, 'lastack'),
				retransmitsNow: retrans ? Number(retrans[1]) : undefined,
				retransmitsTotal: retrans ? Number(retrans[2]) : undefined,
				text: `${current.head}\n${current.info}`,
			});
		}

		current = undefined;
	};

	for (const line of output.split('\n')) {
		if (line.trim() === '') {
			continue;
		}

		if (/^\s/u.test(line) && current !== undefined) {
			current.info += ` ${line.trim()}`;
		} else {
			finish();
			current = {head: line, info: ''};
		}
	}

	finish();
	return details;
}

/** `ss -tinoeH`: every TCP socket with its queues, timer and tcp_info. */
export async function readSsDetails(options: SsOptions = {}): Promise<SsTcpDetails[]> {
	const [program, args] = ssCommand(['-tinoeHa'], options);
	const {stdout} = await execa(program, args, {env: {LC_ALL: 'C'}});
	return parseSsDetails(stdout);
}

/** The server end of the connection from `peer` to the server's `serverPort`, whatever its state. */
export function serverSocketDetails(
	sockets: readonly SsTcpDetails[],
	serverPort: number,
	peer: SocketAddress,
): SsTcpDetails | undefined {
	return sockets.find(
		socket =>
			socket.local.port === serverPort && socket.peer.port === peer.port && socket.peer.address === peer.address,
	);
}

/** The client end of a connection to `serverPort` held by `pid` or one of its descendants. */
export function clientSocketOf(
	sockets: readonly SsSocket[],
	table: PsTable,
	pid: number,
	serverPort: number,
): SsSocket | undefined {
	const family = new Set([pid, ...table.descendantsOf(pid).map(row => row.pid)]);
	return sockets.find(
		socket =>
			socket.state === 'ESTAB' && socket.peer.port === serverPort && socket.owners.some(owner => family.has(owner.pid)),
	);
}

/**
The local port of the connection to `serverPort` that `pid` (an ssh client, or the pane or shell
that runs it) or a descendant holds, once `ss` and `ps` show it.
*/
export async function clientPortOf(pid: number, serverPort: number, options: WaitOptions = {}): Promise<number> {
	return waitFor(
		async () => {
			const [table, sockets] = await Promise.all([readPs(), readSs()]);
			return clientSocketOf(sockets, table, pid, serverPort)?.local.port;
		},
		{description: `the port of the ssh client (pid ${pid})`, ...options},
	);
}

/** The server end of the connection whose client side uses `clientPort`. */
export function serverSocketOf(
	sockets: readonly SsSocket[],
	serverPort: number,
	clientPort: number,
	/** The client's address, when connections may come from elsewhere than 127.0.0.1 (another namespace). */
	clientAddress?: string,
): SsSocket | undefined {
	return sockets.find(
		socket =>
			socket.state === 'ESTAB' &&
			socket.local.port === serverPort &&
			socket.peer.port === clientPort &&
			(clientAddress === undefined || socket.peer.address === clientAddress),
	);
}

/** What ps and ss say about one SSH connection. */
export type SessionTruth = {
	/** The connection's top sshd: the socket holder (or its ancestor) whose parent is the listener. */
	readonly pid: number;
	readonly listenerPid: number;
	/** Every process holding the server end of the socket (with privilege separation: monitor and user side). */
	readonly socketHolderPids: readonly number[];
	/** The login user: owner of the lowest socket-holding sshd (the user side when split). */
	readonly user: string;
	readonly uid: number;
	/** Sorted, distinct terminals of the processes below the top sshd. */
	readonly ttys: readonly string[];
	/** The top sshd and all its descendants. */
	readonly members: readonly PsRow[];
	readonly startedAt: number;
};

export function sessionTruth(
	sockets: readonly SsSocket[],
	table: PsTable,
	listenerPid: number,
	{
		serverPort,
		clientPort,
		clientAddress,
	}: {readonly serverPort: number; readonly clientPort: number; readonly clientAddress?: string},
): SessionTruth | undefined {
	const socket = serverSocketOf(sockets, serverPort, clientPort, clientAddress);
	if (socket === undefined) {
		return undefined;
	}

	const holders = socket.owners.map(owner => owner.pid);
	let top: PsRow | undefined;
	for (const pid of holders) {
		const chain = [table.get(pid), ...table.ancestorsOf(pid)];
		top = chain.find(row => row?.ppid === listenerPid);
		if (top !== undefined) {
			break;
		}
	}

	if (top === undefined) {
		return undefined;
	}

	const members = [top, ...table.descendantsOf(top.pid)];
	// The deepest holder is the user side; for root logins the monitor is the only one.
	const lowestHolder = members.findLast(row => holders.includes(row.pid)) ?? top;
	const ttys = [...new Set(members.map(row => row.tty).filter(tty => tty !== undefined))].sort();
	return {
		pid: top.pid,
		listenerPid,
		socketHolderPids: holders,
		user: lowestHolder.user,
		uid: lowestHolder.uid,
		ttys,
		members,
		startedAt: top.startedAt,
	};
}

/** The pids listening on TCP `port` per ss. */
export function listeningPids(sockets: readonly SsSocket[], port: number): number[] {
	return sockets
		.filter(socket => socket.state === 'LISTEN' && socket.local.port === port)
		.flatMap(socket => socket.owners.map(owner => owner.pid));
}
