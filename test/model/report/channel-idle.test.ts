// Idle time of sessions without a terminal: what their channels did, not the client's last packet.
import {describe, expect, it} from 'vitest';
import {idleSecondsAt} from '../../../source/model/report/idle.js';
import {buildReport} from '../../../source/model/report/build-report.js';
import type {Session, SessionReport} from '../../../source/model/types.js';
import type {Snapshot} from '../../../source/proc/types.js';
import {
	fakeSnapshot,
	listenerProcess,
	listening,
	processRecord,
	socket,
	sshd,
	startTicksAgo,
	takenAt,
} from '../../fixtures/builders.js';

const server = {address: '10.0.0.5', port: 22};
const client = (port: number) => ({address: '192.168.0.100', port});
/** ss says the client's last packet came 1.5 s ago: a keepalive reply (ClientAliveInterval 2). */
const keepalive = {
	lastSendMs: 1500,
	lastReceiveMs: 1500,
	lastAckMs: 1500,
	retransmitsNow: 0,
	retransmitsTotal: 0,
	unackedSegments: 0,
	roundTripMs: 1,
};

const processes = [
	listenerProcess(100, 9000),
	// `ssh host sleep 1000`, an hour ago; untouched since.
	sshd({pid: 200, ppid: 100, title: 'sshd: bob [priv]', socketInodes: [9001], startTicks: startTicksAgo(3600)}),
	sshd({
		pid: 201,
		ppid: 200,
		uid: 1001,
		title: 'sshd: bob@notty',
		socketInodes: [9001],
		startTicks: startTicksAgo(3600),
	}),
	processRecord({pid: 202, ppid: 201, uid: 1001, argv: ['sleep', '1000'], startTicks: startTicksAgo(3600)}),
	// `ssh -N -L`, twenty minutes ago, with a forwarded connection that moved data 30 s ago.
	sshd({pid: 300, ppid: 100, title: 'sshd: bob [priv]', socketInodes: [9002], startTicks: startTicksAgo(1200)}),
	sshd({
		pid: 301,
		ppid: 300,
		uid: 1001,
		title: 'sshd: bob',
		socketInodes: [9002, 9005],
		startTicks: startTicksAgo(1200),
	}),
	// Sftp, ten minutes ago, whose server started with it.
	sshd({pid: 400, ppid: 100, title: 'sshd: bob [priv]', socketInodes: [9003], startTicks: startTicksAgo(600)}),
	sshd({
		pid: 401,
		ppid: 400,
		uid: 1001,
		title: 'sshd: bob@notty',
		socketInodes: [9003],
		startTicks: startTicksAgo(600),
	}),
	sshd({pid: 402, ppid: 401, uid: 1001, title: 'sshd: bob@internal-sftp', startTicks: startTicksAgo(600)}),
];
const sockets = [
	listening(9000, 22),
	socket(9001, server, client(50_001)),
	socket(9002, server, client(50_002)),
	socket(9003, server, client(50_003)),
	socket(9005, {address: '10.0.0.5', port: 41_000}, {address: '10.0.0.9', port: 5432}),
];
const infos = new Map([9001, 9002, 9003].map(inode => [inode, {inode, ...keepalive}]));
infos.set(9005, {inode: 9005, ...keepalive, lastSendMs: 30_000, lastReceiveMs: 31_000});

const at = (offsetMs: number, processIo?: ReadonlyMap<number, number>): Snapshot => ({
	...fakeSnapshot({processes, sockets}),
	takenAt: takenAt + offsetMs,
	tcpInfo: {source: 'ss', infos: new Map([...infos].map(([inode, info]) => [inode, {...info}]))},
	...(processIo === undefined ? {} : {processIo}),
});

function idleOf(report: SessionReport, pid: number): number | undefined {
	const session: Session | undefined = report.sessions.find(each => each.pid === pid);
	expect(session?.idleSource).toBe('channels');
	return idleSecondsAt(session!, report.takenAt);
}

describe('idle time of a session without a terminal', () => {
	const first = buildReport(at(0));

	it("an untouched command is idle since it started, however recent the client's last keepalive", () => {
		expect(idleOf(first, 200)).toBe(3600);
	});

	it('a forward is idle since its forwarded connection last moved data', () => {
		expect(idleOf(first, 300)).toBe(30);
	});

	it('an sftp session is idle since its server last did I/O, seen between two refreshes', () => {
		expect(idleOf(first, 400)).toBe(600);
		const quiet = buildReport(at(2000, new Map([[402, 5000]])), first);
		expect(idleOf(quiet, 400)).toBe(602);
		// A directory listing: the sftp server read a request and wrote a reply.
		const used = buildReport(at(4000, new Map([[402, 5600]])), quiet);
		expect(idleOf(used, 400)).toBe(0);
		const later = buildReport(at(64_000, new Map([[402, 5600]])), used);
		expect(idleOf(later, 400)).toBe(60);
		// The untouched command stays idle since it started.
		expect(idleOf(later, 200)).toBe(3664);
	});

	it('a command that ends or starts is activity', () => {
		const withIo = buildReport(at(2000, new Map([[202, 10]])), first);
		const ended = buildReport(
			{...at(4000), processes: at(4000).processes.filter(process => process.pid !== 202)},
			withIo,
		);
		expect(idleOf(ended, 200)).toBe(0);
	});

	it('keeps the same session object while nothing moved', () => {
		const quiet = buildReport(
			at(
				2000,
				new Map([
					[402, 5000],
					[202, 10],
				]),
			),
			first,
		);
		const again = buildReport(
			at(
				4000,
				new Map([
					[402, 5000],
					[202, 10],
				]),
			),
			quiet,
		);
		expect(again.sessions.find(session => session.pid === 400)).toBe(
			quiet.sessions.find(session => session.pid === 400),
		);
	});
});
