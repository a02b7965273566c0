import {describe, expect, it} from 'vitest';
import {idleSecondsAt} from '../../../source/model/report/idle.js';
import {flattenTree} from '../../../source/model/report/process-tree.js';
import {buildReport} from '../../../source/model/report/build-report.js';
import type {Session} from '../../../source/model/types.js';
import {
	fakeSnapshot,
	listenerProcess,
	listening,
	processRecord,
	pts,
	socket,
	sshd,
	takenAt,
} from '../../fixtures/builders.js';

const server = {address: '10.0.0.5', port: 22};
const client = (port: number) => ({address: '192.168.0.100', port});

function only(sessions: readonly Session[], pid: number): Session {
	const matching = sessions.filter(session => session.pid === pid);
	expect(matching).toHaveLength(1);
	return matching[0]!;
}

describe('a privilege-separated pty login', () => {
	const report = buildReport(
		fakeSnapshot({
			processes: [
				listenerProcess(100, 9000),
				sshd({pid: 200, ppid: 100, title: 'sshd: alice [priv]', socketInodes: [9001]}),
				sshd({pid: 201, ppid: 200, uid: 1000, title: 'sshd: alice@pts/3', socketInodes: [9001]}),
				processRecord({
					pid: 202,
					ppid: 201,
					uid: 1000,
					argv: ['-bash'],
					comm: 'bash',
					processGroup: 202,
					sessionId: 202,
					foregroundProcessGroup: 210,
					...pts(3),
				}),
				processRecord({
					pid: 210,
					ppid: 202,
					uid: 1000,
					argv: ['vim', 'notes.txt'],
					processGroup: 210,
					sessionId: 202,
					foregroundProcessGroup: 210,
					...pts(3),
				}),
				processRecord({
					pid: 211,
					ppid: 202,
					uid: 1000,
					argv: ['sleep', '100'],
					processGroup: 211,
					sessionId: 202,
					foregroundProcessGroup: 210,
					...pts(3),
				}),
			],
			sockets: [listening(9000, 22), socket(9001, server, client(50_001))],
			ttyActivity: new Map([['pts/3', takenAt - 125_000]]),
		}),
	);
	const session = only(report.sessions, 200);

	it('is one session, rooted at the [priv] monitor under the listener', () => {
		expect(report.sessions).toHaveLength(1);
		expect(session).toMatchObject({
			pid: 200,
			listenerPid: 100,
			monitorPid: 200,
			userSidePid: 201,
			id: '200:2000',
			user: 'alice',
			uid: 1000,
			kind: 'shell',
			stage: 'established',
			ttys: ['pts/3'],
		});
	});

	it('knows the peer and local address from the socket the sshd holds', () => {
		expect(session.peer).toEqual(client(50_001));
		expect(session.local).toEqual(server);
	});

	it('computes idle time from the tty access time, as w does', () => {
		expect(idleSecondsAt(session, report.takenAt)).toBe(125);
	});

	it('shows the foreground process group of the tty as the foreground command', () => {
		expect(session.foreground).toEqual({pid: 210, command: 'vim notes.txt'});
	});

	it('holds the whole process tree, siblings by start time', () => {
		const {tree} = session;
		expect(tree.process.pid).toBe(200);
		expect(tree.children.map(child => child.process.pid)).toEqual([201]);
		expect(tree.children[0]!.children[0]!.children.map(child => child.process.pid)).toEqual([210, 211]);
	});

	it('lists the listener with its port', () => {
		expect(report.listeners).toEqual([expect.objectContaining({pid: 100, ports: [22]})]);
	});
});

