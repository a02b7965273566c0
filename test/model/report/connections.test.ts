import {describe, expect, it} from 'vitest';
import {buildReport} from '../../../source/model/report/build-report.js';
import type {Session} from '../../../source/model/types.js';
import {fakeSnapshot, listenerProcess, listening, processRecord, pts, socket, sshd} from '../../fixtures/builders.js';

const server = {address: '10.0.0.5', port: 22};
const client = (port: number) => ({address: '192.168.0.100', port});

function only(sessions: readonly Session[], pid: number): Session {
	const matching = sessions.filter(session => session.pid === pid);
	expect(matching).toHaveLength(1);
	return matching[0]!;
}

describe('a connection whose [priv] monitor was killed', () => {
	// Kill -9 on the monitor: its user side is re-parented to PID 1 and still holds the connection.
	const report = buildReport(
		fakeSnapshot({
			processes: [
				listenerProcess(100, 9000),
				sshd({pid: 201, ppid: 1, uid: 1000, title: 'sshd: alice@pts/3', socketInodes: [9001]}),
				processRecord({
					pid: 202,
					ppid: 201,
					uid: 1000,
					argv: ['-bash'],
					processGroup: 202,
					foregroundProcessGroup: 202,
					...pts(3),
				}),
				sshd({pid: 301, ppid: 1, uid: 1001, title: 'sshd: bob@notty', socketInodes: [9002]}),
				sshd({pid: 302, ppid: 301, uid: 1001, title: 'sshd: bob@internal-sftp'}),
			],
			sockets: [listening(9000, 22), socket(9001, server, client(50_001)), socket(9002, server, client(50_002))],
		}),
	);

	it('is still a session: its user side is the top, marked orphaned, with no monitor', () => {
		expect(only(report.sessions, 201)).toMatchObject({
			user: 'alice',
			kind: 'shell',
			ttys: ['pts/3'],
			isOrphaned: true,
			isVerified: true,
			monitorPid: undefined,
			userSidePid: 201,
			listenerPid: 100,
			peer: client(50_001),
		});
	});

	it('an orphaned sftp session too, with its sftp child in its tree', () => {
		const sftp = only(report.sessions, 301);
		expect(sftp).toMatchObject({user: 'bob', kind: 'sftp', isOrphaned: true, monitorPid: undefined, userSidePid: 301});
		expect(sftp.tree.children.map(child => child.process.pid)).toEqual([302]);
	});
});

describe('a connection outliving its listener', () => {
	it('a monitor re-parented after the listener restarted is a session of the new listener, not orphaned', () => {
		const report = buildReport(
			fakeSnapshot({
				processes: [
					listenerProcess(110, 9100),
					sshd({pid: 200, ppid: 1, title: 'sshd: alice [priv]', socketInodes: [9001]}),
					sshd({pid: 201, ppid: 200, uid: 1000, title: 'sshd: alice@pts/3', socketInodes: [9001]}),
				],
				sockets: [listening(9100, 22), socket(9001, server, client(50_001))],
			}),
		);
		expect(only(report.sessions, 200)).toMatchObject({
			isOrphaned: false,
			monitorPid: 200,
			userSidePid: 201,
			listenerPid: 110,
		});
	});

	it('with sshd stopped and no listener left, the connection on port 22 is still a session', () => {
		const report = buildReport(
			fakeSnapshot({
				processes: [
					sshd({pid: 200, ppid: 1, title: 'sshd: alice [priv]', socketInodes: [9001]}),
					sshd({pid: 201, ppid: 200, uid: 1000, title: 'sshd: alice@notty', socketInodes: [9001, 9005]}),
				],
				// 9005: a -L forward's outgoing connection, from a port the kernel picked.
				sockets: [
					socket(9001, server, client(50_001)),
					socket(9005, {address: '10.0.0.5', port: 41_000}, {address: '10.0.0.9', port: 5432}),
				],
			}),
		);
		expect(report.listeners).toEqual([]);
		expect(only(report.sessions, 200)).toMatchObject({listenerPid: undefined, isOrphaned: false, peer: client(50_001)});
	});

	it('an sshd holding only an outgoing connection (a forward) or a forwarded listener is not a session', () => {
		const report = buildReport(
			fakeSnapshot({
				processes: [
					listenerProcess(100, 9000),
					sshd({pid: 201, ppid: 1, uid: 1000, title: 'sshd: alice', socketInodes: [9005, 9006, 9007]}),
				],
				sockets: [
					listening(9000, 22),
					socket(9005, {address: '10.0.0.5', port: 41_000}, {address: '10.0.0.9', port: 5432}),
					listening(9006, 8080, '127.0.0.1'),
					socket(9007, {address: '127.0.0.1', port: 8080}, {address: '127.0.0.1', port: 51_000}),
				],
			}),
		);
		expect(report.sessions).toEqual([]);
	});

	it('trusts kernel facts, not titles: a process titled like an orphaned sshd that is not one is no session', () => {
		const report = buildReport(
			fakeSnapshot({
				processes: [
					listenerProcess(100, 9000),
					processRecord({
						pid: 150,
						ppid: 1,
						uid: 1000,
						comm: 'sshd',
						argv: ['sshd: alice@pts/5'],
						executable: '/home/alice/sshd-lookalike',
						socketInodes: [9001],
					}),
				],
				sockets: [listening(9000, 22), socket(9001, server, client(50_001))],
			}),
		);
		expect(report.sessions).toEqual([]);
	});
});

