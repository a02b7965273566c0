// Picks the SSH variables out of /proc/PID/environ (NUL-separated NAME=value pairs).
import {Buffer} from 'node:buffer';
import {unmappedIpv4} from './parse-net-tcp.js';

export type SshEnvironment = {
	/** SSH_CONNECTION: "client_address client_port server_address server_port". */
	readonly connection: string | undefined;
	readonly tty: string | undefined;
};

/** The SSH_* pairs of a NUL-separated environ block, in the order the process has them. */
export function sshVariablesOf(environ: Uint8Array): Array<readonly [name: string, value: string]> {
	return Buffer.from(environ.buffer, environ.byteOffset, environ.byteLength)
		.toString('utf8')
		.split('\0')
		.filter(entry => entry.startsWith('SSH_') && entry.includes('='))
		.map(entry => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)] as const);
}

export function parseSshEnvironment(bytes: Uint8Array): SshEnvironment | undefined {
	let connection: string | undefined;
	let tty: string | undefined;
	for (const [name, value] of sshVariablesOf(bytes)) {
		if (name === 'SSH_CONNECTION') {
			connection = value;
		} else if (name === 'SSH_TTY') {
			tty = value;
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
	return {
		peer: {address: unmappedIpv4(peerAddress), port: Number(peerPort)},
		local: {address: unmappedIpv4(localAddress), port: Number(localPort)},
	};
}