describe('every login shape OpenSSH produces', () => {
	const report = buildReport(
		fakeSnapshot({
			processes: [
				listenerProcess(100, 9000),
				// Root without privilege separation: the listener's child serves the user itself.
				sshd({pid: 300, ppid: 100, title: 'sshd: root@pts/4', socketInodes: [9003]}),
				processRecord({
					pid: 301,
					ppid: 300,
					uid: 0,
					argv: ['-bash'],
					processGroup: 301,
					foregroundProcessGroup: 301,
					...pts(4),
				}),
				// A command without a terminal.
				sshd({pid: 400, ppid: 100, title: 'sshd: bob [priv]', socketInodes: [9004]}),
				sshd({pid: 401, ppid: 400, uid: 1001, title: 'sshd: bob@notty', socketInodes: [9004]}),
				processRecord({pid: 402, ppid: 401, uid: 1001, argv: ['bash', '-c', 'backup.sh']}),
				processRecord({pid: 403, ppid: 402, uid: 1001, argv: ['tar', 'cf', '-', '/srv']}),
				// ssh -N: forwarding only.
				sshd({pid: 500, ppid: 100, title: 'sshd: bob [priv]', socketInodes: [9005]}),
				sshd({pid: 501, ppid: 500, uid: 1001, title: 'sshd: bob', socketInodes: [9005]}),
				// Sftp through internal-sftp.
				sshd({pid: 600, ppid: 100, title: 'sshd: bob [priv]', socketInodes: [9006]}),
				sshd({pid: 601, ppid: 600, uid: 1001, title: 'sshd: bob@notty', socketInodes: [9006]}),
				sshd({pid: 602, ppid: 601, uid: 1001, title: 'sshd: bob@internal-sftp'}),
				// Sftp through the external sftp-server.
				sshd({pid: 700, ppid: 100, title: 'sshd: bob [priv]', socketInodes: [9007]}),
				sshd({pid: 701, ppid: 700, uid: 1001, title: 'sshd: bob@notty', socketInodes: [9007]}),
				processRecord({
					pid: 702,
					ppid: 701,
					uid: 1001,
					argv: ['/usr/lib/openssh/sftp-server'],
					executable: '/usr/lib/openssh/sftp-server',
				}),
				// ControlMaster: two ttys multiplexed on one connection.
				sshd({pid: 800, ppid: 100, title: 'sshd: root@pts/1,pts/2', socketInodes: [9008]}),
				processRecord({pid: 801, ppid: 800, uid: 0, argv: ['-bash'], foregroundProcessGroup: 801, ...pts(1)}),
				processRecord({pid: 802, ppid: 800, uid: 0, argv: ['-bash'], foregroundProcessGroup: 802, ...pts(2)}),
				// Still authenticating: before key exchange, and inside PAM.
				sshd({pid: 900, ppid: 100, title: 'sshd: [accepted]', socketInodes: [9009]}),
				sshd({pid: 901, ppid: 900, uid: 102, title: 'sshd: [net]', socketInodes: [9009]}),
				sshd({pid: 910, ppid: 100, title: 'sshd: alice [priv]', socketInodes: [9010]}),
				sshd({pid: 911, ppid: 910, uid: 102, title: 'sshd: alice [net]', socketInodes: [9010]}),
				sshd({pid: 912, ppid: 910, title: 'sshd: alice [pam]'}),
			],
			sockets: [
				listening(9000, 22),
				...[3, 4, 5, 6, 7, 8, 9, 10].map(index => socket(9000 + index, server, client(50_000 + index))),
			],
			ttyActivity: new Map([
				['pts/1', takenAt - 60_000],
				['pts/2', takenAt - 5000],
				['pts/4', takenAt],
			]),
		}),
	);

	it('finds each connection exactly once', () => {
		expect(report.sessions.map(session => session.pid).sort((a, b) => a - b)).toEqual([
			300, 400, 500, 600, 700, 800, 900, 910,
		]);
	});

	it('root without privilege separation: the top process is both monitor and user side', () => {
		expect(only(report.sessions, 300)).toMatchObject({
			user: 'root',
			uid: 0,
			kind: 'shell',
			ttys: ['pts/4'],
			userSidePid: undefined,
			monitorPid: 300,
			foreground: {pid: 301, command: '-bash'},
		});
		expect(idleSecondsAt(only(report.sessions, 300), report.takenAt)).toBe(0);
	});

	it('a notty command session shows the command it runs, idle since its newest command started', () => {
		const session = only(report.sessions, 400);
		expect(session).toMatchObject({
			user: 'bob',
			kind: 'command',
			ttys: [],
			idleSource: 'channels',
			foreground: {pid: 403, command: 'tar cf - /srv'},
		});
		expect(session.idleSince).toBe(
			Math.max(
				...flattenTree(session.tree)
					.slice(2)
					.map(process => process.startedAt),
			),
		);
	});

	it('ssh -N is a forwarding session with nothing in the foreground', () => {
		expect(only(report.sessions, 500)).toMatchObject({user: 'bob', kind: 'forward', foreground: undefined});
	});

	it('sftp is recognised through internal-sftp and through sftp-server', () => {
		expect(only(report.sessions, 600).kind).toBe('sftp');
		expect(only(report.sessions, 700).kind).toBe('sftp');
	});

	it('a ControlMaster connection carries both its ttys, idle from the most recent', () => {
		const session = only(report.sessions, 800);
		expect(session.ttys).toEqual(['pts/1', 'pts/2']);
		expect(idleSecondsAt(session, report.takenAt)).toBe(5);
		expect(session.foreground?.pid).toBe(802);
	});

	it('connections still authenticating are preauth, with the user once sshd knows it', () => {
		expect(only(report.sessions, 900)).toMatchObject({
			kind: 'preauth',
			stage: 'authenticating',
			user: '?',
			peer: client(50_009),
		});
		expect(only(report.sessions, 910)).toMatchObject({
			kind: 'preauth',
			stage: 'authenticating',
			user: 'alice',
			uid: undefined,
		});
	});
});

