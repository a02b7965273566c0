// Which processes are sshd, and which of them listen: decided from kernel facts first.
import {sshdCommandNames} from '../../proc/ssh-scope.js';
import type {TcpSocket} from '../../proc/types.js';
import {processId, type Endpoint, type Listener, type ProcessRecord} from '../types.js';
import {commandLine, type ProcessIndex} from './process-tree.js';
import {parseSshdTitle} from './sshd-title.js';

export type FoundListener = Listener & {readonly process: ProcessRecord};

function executableName({executable}: ProcessRecord): string | undefined {
	if (executable === undefined) {
		return undefined;
	}

	const path = executable.endsWith(' (deleted)') ? executable.slice(0, -' (deleted)'.length) : executable;
	return path.slice(path.lastIndexOf('/') + 1);
}

/**
Kernel facts first: an sshd is a process whose executable is sshd. When the executable is
hidden from us (another user's process, read as non-root), only root could have made a
root-owned process, so a root-owned process named sshd is trusted.
*/
export function isSshdProcess(process: ProcessRecord): boolean {
	if (!sshdCommandNames.has(process.comm)) {
		// An sshd's comm is its executable's name, whatever title it sets (an exec changes both).
		return false;
	}

	const name = executableName(process);
	if (name !== undefined) {
		return sshdCommandNames.has(name);
	}

	return process.uid === 0 && process.unreadable.includes('exe');
}

export function findListeners(
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
				ports: [...new Set(addresses.map(address => address.port))].toSorted((a, b) => a - b),
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

const wildcardAddresses: ReadonlySet<string> = new Set(['0.0.0.0', '::']);

/** Whether a connection's local end is an address:port the listener listens on (a wildcard covers every address, `::` IPv4 too). */
export function listensOn(listener: Pick<Listener, 'addresses'>, local: Endpoint): boolean {
	return listener.addresses.some(
		address =>
			address.port === local.port && (address.address === local.address || wildcardAddresses.has(address.address)),
	);
}
