// What a session carries besides its terminal, from the sockets its sshds hold: a remote forward
// (`ssh -R`) is a socket its user-side sshd listens on, with the connections it accepted there;
// local and dynamic forwards (`ssh -L`, `-D`) are connections that sshd opened to their targets
// (the server cannot tell the two apart: both arrive as direct-tcpip channels, so they are
// reported as local); agent forwarding (`ssh -A`) is the Unix socket it listens on for the
// session's SSH_AUTH_SOCK; X11 forwarding is a TCP listener at 6000 + display (X11DisplayOffset
// 10: port 6010 and up). Pure.
import type {Endpoint, TcpSocket} from '../../proc/types.js';
import type {ProcessNode, Session} from '../types.js';

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

export type UnixSocket = {readonly path: string; readonly isListening: boolean};

/** sshd puts a forwarded agent's socket at /tmp/ssh-XXXXXXXXXX/agent.PID (its own pid). */
const agentSocket = /\/ssh-[^/]+\/agent\.\d+$/u;
const firstX11Port = 6010;
const lastX11Port = 6999;

function sshdSockets(tree: ProcessNode): Set<number> {
	const inodes = new Set<number>();
	const visit = (node: ProcessNode) => {
		if (node.process.comm === 'sshd' || node.process.comm === 'sshd-session') {
			for (const inode of node.process.socketInodes ?? []) inodes.add(inode);
			for (const child of node.children) visit(child);
		}
	};

	visit(tree);
	return inodes;
}

function isSameEndpoint(a: Endpoint | undefined, b: Endpoint): boolean {
	return a?.port === b.port && a.address === b.address;
}

/** The forwards of one session: its listeners in port order, then the connections it opened, then its Unix sockets. */
export function forwardsOf(
	session: Pick<Session, 'tree' | 'peer' | 'local'>,
	socketsByInode: ReadonlyMap<number, TcpSocket>,
	unixByInode: ReadonlyMap<number, UnixSocket>,
): Forward[] {
	const tcp: TcpSocket[] = [];
	const unix: UnixSocket[] = [];
	for (const inode of sshdSockets(session.tree)) {
		const socket = socketsByInode.get(inode);
		if (socket !== undefined) {
			// The login connection itself is not a forward.
			if (!(isSameEndpoint(session.peer, socket.remote) && isSameEndpoint(session.local, socket.local)))
				tcp.push(socket);
			continue;
		}

		const unixSocket = unixByInode.get(inode);
		if (unixSocket?.isListening === true && unixSocket.path !== '') unix.push(unixSocket);
	}

	const listeners = tcp.filter(socket => socket.state === 'LISTEN');
	const listenPorts = new Set(listeners.map(socket => socket.local.port));
	const accepted = (port: number) =>
		tcp.filter(socket => socket.state !== 'LISTEN' && socket.local.port === port).length;
	const listening: Forward[] = listeners
		.toSorted((a, b) => a.local.port - b.local.port)
		.map(socket => ({
			kind: socket.local.port >= firstX11Port && socket.local.port <= lastX11Port ? 'x11' : 'remote',
			listen: socket.local,
			path: undefined,
			connections: accepted(socket.local.port),
		}));
	const opened = tcp.filter(socket => socket.state !== 'LISTEN' && !listenPorts.has(socket.local.port));
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

export function isSameForwards(a: readonly Forward[], b: readonly Forward[]): boolean {
	return (
		a.length === b.length &&
		a.every((forward, index) => {
			const other = b[index]!;
			return (
				forward.kind === other.kind &&
				forward.path === other.path &&
				forward.connections === other.connections &&
				forward.listen?.address === other.listen?.address &&
				forward.listen?.port === other.listen?.port
			);
		})
	);
}