describe('OpenSSH 9.8+ and 10.x process names', () => {
	const report = buildReport(
		fakeSnapshot({
			processes: [
				listenerProcess(100, 9000),
				sshd({pid: 200, ppid: 100, title: 'sshd-session: alice [priv]', socketInodes: [9001]}),
				sshd({pid: 201, ppid: 200, uid: 1000, title: 'sshd-session: alice@pts/0', socketInodes: [9001]}),
				sshd({pid: 300, ppid: 100, title: 'sshd-session: [accepted]', socketInodes: [9002]}),
				sshd({pid: 301, ppid: 300, uid: 102, title: 'sshd-auth: bob [preauth]', socketInodes: [9002]}),
			],
			sockets: [listening(9000, 22), socket(9001, server, client(50_001)), socket(9002, server, client(50_002))],
		}),
	);

	it('recognises sshd-session and sshd-auth titles and executables', () => {
		expect(only(report.sessions, 200)).toMatchObject({user: 'alice', kind: 'shell', ttys: ['pts/0'], userSidePid: 201});
		expect(only(report.sessions, 300)).toMatchObject({kind: 'preauth', user: 'bob'});
	});
});

describe('trust comes from kernel facts, not names', () => {
	it('ignores a user process that calls itself an sshd session', () => {
		const report = buildReport(
			fakeSnapshot({
				processes: [
					processRecord({pid: 50, ppid: 1, uid: 1000, argv: ['bash']}),
					processRecord({
						pid: 51,
						ppid: 50,
						uid: 1000,
						comm: 'sshd',
						argv: ['sshd: root@pts/9'],
						executable: '/usr/bin/python3',
					}),
					processRecord({
						pid: 52,
						ppid: 50,
						uid: 1000,
						comm: 'sshd',
						argv: ['sshd: /usr/sbin/sshd [listener] 0 of 10-100 startups'],
						executable: '/usr/bin/python3',
						socketInodes: [9100],
					}),
					processRecord({
						pid: 53,
						ppid: 52,
						uid: 1000,
						comm: 'sshd',
						argv: ['sshd: root@pts/8'],
						executable: '/usr/bin/python3',
					}),
				],
				sockets: [listening(9100, 2222)],
			}),
		);
		expect(report.listeners).toEqual([]);
		expect(report.sessions).toEqual([]);
	});

	it('does not trust a fake listener whose executable is hidden unless root owns it', () => {
		const hidden = {executable: undefined, unreadable: ['exe', 'fd'] as const};
		const report = buildReport(
			fakeSnapshot({
				readerUid: 1000,
				processes: [
					processRecord({
						pid: 60,
						ppid: 1,
						uid: 1001,
						comm: 'sshd',
						argv: ['sshd: /usr/sbin/sshd [listener] 0 of 10-100 startups'],
						...hidden,
					}),
					processRecord({pid: 61, ppid: 60, uid: 1001, comm: 'sshd', argv: ['sshd: root@pts/8'], ...hidden}),
				],
			}),
		);
		expect(report.sessions).toEqual([]);
	});

	it('a process the listener did not fork (a reparented stray) is not a session', () => {
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
						executable: '/usr/bin/perl',
					}),
				],
				sockets: [listening(9000, 22)],
			}),
		);
		expect(report.sessions).toEqual([]);
	});
});