describe('a normal user with /proc mounted hidepid=2, seeing their shells but not their sshds', () => {
	// Under hidepid=2 even the user's own user-side sshd (not dumpable) is hidden: their shell,
	// whose parent is gone from view, carries the connection in its environment.
	const report = buildReport({
		...fakeSnapshot({
			readerUid: 1000,
			processes: [
				processRecord({
					pid: 202,
					ppid: 201,
					uid: 1000,
					argv: ['-bash'],
					processGroup: 202,
					foregroundProcessGroup: 210,
					...pts(3),
					sshEnvironment: {connection: '192.168.0.100 50001 10.0.0.5 22', tty: '/dev/pts/3'},
				}),
				processRecord({
					pid: 210,
					ppid: 202,
					uid: 1000,
					argv: ['vim'],
					processGroup: 210,
					foregroundProcessGroup: 210,
					...pts(3),
					sshEnvironment: {connection: '192.168.0.100 50001 10.0.0.5 22', tty: '/dev/pts/3'},
				}),
				processRecord({
					pid: 302,
					ppid: 301,
					uid: 1000,
					argv: ['sleep', '1000'],
					sshEnvironment: {connection: '192.168.0.100 50002 10.0.0.5 22', tty: undefined},
				}),
				// Its connection is gone from the kernel's table: not a live session.
				processRecord({
					pid: 402,
					ppid: 401,
					uid: 1000,
					argv: ['stale'],
					sshEnvironment: {connection: '192.168.0.100 50003 10.0.0.5 22', tty: undefined},
				}),
			],
			sockets: [listening(9000, 22), socket(9001, server, client(50_001)), socket(9002, server, client(50_002))],
		}),
		access: {hidePid: 'invisible', ephemeralPorts: [32_768, 60_999]},
	});

	it("lists each session from its first visible process, unverified, with the peer its connection has in the kernel's table", () => {
		expect(report.sessions.map(session => session.pid).sort()).toEqual([202, 302]);
		expect(only(report.sessions, 202)).toMatchObject({
			user: 'alice',
			kind: 'shell',
			ttys: ['pts/3'],
			isVerified: false,
			monitorPid: undefined,
			peer: client(50_001),
			local: server,
			foreground: {pid: 210, command: 'vim'},
		});
		expect(only(report.sessions, 302)).toMatchObject({
			kind: 'command',
			isVerified: false,
			peer: client(50_002),
			foreground: {pid: 302, command: 'sleep 1000'},
		});
	});
});

describe('a normal user with /proc mounted hidepid, seeing their own user-side sshd', () => {
	// The listener and the monitors are root's: hidden. The user's own user-side sshd is visible,
	// but not dumpable, so its executable and fds are unreadable even to its user.
	const own = {executable: undefined, socketInodes: undefined, unreadable: ['exe', 'fd'] as const};
	const report = buildReport({
		...fakeSnapshot({
			readerUid: 1000,
			processes: [
				processRecord({pid: 201, ppid: 200, uid: 1000, comm: 'sshd', argv: ['sshd: alice@pts/3'], ...own}),
				processRecord({
					pid: 202,
					ppid: 201,
					uid: 1000,
					argv: ['-bash'],
					processGroup: 202,
					foregroundProcessGroup: 202,
					...pts(3),
				}),
				processRecord({pid: 211, ppid: 210, uid: 1000, comm: 'sshd', argv: ['sshd: alice@notty'], ...own}),
				processRecord({pid: 212, ppid: 211, uid: 1000, comm: 'sshd', argv: ['sshd: alice@internal-sftp'], ...own}),
				// Someone else's lookalike cannot be the user's: it is not theirs.
				processRecord({pid: 301, ppid: 300, uid: 1001, comm: 'sshd', argv: ['sshd: bob@pts/4'], ...own}),
			],
		}),
		access: {hidePid: 'invisible', ephemeralPorts: [32_768, 60_999]},
	});

	it("lists the user's own sessions, marked unverified", () => {
		expect(report.sessions.map(session => session.pid).sort()).toEqual([201, 211]);
		expect(only(report.sessions, 201)).toMatchObject({
			user: 'alice',
			kind: 'shell',
			isVerified: false,
			isOrphaned: false,
			listenerPid: undefined,
		});
		expect(only(report.sessions, 211)).toMatchObject({kind: 'sftp', isVerified: false});
	});

	it('says the view is partial, and why', () => {
		expect(report.isPartial).toBe(true);
		expect(report.partialReasons.join('\n')).toMatch(/hidepid=invisible: other users' processes are hidden/u);
	});
});
