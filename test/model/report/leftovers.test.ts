import {Buffer} from 'node:buffer';
import {describe, expect, it} from 'vitest';
import {parseSshConnection, parseSshEnvironment} from '../../../source/proc/parse/parse-environ.js';
import {buildReport} from '../../../source/model/report/build-report.js';
import {fakeSnapshot, listenerProcess, listening, processRecord, socket, sshd} from '../../fixtures/builders.js';

describe('parseSshEnvironment', () => {
	it('picks SSH_CONNECTION and SSH_TTY out of a NUL-separated environment', () => {
		const environ = Buffer.from(
			'HOME=/home/bob\0SSH_CONNECTION=192.168.0.100 50001 10.0.0.5 22\0SSH_TTY=/dev/pts/3\0TERM=xterm\0',
		);
		expect(parseSshEnvironment(environ)).toEqual({connection: '192.168.0.100 50001 10.0.0.5 22', tty: '/dev/pts/3'});
	});

	it('returns undefined when the process never came from SSH', () => {
		expect(parseSshEnvironment(Buffer.from('HOME=/\0PATH=/bin\0'))).toBeUndefined();
	});

	it('parses the connection ends and unwraps v4-mapped peers; rejects malformed values', () => {
		expect(parseSshConnection('::ffff:192.168.0.100 50001 ::ffff:10.0.0.5 22')).toEqual({
			peer: {address: '192.168.0.100', port: 50_001},
			local: {address: '10.0.0.5', port: 22},
		});
		expect(parseSshConnection('2001:db8::1 40000 2001:db8::5 22')?.peer).toEqual({
			address: '2001:db8::1',
			port: 40_000,
		});
		expect(parseSshConnection('only three fields')).toBeUndefined();
		expect(parseSshConnection('a x b 22')).toBeUndefined();
	});
});

describe('processes left behind by a logout', () => {
	const server = {address: '10.0.0.5', port: 22};
	const live = {address: '192.168.0.100', port: 50_001};
	const report = buildReport(
		fakeSnapshot({
			processes: [
				listenerProcess(100, 9000),
				sshd({pid: 200, ppid: 100, title: 'sshd: bob [priv]', socketInodes: [9001]}),
				sshd({pid: 201, ppid: 200, uid: 1001, title: 'sshd: bob@notty', socketInodes: [9001]}),
				// Nohup'ed by a user whose connection from port 50002 is gone.
				processRecord({
					pid: 300,
					ppid: 1,
					uid: 1001,
					argv: ['sleep', '3600'],
					sshEnvironment: {connection: '192.168.0.100 50002 10.0.0.5 22', tty: '/dev/pts/7'},
				}),
				processRecord({pid: 301, ppid: 300, uid: 1001, argv: ['worker']}),
				// Setsid'ed from the session that is still connected: escaped, not left behind.
				processRecord({
					pid: 310,
					ppid: 1,
					uid: 1001,
					argv: ['daemon'],
					sshEnvironment: {connection: '192.168.0.100 50001 10.0.0.5 22', tty: undefined},
				}),
				// A system daemon that never came from SSH.
				processRecord({pid: 320, ppid: 1, uid: 0, argv: ['/usr/sbin/cron']}),
			],
			sockets: [listening(9000, 22), socket(9001, server, live)],
		}),
	);

	it('lists the orphan whose connection no longer exists, with its subtree and where it came from', () => {
		expect(report.leftovers?.map(leftover => leftover.tree.process.pid)).toEqual([300]);
		expect(report.leftovers?.[0]).toMatchObject({
			peer: {address: '192.168.0.100', port: 50_002},
			local: server,
			sshTty: '/dev/pts/7',
		});
		expect(report.leftovers?.[0]?.tree.children.map(child => child.process.pid)).toEqual([301]);
	});

	it('can look for leftovers only as root', () => {
		expect(report.leftoversReadable).toBe(true);
		expect(buildReport(fakeSnapshot({processes: [], readerUid: 1000})).leftoversReadable).toBe(false);
	});
});

describe('left behind, as a normal user', () => {
	const server = {address: '10.0.0.5', port: 22};
	const hidden = {executable: undefined, socketInodes: undefined, unreadable: ['exe', 'fd'] as const};
	// Bob reads: his session's sshds do not let him see their sockets, so its peer is unknown.
	const report = buildReport(
		fakeSnapshot({
			readerUid: 1001,
			processes: [
				processRecord({
					pid: 100,
					ppid: 1,
					uid: 0,
					comm: 'sshd',
					argv: ['sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'],
					...hidden,
				}),
				processRecord({pid: 200, ppid: 100, uid: 0, comm: 'sshd', argv: ['sshd: bob [priv]'], ...hidden}),
				processRecord({pid: 201, ppid: 200, uid: 1001, comm: 'sshd', argv: ['sshd: bob@pts/2'], ...hidden}),
				// Setsid'ed from that live session.
				processRecord({
					pid: 310,
					ppid: 1,
					uid: 1001,
					argv: ['daemon'],
					sshEnvironment: {connection: '192.168.0.100 50001 10.0.0.5 22', tty: '/dev/pts/2'},
				}),
				// From a connection that is gone.
				processRecord({
					pid: 320,
					ppid: 1,
					uid: 1001,
					argv: ['job'],
					sshEnvironment: {connection: '192.168.0.100 50009 10.0.0.5 22', tty: undefined},
				}),
			],
			// The kernel's table still has the live connection: anyone may read /proc/net/tcp.
			sockets: [listening(9000, 22), socket(9001, server, {address: '192.168.0.100', port: 50_001})],
		}),
	);

	it("never calls a process left behind while the connection it came from is still in the kernel's table", () => {
		expect(report.sessions.map(session => session.pid)).toEqual([200]);
		expect(report.sessions[0]?.peer).toBeUndefined();
		expect(report.leftovers?.map(leftover => leftover.tree.process.pid)).toEqual([320]);
	});
});