describe('reading as a normal user', () => {
	const hidden = {executable: undefined, socketInodes: undefined, unreadable: ['exe', 'fd'] as const};
	const report = buildReport(
		fakeSnapshot({
			readerUid: 1000,
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
			],
		}),
	);

	it('still finds root-owned sshds (only root can own a root process) and marks the report partial', () => {
		expect(report.isPartial).toBe(true);
		expect(report.listeners.map(entry => entry.pid)).toEqual([100]);
		expect(only(report.sessions, 200)).toMatchObject({user: 'bob', ttys: ['pts/2'], peer: undefined, local: undefined});
	});
});

describe('several listeners and the classic listener argv', () => {
	it('attributes each connection to its own listener', () => {
		const report = buildReport(
			fakeSnapshot({
				processes: [
					listenerProcess(100, 9000),
					processRecord({
						pid: 110,
						ppid: 1,
						uid: 0,
						comm: 'sshd',
						executable: '/usr/sbin/sshd',
						argv: ['/usr/sbin/sshd', '-D', '-p', '2222'],
						socketInodes: [9100, 9101],
					}),
					sshd({pid: 200, ppid: 100, title: 'sshd: root@pts/0', socketInodes: [9001]}),
					sshd({pid: 210, ppid: 110, title: 'sshd: root@notty', socketInodes: [9002]}),
				],
				sockets: [
					listening(9000, 22),
					listening(9100, 2222),
					listening(9101, 2222, '::'),
					socket(9001, server, client(50_001)),
					socket(9002, {...server, port: 2222}, client(50_002)),
				],
			}),
		);
		expect(report.listeners.map(entry => [entry.pid, entry.ports])).toEqual([
			[100, [22]],
			[110, [2222]],
		]);
		expect(only(report.sessions, 200).listenerPid).toBe(100);
		expect(only(report.sessions, 210)).toMatchObject({listenerPid: 110, local: {address: '10.0.0.5', port: 2222}});
	});
});

