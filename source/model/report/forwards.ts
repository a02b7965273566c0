// What a session carries besides its terminal, from the sockets its sshds hold: a remote forward
// (`ssh -R`) is a socket its user-side sshd listens on, with the connections it accepted there;
// local and dynamic forwards (`ssh -L`, `-D`) are connections that sshd opened to their targets
// (the server cannot tell the two apart: both arrive as direct-tcpip channels, so they are
// reported as local); agent forwarding (`ssh -A`) is the Unix socket it listens on for the
// session's SSH_AUTH_SOCK; X11 forwarding is a TCP listener at 6000 + display (X11DisplayOffset
// 10: port 6010 and up). Pure.
import type {Endpoint, ProcessRecord, TcpSocket, UnixSocket} from '../../proc/types.js';

export type ForwardKind = 'remote' | 'local' | 'dynamic' | 'agent' | 'x11';

export type Forward = {
	readonly kind: ForwardKind;
	/** Where it listens, for remote forwards and X11; undefined for the others. */
	readonly listen: Endpoint | undefined;
	/** The Unix socket, for agent forwarding and remote forwards to a socket path. */
	readonly path: string | undefined;
	/** Connections it carries now. */
	readonly connections: number;
};

/** sshd puts a forwarded agent's socket at /tmp/ssh-XXXXXXXXXX/agent.PID (its own pid). */
const agentSocket = /\/ssh-[^/]+\/agent\.\d+$/u;
const firstX11Port = 6010;
const lastX11Port = 6999;
const noForwards: readonly Forward[] = [];

/** The TCP sockets a session's sshds hold besides its login connection, listeners included. */
export function heldSockets(
	holders: ReadonlyArray<ProcessRecord | undefined>,
	byInode: ReadonlyMap<number, TcpSocket>,
	login: TcpSocket | undefined,
): TcpSocket[] {
	const held = new Map<number, TcpSocket>();
	for (const holder of holders) {
		for (const inode of holder?.socketInodes ?? []) {
			const socket = byInode.get(inode);
			if (socket !== undefined && socket.inode !== login?.inode) held.set(inode, socket);
		}
	}

	return [...held.values()];
}

/**
The forwards of one session from `held` (heldSockets) and the Unix sockets its sshds listen on:
its listeners in port order, then the connections it opened, then its Unix sockets.
*/
export function forwardsOf(
	held: readonly TcpSocket[],
	holders: ReadonlyArray<ProcessRecord | undefined>,
	unixByInode: ReadonlyMap<number, UnixSocket> | undefined,
): readonly Forward[] {
	const unix: UnixSocket[] = [];
	for (const holder of unixByInode === undefined ? [] : holders) {
		for (const inode of holder?.socketInodes ?? []) {
			const socket = unixByInode!.get(inode);
			if (socket?.isListening === true && socket.path !== '' && !unix.includes(socket)) unix.push(socket);
		}
	}

	if (held.length === 0 && unix.length === 0) return noForwards;
	const listeners = held.filter(socket => socket.state === 'LISTEN');
	const listenPorts = new Set(listeners.map(socket => socket.local.port));
	const accepted = (port: number) =>
		held.filter(socket => socket.state !== 'LISTEN' && socket.local.port === port).length;
	const listening: Forward[] = listeners
		.toSorted((a, b) => a.local.port - b.local.port)
		.map(socket => ({
			kind: socket.local.port >= firstX11Port && socket.local.port <= lastX11Port ? 'x11' : 'remote',
			listen: socket.local,
			path: undefined,
			connections: accepted(socket.local.port),
		}));
	const opened = held.filter(socket => socket.state !== 'LISTEN' && !listenPorts.has(socket.local.port));
	const local: Forward[] =
		opened.length === 0 ? [] : [{kind: 'local', listen: undefined, path: undefined, connections: opened.length}];
	const sockets: Forward[] = unix
		.toSorted((a, b) => (a.path < b.path ? -1 : 1))
		.map(socket => ({
			kind: agentSocket.test(socket.path) ? 'agent' : 'remote',
			listen: undefined,
			path: socket.path,
			connections: 0,
		}));
	return [...listening, ...local, ...sockets];
}

export function isSameForwards(a: readonly Forward[] | undefined, b: readonly Forward[] | undefined): boolean {
	if (a === b) return true;
	if (a?.length !== b?.length || a === undefined || b === undefined) return false;
	return a.every((forward, index) => {
		const other = b[index]!;
		return (
			forward.kind === other.kind &&
			forward.path === other.path &&
			forward.connections === other.connections &&
			forward.listen?.address === other.listen?.address &&
			forward.listen?.port === other.listen?.port
		);
	});
}
