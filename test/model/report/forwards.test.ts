// What a session forwards, read from the sockets its sshds hold (see forwards.ts); and the Unix
// socket table's lines as the kernel writes them.
import {describe, expect, it} from 'vitest';
import {forwardsOf, heldSockets} from '../../../source/model/report/forwards.js';
import type {UnixSocket} from '../../../source/proc/types.js';
import {parseUnixSockets} from '../../../source/proc/read-unix-sockets.js';
import {listening, processRecord, socket} from '../../fixtures/builders.js';

const peer = {address: '203.0.113.7', port: 50_000};
const local = {address: '10.0.0.1', port: 22};

/** The forwards of a session whose sshds (monitor and user side) hold the login connection and `inodes`. */
function forwardsHolding(inodes: number[]) {
	const holders = [
		processRecord({pid: 100, comm: 'sshd', argv: ['sshd: alice [priv]'], socketInodes: [1]}),
		processRecord({pid: 101, comm: 'sshd', argv: ['sshd: alice@pts/0'], socketInodes: [1, ...inodes]}),
	];
	return forwardsOf(heldSockets(holders, sockets, sockets.get(1)), holders, unix);
}

const sockets = new Map(
	[
		socket(1, local, peer),
		listening(2, 8080, '127.0.0.1'),
		socket(3, {address: '127.0.0.1', port: 8080}, {address: '127.0.0.1', port: 41_000}),
		socket(4, {address: '10.0.0.1', port: 33_000}, {address: '10.0.0.50', port: 5432}),
		socket(5, {address: '10.0.0.1', port: 33_001}, {address: '10.0.0.51', port: 443}),
		listening(6, 6010, '127.0.0.1'),
		listening(99, 9999),
	].map(each => [each.inode, each]),
);
const unix = new Map<number, UnixSocket>([
	[7, {path: '/tmp/ssh-AbCdEf1234/agent.101', isListening: true}],
	[8, {path: '', isListening: false}],
]);

describe('forwards of a session', () => {
	it('are its listeners (X11, remote) in port order, the connections it opened (local), and its agent socket', () => {
		expect(forwardsHolding([2, 3, 4, 5, 6, 7, 8])).toEqual([
			{kind: 'x11', listen: {address: '127.0.0.1', port: 6010}, path: undefined, connections: 0},
			{kind: 'remote', listen: {address: '127.0.0.1', port: 8080}, path: undefined, connections: 1},
			{kind: 'local', listen: undefined, path: undefined, connections: 2},
			{kind: 'agent', listen: undefined, path: '/tmp/ssh-AbCdEf1234/agent.101', connections: 0},
		]);
	});

	it('are none for a session holding only its login connection and socketpairs', () => {
		expect(forwardsHolding([8])).toEqual([]);
	});
});

describe('the Unix socket table', () => {
	it('gives the path of the wanted inodes and whether each listens', () => {
		const table = [
			'Num       RefCount Protocol Flags    Type St Inode Path',
			'0000000091ec100c: 00000002 00000000 00010000 0001 01 52133 /tmp/ssh-AbCdEf1234/agent.101',
			'00000000c4091e92: 00000003 00000000 00000000 0001 03 52134',
			'00000000c4091e93: 00000003 00000000 00000000 0001 03 52135 /run/other',
		].join('\n');
		expect(parseUnixSockets(table, new Set([52_133, 52_134]))).toEqual(
			new Map([
				[52_133, {path: '/tmp/ssh-AbCdEf1234/agent.101', isListening: true}],
				[52_134, {path: '', isListening: false}],
			]),
		);
	});
});