describe("nesting and the operator's own session", () => {
	const loopback = (port: number) => ({address: '127.0.0.1', port});
	const report = buildReport(
		fakeSnapshot({
			selfPid: 205,
			processes: [
				listenerProcess(100, 9000),
				sshd({pid: 200, ppid: 100, title: 'sshd: root@pts/0', socketInodes: [9001]}),
				processRecord({pid: 201, ppid: 200, uid: 0, argv: ['-bash'], ...pts(0)}),
				// Session A's user runs an ssh client back into this box...
				processRecord({pid: 202, ppid: 201, uid: 0, argv: ['ssh', 'localhost'], socketInodes: [9011], ...pts(0)}),
				// ...and sshtop itself, under sudo.
				processRecord({pid: 204, ppid: 201, uid: 0, argv: ['sudo', 'sshtop'], ...pts(0)}),
				processRecord({pid: 205, ppid: 204, uid: 0, argv: ['node', 'sshtop'], ...pts(0)}),
				sshd({pid: 300, ppid: 100, title: 'sshd: root@pts/1', socketInodes: [9002]}),
			],
			sockets: [
				listening(9000, 22, '127.0.0.1'),
				socket(9001, loopback(22), loopback(40_001)),
				socket(9002, loopback(22), loopback(40_002)),
				socket(9011, loopback(40_002), loopback(22)),
			],
		}),
	);

	it('records that session B was opened from inside session A', () => {
		expect(only(report.sessions, 300).nestedIn).toBe(only(report.sessions, 200).id);
		expect(only(report.sessions, 200).nestedIn).toBeUndefined();
	});

	it('keeps the nesting while the socket table and the trees are the same, and forgets it once the ssh client is gone', () => {
		const processes = [
			listenerProcess(100, 9000),
			sshd({pid: 200, ppid: 100, title: 'sshd: root@pts/0', socketInodes: [9001]}),
			processRecord({pid: 201, ppid: 200, uid: 0, argv: ['-bash'], ...pts(0)}),
			processRecord({pid: 202, ppid: 201, uid: 0, argv: ['ssh', 'localhost'], socketInodes: [9011], ...pts(0)}),
			sshd({pid: 300, ppid: 100, title: 'sshd: root@pts/1', socketInodes: [9002]}),
		];
		// One table for every refresh, as the scanner keeps it while no socket moved.
		const sockets = [
			listening(9000, 22, '127.0.0.1'),
			socket(9001, loopback(22), loopback(40_001)),
			socket(9002, loopback(22), loopback(40_002)),
			socket(9011, loopback(40_002), loopback(22)),
		];
		const first = buildReport(fakeSnapshot({processes, sockets}));
		const second = buildReport(fakeSnapshot({processes, sockets}), first);
		expect(only(second.sessions, 300).nestedIn).toBe(only(second.sessions, 200).id);
		const clientGone = buildReport(
			fakeSnapshot({processes: processes.filter(process => process.pid !== 202), sockets}),
			second,
		);
		expect(only(clientGone.sessions, 300).nestedIn).toBeUndefined();
	});

	it('marks the session sshtop runs in by its parent chain', () => {
		expect(only(report.sessions, 200).isOwn).toBe(true);
		expect(only(report.sessions, 300).isOwn).toBe(false);
		expect(report.ownSessionId).toBe('200:2000');
	});

	it('falls back to the controlling terminal when the parent chain leaves the session', () => {
		const detached = buildReport(
			fakeSnapshot({
				selfPid: 700,
				processes: [
					listenerProcess(100, 9000),
					sshd({pid: 300, ppid: 100, title: 'sshd: root@pts/1', socketInodes: [9002]}),
					processRecord({pid: 700, ppid: 1, uid: 0, argv: ['node', 'sshtop'], ...pts(1)}),
				],
				sockets: [listening(9000, 22)],
			}),
		);
		expect(only(detached.sessions, 300).isOwn).toBe(true);
	});
});

describe('connection health and network idle time', () => {
	const tcpInfo = (inode: number, lastReceiveMs: number) => ({
		inode,
		lastSendMs: 5,
		lastReceiveMs,
		lastAckMs: 5,
		retransmitsNow: 0,
		retransmitsTotal: 0,
		unackedSegments: 0,
		roundTripMs: 1,
	});
	const snapshot = fakeSnapshot({
		processes: [
			listenerProcess(100, 9000),
			sshd({pid: 200, ppid: 100, title: 'sshd: root@notty', socketInodes: [9001]}),
			sshd({pid: 300, ppid: 100, title: 'sshd: root@pts/1', socketInodes: [9002]}),
			sshd({pid: 400, ppid: 100, title: 'sshd: root@pts/2', socketInodes: [9003]}),
		],
		sockets: [
			listening(9000, 22),
			socket(9001, server, client(50_001), {timer: 'keepalive'}),
			socket(9002, server, client(50_002)),
			socket(9003, server, client(50_003), {timer: 'retransmit', retransmits: 5, sendQueueBytes: 4000}),
		],
		ttyActivity: new Map([
			['pts/1', takenAt - 30_000],
			['pts/2', takenAt - 1000],
		]),
	});
	const report = buildReport({
		...snapshot,
		tcpInfo: {
			source: 'ss',
			infos: new Map([
				[9001, tcpInfo(9001, 45_500)],
				[9002, tcpInfo(9002, 100)],
			]),
		},
	});

	it('a session without a tty is not idle since the client last sent a packet (a keepalive reply), but since its channels carried data', () => {
		const session = only(report.sessions, 200);
		expect(session.idleSource).toBe('channels');
		// Nothing ran in it since the login: idle since then, whatever the client's last packet.
		expect(session.idleSince).toBe(session.loginAt);
		expect(idleSecondsAt(session, report.takenAt)).toBeGreaterThan(45);
		expect(session.health?.health).toBe('ok');
	});

	it('a pty session keeps the terminal idle time, not the network one', () => {
		expect(only(report.sessions, 300).idleSource).toBe('tty');
		expect(idleSecondsAt(only(report.sessions, 300), report.takenAt)).toBe(30);
	});

	it('flags a peer that stopped acknowledging, with the evidence', () => {
		const {health} = only(report.sessions, 400);
		expect(health?.health).toBe('dead-peer');
		expect(health?.tcp).toMatchObject({retransmits: 5, sendQueueBytes: 4000});
		expect(report.tcpInfoSource).toBe('ss');
	});

	it('is not dead-peer when the send queue drained since the previous refresh', () => {
		const draining = buildReport(snapshot, {
			...report,
			sessions: report.sessions.map(session =>
				session.pid === 400
					? {...session, health: {...session.health!, tcp: {...session.health!.tcp!, sendQueueBytes: 9000}}}
					: session,
			),
		});
		// 4000 B now against 9000 B before: the peer is acknowledging, slowly.
		expect(only(draining.sessions, 400).health?.health).toBe('ok');
	});
});

