import {Buffer} from 'node:buffer';
import {describe, expect, it} from 'vitest';
import {formatIpv6, parseNetTcp} from '../../../source/proc/parse/parse-net-tcp.js';
import {fixtureText} from '../fixture.js';

describe('parseNetTcp over /proc/net/tcp', () => {
	const sockets = parseNetTcp(fixtureText('net/tcp'), 4);

	it('decodes little-endian addresses, hex ports, states and inodes', () => {
		expect(sockets[0]).toMatchObject({
			family: 4,
			local: {address: '127.0.0.1', port: 42_222},
			remote: {address: '0.0.0.0', port: 0},
			state: 'LISTEN',
			inode: 31_001,
		});
		expect(sockets[1]).toMatchObject({
			local: {address: '127.0.0.1', port: 42_222},
			remote: {address: '127.0.0.1', port: 48_222},
			state: 'ESTABLISHED',
			timer: 'keepalive',
		});
	});

	it('parses only the wanted inodes and the listening sockets when asked', () => {
		const wanted = parseNetTcp(fixtureText('net/tcp'), 4, 'LE', new Set([31_003, 31_005, 99_999]));
		expect(wanted.map(socket => [socket.inode, socket.state])).toEqual([
			[31_001, 'LISTEN'],
			[31_003, 'ESTABLISHED'],
			[31_005, 'CLOSE_WAIT'],
		]);
		expect(wanted[1]).toEqual(sockets.find(socket => socket.inode === 31_003));
	});

	it('also parses the sockets on wanted local ports (a connection whose holder the reader cannot see)', () => {
		const byPort = parseNetTcp(fixtureText('net/tcp'), 4, 'LE', new Set(), new Set([22]));
		expect(byPort.every(socket => socket.state === 'LISTEN' || socket.local.port === 22)).toBe(true);
		expect(byPort.map(socket => socket.inode)).toContain(31_004);
	});

	it('reads queues, timers and retransmits as numbers', () => {
		expect(sockets[3]).toMatchObject({
			local: {address: '10.0.0.5', port: 22},
			remote: {address: '192.168.0.100', port: 54_321},
			sendQueueBytes: 8000,
			receiveQueueBytes: 0,
			timer: 'retransmit',
			timerExpiresTicks: 0x1_20,
			retransmits: 7,
		});
		expect(sockets[4]).toMatchObject({state: 'CLOSE_WAIT', receiveQueueBytes: 16});
		expect(sockets[5]).toMatchObject({timer: 'zero-window-probe', sendQueueBytes: 0x2_00_00});
		expect(sockets[6]).toMatchObject({state: 'TIME_WAIT', timer: 'time-wait', inode: 0});
	});

	it('skips malformed lines (too few fields, non-hex address) and keeps the rest', () => {
		expect(sockets).toHaveLength(7);
	});
});

describe('parseNetTcp over /proc/net/tcp6', () => {
	const sockets = parseNetTcp(fixtureText('net/tcp6'), 6);

	it('prints the unspecified and loopback addresses the usual way', () => {
		expect(sockets[0]?.local).toEqual({address: '::', port: 42_222});
		expect(sockets[1]?.local).toEqual({address: '::1', port: 42_222});
		expect(sockets[1]?.remote).toEqual({address: '::1', port: 57_762});
	});

	it('prints v4-mapped addresses as plain IPv4', () => {
		expect(sockets[2]?.local).toEqual({address: '10.0.0.5', port: 22});
		expect(sockets[2]?.remote).toEqual({address: '192.168.0.100', port: 50_000});
	});

	it('compresses the longest zero run in global addresses', () => {
		expect(sockets[3]?.local.address).toBe('2001:db8::5');
		expect(sockets[3]?.remote.address).toBe('2001:db8::1:0:2');
		expect(sockets[3]?.uid).toBe(1001);
	});

	it('rejects an IPv4-length address in the IPv6 table', () => {
		expect(sockets).toHaveLength(4);
	});

	it('decodes big-endian hosts too', () => {
		const [socket] = parseNetTcp(
			'header\n 0: 7F000001:0016 7F000001:C350 01 00000000:00000000 00:00000000 00000000 0 0 9 1\n',
			4,
			'BE',
		);
		expect(socket?.local.address).toBe('127.0.0.1');
	});
});

describe('formatIpv6', () => {
	it('follows RFC 5952: lowercase, leading zeros dropped, first longest zero run compressed', () => {
		const bytes = (hex: string) => Buffer.from(hex, 'hex');
		expect(formatIpv6(bytes('20010db8000000010000000000000001'))).toBe('2001:db8:0:1::1');
		expect(formatIpv6(bytes('20010db8000000000001000000000001'))).toBe('2001:db8::1:0:0:1');
		expect(formatIpv6(bytes('fe800000000000000000000000000000'))).toBe('fe80::');
		expect(formatIpv6(bytes('20010db8000100020003000400050006'))).toBe('2001:db8:1:2:3:4:5:6');
	});
});
