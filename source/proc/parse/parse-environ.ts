// Picks the SSH variables out of /proc/PID/environ (NUL-separated NAME=value pairs).
import {Buffer} from 'node:buffer';

export type SshEnvironment = {
	/** SSH_CONNECTION: "client_address client_port server_address server_port". */
	readonly connection: string | undefined;
	readonly tty: string | undefined;
};

export function parseSshEnvironment(bytes: Uint8Array): SshEnvironment | undefined {
	let connection: string | undefined;
	let tty: string | undefined;
	for (const entry of Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8').split('\0')) {
		if (entry.startsWith('SSH_CONNECTION=')) {
			connection = entry.slice('SSH_CONNECTION='.length);
		} else if (entry.startsWith('SSH_TTY=')) {
			tty = entry.slice('SSH_TTY='.length);
		}
	}

	return connection === undefined && tty === undefined ? undefined : {connection, tty};
}

export type SshConnectionEnds = {
	readonly peer: {readonly address: string; readonly port: number};
	readonly local: {readonly address: string; readonly port: number};
};

/** Returns undefined unless the value has four fields with numeric ports. */
export function parseSshConnection(value: string): SshConnectionEnds | undefined {
	const fields = value.trim().split(/\s+/u);
	const [peerAddress, peerPort, localAddress, localPort] = fields;
	if (
		fields.length !== 4 ||
		!peerAddress ||
		!localAddress ||
		!/^\d+$/u.test(peerPort ?? '') ||
		!/^\d+$/u.test(localPort ?? '')
	) {
		return undefined;
	}

	// sshd prints v4-mapped peers as ::ffff:a.b.c.d; /proc/net/tcp6 is shown as plain IPv4.
	const plain = (address: string) => address.replace(/^:{2}f{4}:((?:\d+\.){3}\d+)$/iu, '$1');
	return {
		peer: {address: plain(peerAddress), port: Number(peerPort)},
		local: {address: plain(localAddress), port: Number(localPort)},
	};
}