describe('the foreground command', () => {
	it("passes over zombies, exiting processes and sshtop's own helpers in the foreground group", () => {
		const report = buildReport(
			fakeSnapshot({
				processes: [
					listenerProcess(100, 9000),
					sshd({pid: 200, ppid: 100, title: 'sshd: root@pts/0', socketInodes: [9001]}),
					processRecord({
						pid: 201,
						ppid: 200,
						uid: 0,
						argv: ['-bash'],
						processGroup: 201,
						foregroundProcessGroup: 210,
						...pts(0),
					}),
					processRecord({
						pid: 210,
						ppid: 201,
						uid: 0,
						argv: ['node', 'sshtop'],
						processGroup: 210,
						foregroundProcessGroup: 210,
						...pts(0),
					}),
					processRecord({
						pid: 215,
						ppid: 210,
						uid: 0,
						argv: [],
						comm: 'ss',
						state: 'Z',
						processGroup: 210,
						foregroundProcessGroup: 210,
						...pts(0),
					}),
					processRecord({
						pid: 216,
						ppid: 210,
						uid: 0,
						argv: ['ss', '-tineH'],
						processGroup: 210,
						foregroundProcessGroup: 210,
						...pts(0),
					}),
				],
				selfPid: 210,
				sockets: [listening(9000, 22), socket(9001, server, client(50_001))],
			}),
		);
		expect(only(report.sessions, 200).foreground).toEqual({pid: 210, command: 'node sshtop'});
	});
});

