// Parser for `ss -tineH`: per-socket TCP info the kernel does not put in /proc/net/tcp.

export type TcpInfo = {
	readonly inode: number;
	/** Milliseconds since this box last sent data, received data, and received an ACK. */
	readonly lastSendMs: number | undefined;
	readonly lastReceiveMs: number | undefined;
	readonly lastAckMs: number | undefined;
	/** `retrans:CURRENT/TOTAL`: retransmissions outstanding now and over the connection's life. */
	readonly retransmitsNow: number | undefined;
	readonly retransmitsTotal: number | undefined;
	readonly unackedSegments: number | undefined;
	readonly roundTripMs: number | undefined;
};

/**
 * ss prints one header line per socket (state, queues, addresses, `ino:N`) followed by an
 * indented line of `key:value` pairs. Sockets without an inode (TIME_WAIT) are skipped.
 */
export function parseSsTcpInfo(text: string): Map<number, TcpInfo> {
	const infos = new Map<number, TcpInfo>();
	let inode: number | undefined;
	let pairs = new Map<string, string>();
	const flush = () => {
		if (inode !== undefined && inode > 0) {
			infos.set(inode, toInfo(inode, pairs));
		}
	};

	for (const line of text.split('\n')) {
		if (line.trim() === '') {
			continue;
		}

		if (/^\s/u.test(line)) {
			for (const [key, value] of keyValues(line)) {
				pairs.set(key, value);
			}

			continue;
		}

		flush();
		const inodeMatch = /\bino:(\d+)/u.exec(line);
		inode = inodeMatch ? Number(inodeMatch[1]) : undefined;
		pairs = new Map();
	}

	flush();
	return infos;
}

function keyValues(line: string): Array<[string, string]> {
	return line
		.trim()
		.split(/\s+/u)
		.flatMap(token => {
			const colon = token.indexOf(':');
			return colon > 0 ? [[token.slice(0, colon), token.slice(colon + 1)] as [string, string]] : [];
		});
}

function toInfo(inode: number, pairs: ReadonlyMap<string, string>): TcpInfo {
	const number = (key: string) => {
		const value = Number(pairs.get(key));
		return pairs.has(key) && Number.isFinite(value) ? value : undefined;
	};

	const [now, total] = (pairs.get('retrans') ?? '').split('/').map(part => (part === '' ? Number.NaN : Number(part)));
	const roundTrip = Number((pairs.get('rtt') ?? '').split('/')[0]);
	return {
		inode,
		lastSendMs: number('lastsnd'),
		lastReceiveMs: number('lastrcv'),
		lastAckMs: number('lastack'),
		retransmitsNow: Number.isFinite(now) ? now : undefined,
		retransmitsTotal: Number.isFinite(total) ? total : undefined,
		unackedSegments: number('unacked'),
		roundTripMs: pairs.has('rtt') && Number.isFinite(roundTrip) ? roundTrip : undefined,
	};
}
