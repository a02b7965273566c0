// Parser for /proc/net/tcp and /proc/net/tcp6 (see proc(5) and net/ipv4/tcp_ipv4.c get_tcp4_sock).

import {Buffer} from 'node:buffer';
import type {Endpoint, TcpSocket, TcpState, TcpTimer} from '../types.js';

const states: Readonly<Record<number, TcpState>> = {
	1: 'ESTABLISHED',
	2: 'SYN_SENT',
	3: 'SYN_RECV',
	4: 'FIN_WAIT1',
	5: 'FIN_WAIT2',
	6: 'TIME_WAIT',
	7: 'CLOSE',
	8: 'CLOSE_WAIT',
	9: 'LAST_ACK',
	10: 'LISTEN',
	11: 'CLOSING',
	12: 'NEW_SYN_RECV',
};

const timers: Readonly<Record<number, TcpTimer>> = {
	0: 'none',
	1: 'retransmit',
	2: 'keepalive',
	3: 'time-wait',
	4: 'zero-window-probe',
};

/** The state column of a listening socket (TCP_LISTEN, 10). */
const listenStateHex = '0A';

export type ByteOrder = 'LE' | 'BE';

/**
 * The kernel prints each 32-bit word of an address in host byte order, so the reader passes
 * os.endianness(); fixtures are little-endian like the machines we run on.
 *
 * `wanted`: only these inodes and the listening sockets are parsed. The explorer looks up only
 * the sockets its sshds hold, and on a box with many sessions the rest of the table (clients,
 * other services) would be most of the parsing. `wantedLocalPorts`: sockets on these local ports too
 * (the connections a process's SSH_CONNECTION names, whose holder may be hidden from the reader).
 */
export function parseNetTcp(
	text: string,
	family: 4 | 6,
	byteOrder: ByteOrder = 'LE',
	wanted?: ReadonlySet<number>,
	wantedLocalPorts?: ReadonlySet<number>,
): TcpSocket[] {
	const sockets: TcpSocket[] = [];
	for (const line of text.split('\n').slice(1)) {
		const socket = parseLine(line, family, byteOrder, wanted, wantedLocalPorts);
		if (socket) {
			sockets.push(socket);
		}
	}

	return sockets;
}

function parseLine(
	line: string,
	family: 4 | 6,
	byteOrder: ByteOrder,
	wanted: ReadonlySet<number> | undefined,
	wantedLocalPorts: ReadonlySet<number> | undefined,
): TcpSocket | undefined {
	const fields = line.trim().split(/\s+/u);
	if (
		fields.length < 10 ||
		(wanted !== undefined &&
			fields[3] !== listenStateHex &&
			!wanted.has(Number(fields[9])) &&
			!wantedLocalPorts?.has(localPortOf(fields[1])))
	) {
		return undefined;
	}

	const [, localText, remoteText, stateText, queuesText, timerText, retransmitsText, uidText, , inodeText] = fields;
	const local = parseEndpoint(localText, family, byteOrder);
	const remote = parseEndpoint(remoteText, family, byteOrder);
	const [sendQueueText, receiveQueueText] = (queuesText ?? '').split(':');
	const [timerKindText, timerWhenText] = (timerText ?? '').split(':');
	const values = {
		state: Number.parseInt(stateText ?? '', 16),
		sendQueueBytes: Number.parseInt(sendQueueText ?? '', 16),
		receiveQueueBytes: Number.parseInt(receiveQueueText ?? '', 16),
		timerKind: Number.parseInt(timerKindText ?? '', 16),
		timerExpiresTicks: Number.parseInt(timerWhenText ?? '', 16),
		retransmits: Number.parseInt(retransmitsText ?? '', 16),
		uid: Number(uidText),
		inode: Number(inodeText),
	};
	if (!local || !remote || !Object.values(values).every(value => Number.isFinite(value))) {
		return undefined;
	}

	return {
		family,
		local,
		remote,
		state: states[values.state] ?? 'UNKNOWN',
		sendQueueBytes: values.sendQueueBytes,
		receiveQueueBytes: values.receiveQueueBytes,
		timer: timers[values.timerKind] ?? 'unknown',
		timerExpiresTicks: values.timerExpiresTicks,
		retransmits: values.retransmits,
		uid: values.uid,
		inode: values.inode,
	};
}

function parseEndpoint(text: string | undefined, family: 4 | 6, byteOrder: ByteOrder): Endpoint | undefined {
	const [addressHex, portHex] = (text ?? '').split(':');
	const port = Number.parseInt(portHex ?? '', 16);
	const expectedLength = family === 4 ? 8 : 32;
	if (addressHex?.length !== expectedLength || !/^[\dA-Fa-f]+$/u.test(addressHex) || !Number.isInteger(port)) {
		return undefined;
	}

	const bytes = Buffer.alloc(expectedLength / 2);
	for (let word = 0; word < expectedLength / 8; word++) {
		const value = Number.parseInt(addressHex.slice(word * 8, word * 8 + 8), 16);
		if (byteOrder === 'LE') {
			bytes.writeUInt32LE(value, word * 4);
		} else {
			bytes.writeUInt32BE(value, word * 4);
		}
	}

	return {address: family === 4 ? formatIpv4(bytes) : formatIpv6(bytes), port};
}

function formatIpv4(bytes: Uint8Array): string {
	return [...bytes].join('.');
}

/** The port of `ADDRESS:PORT` as the kernel prints it (the port in hex). */
function localPortOf(endpoint: string | undefined): number {
	return endpoint === undefined ? -1 : Number.parseInt(endpoint.slice(endpoint.indexOf(':') + 1), 16);
}

/** A v4-mapped address as text (`::ffff:10.0.0.9`, as sshd may print a peer) as plain IPv4; any other as it is. */
export function unmappedIpv4(address: string): string {
	return address.replace(/^:{2}f{4}:((?:\d+\.){3}\d+)$/iu, '$1');
}

/** RFC 5952 text form; v4-mapped addresses (::ffff:a.b.c.d) are shown as plain IPv4. */

export function formatIpv6(bytes: Uint8Array): string {
	const groups: number[] = [];
	for (let index = 0; index < 16; index += 2) {
		groups.push(((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0));
	}

	if (groups.slice(0, 5).every(group => group === 0) && groups[5] === 0xff_ff) {
		return formatIpv4(bytes.subarray(12));
	}

	// The longest run of two or more zero groups (the first one on a tie) becomes '::'.
	let bestStart = -1;
	let bestLength = 1;
	for (let start = 0; start < 8;) {
		let end = start;
		while (end < 8 && groups[end] === 0) {
			end++;
		}

		if (end - start > bestLength) {
			bestStart = start;
			bestLength = end - start;
		}

		start = end === start ? start + 1 : end;
	}

	const hex = groups.map(group => group.toString(16));
	if (bestStart === -1) {
		return hex.join(':');
	}

	return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