describe('the next refresh, with the records the scanner kept', () => {
	// The scanner hands over the same record object for a process whose stat line did not change.
	const processes = [
		listenerProcess(100, 9000),
		sshd({pid: 200, ppid: 100, title: 'sshd: alice [priv]', socketInodes: [9001]}),
		sshd({pid: 201, ppid: 200, uid: 1000, title: 'sshd: alice@pts/3,pts/4', socketInodes: [9001]}),
		processRecord({
			pid: 202,
			ppid: 201,
			uid: 1000,
			argv: ['-bash'],
			comm: 'bash',
			processGroup: 202,
			foregroundProcessGroup: 202,
			...pts(3),
		}),
		processRecord({
			pid: 203,
			ppid: 201,
			uid: 1000,
			argv: ['-bash'],
			comm: 'bash',
			processGroup: 203,
			foregroundProcessGroup: 203,
			...pts(4),
		}),
		sshd({pid: 300, ppid: 100, title: 'sshd: bob@pts/5', socketInodes: [9002]}),
		processRecord({
			pid: 301,
			ppid: 300,
			uid: 0,
			argv: ['-bash'],
			comm: 'bash',
			processGroup: 301,
			foregroundProcessGroup: 301,
			...pts(5),
		}),
	];
	const sockets = [listening(9000, 22), socket(9001, server, client(50_001)), socket(9002, server, client(50_002))];
	const first = buildReport(
		fakeSnapshot({
			processes,
			sockets,
			ttyActivity: new Map([
				['pts/3', takenAt - 5000],
				['pts/4', takenAt - 60_000],
				['pts/5', takenAt],
			]),
		}),
	);
	const later = (changes: {
		readonly processes?: typeof processes;
		readonly sockets?: typeof sockets;
		readonly activity?: Array<[string, number]>;
	}) =>
		buildReport(
			{
				...fakeSnapshot({
					processes: changes.processes ?? processes,
					sockets: changes.sockets ?? sockets,
					ttyActivity: new Map(
						changes.activity ?? [
							['pts/3', takenAt - 5000],
							['pts/4', takenAt - 60_000],
							['pts/5', takenAt],
						],
					),
				}),
				takenAt: takenAt + 2000,
			},
			first,
		);

	it('keeps a session nothing happened in as the very same object, whose idle time still moves on', () => {
		const next = later({});
		expect(only(next.sessions, 200)).toBe(only(first.sessions, 200));
		expect(next.sessions).toBe(first.sessions);
		expect(next.listeners).toBe(first.listeners);
		expect(only(next.sessions, 200)).toMatchObject({idleSource: 'tty', user: 'alice', kind: 'shell'});
		expect(idleSecondsAt(only(next.sessions, 200), next.takenAt)).toBe(7);
		expect(idleSecondsAt(only(next.sessions, 300), next.takenAt)).toBe(2);
	});

	it('writes out only the session whose terminal was used; the others stay the same objects', () => {
		const next = later({
			activity: [
				['pts/3', takenAt - 5000],
				['pts/4', takenAt - 60_000],
				['pts/5', takenAt + 1500],
			],
		});
		expect(next.sessions).not.toBe(first.sessions);
		expect(only(next.sessions, 200)).toBe(only(first.sessions, 200));
		expect(only(next.sessions, 300)).not.toBe(only(first.sessions, 300));
		expect(only(next.sessions, 300).tree).toBe(only(first.sessions, 300).tree);
		expect(idleSecondsAt(only(next.sessions, 300), next.takenAt)).toBe(0);
	});

	it('gives a session a new tree when a process below it starts, and keeps the unchanged subtrees', () => {
		const vim = processRecord({
			pid: 310,
			ppid: 301,
			uid: 0,
			argv: ['vim'],
			processGroup: 310,
			foregroundProcessGroup: 310,
			...pts(5),
		});
		const withBash = processes.map(process =>
			process.pid === 301 ? {...process, foregroundProcessGroup: 310} : process,
		);
		const next = later({processes: [...withBash, vim]});
		const session = only(next.sessions, 300);
		expect(session.tree).not.toBe(only(first.sessions, 300).tree);
		expect(session.foreground).toEqual({pid: 310, command: 'vim'});
		expect(only(next.sessions, 200).tree).toBe(only(first.sessions, 200).tree);
	});

	it('follows the terminal used last when the processes did not change', () => {
		expect(only(first.sessions, 200).foreground?.pid).toBe(202);
		const next = later({
			activity: [
				['pts/3', takenAt - 5000],
				['pts/4', takenAt + 1000],
				['pts/5', takenAt],
			],
		});
		expect(only(next.sessions, 200)).toMatchObject({foreground: {pid: 203, command: '-bash'}});
		expect(idleSecondsAt(only(next.sessions, 200), next.takenAt)).toBe(1);
	});

	it('reads the connection again: a socket table without it leaves the peer unknown', () => {
		const next = later({sockets: [listening(9000, 22), socket(9002, server, client(50_002))]});
		expect(only(next.sessions, 200).tree).toBe(only(first.sessions, 200).tree);
		expect(only(next.sessions, 200).peer).toBeUndefined();
		expect(only(next.sessions, 300).peer).toEqual(client(50_002));
	});
});
