import {describe, expect, it} from 'vitest';
import {parseSsTcpInfo} from '../../../source/proc/parse/parse-ss.js';
import {fixtureText} from '../fixture.js';

describe('parseSsTcpInfo over `ss -tineH`', () => {
	const infos = parseSsTcpInfo(fixtureText('ss-tine.txt'));

	it('keys each socket by inode and reads the last send/receive/ack ages in ms', () => {
		expect(infos.get(73_681)).toMatchObject({lastSendMs: 188, lastReceiveMs: 1200, lastAckMs: 188, roundTripMs: 6.151});
	});

	it('reads retransmissions and unacked segments of a peer that stopped answering', () => {
		expect(infos.get(31_004)).toMatchObject({
			retransmitsNow: 1,
			retransmitsTotal: 19,
			unackedSegments: 6,
			lastReceiveMs: 96_000,
		});
	});

	it('skips sockets without an inode and leaves garbage values unknown', () => {
		expect(infos.has(0)).toBe(false);
		expect(infos.get(32_002)).toMatchObject({lastSendMs: 5, lastReceiveMs: undefined, roundTripMs: undefined});
		expect(infos.size).toBe(3);
	});

	it('returns nothing for empty output', () => {
		expect(parseSsTcpInfo('').size).toBe(0);
	});
});
