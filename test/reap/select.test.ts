import {describe, expect, test} from 'vitest';
import {type GuardContext, guardContextFrom} from '../../source/model/guard/guard.js';
import {SIGCONT, SIGHUP, SIGTERM} from '../../source/model/guard/signal-catalogue.js';
import type {SessionHealth} from '../../source/model/report/health.js';
import {buildReport} from '../../source/model/report/build-report.js';
import type {Session, SessionReport} from '../../source/model/types.js';
import type {ReapCriteria} from '../../source/reap/reap-options.js';
import {isPreauthNamed, matchingSessions, planLeftoverReap, planReap, type ReapPlan} from '../../source/reap/select.js';
import {
	commandSession,
	fakeSnapshot,
	listenerProcess,
	listening,
	processNode,
	processRecord,
	pts,
	report,
	session,
	shellSession,
	socket,
	sshd,
} from '../fixtures/builders.js';

function withHealth(session: Session, health: SessionHealth | undefined): Session {
	return health === undefined ? session : {...session, health: {health, evidence: [], tcp: undefined}};
}

// Alice 1000: an hour idle, healthy.       alice 2000: a minute idle, dead peer.
// bob 3000: `sleep 999` without a tty (idle unknown), stalled.   bob 4000: two hours idle, no health reading.
// 5000: a connection still logging in, dead peer.
const fixture: SessionReport = report([
	withHealth(
		shellSession(1000, {user: 'alice', idleSeconds: 3600, peer: {address: '198.51.100.1', port: 40_000}}),
		'ok',
	),
	withHealth(
		shellSession(2000, {user: 'alice', tty: 'pts/1', idleSeconds: 60, peer: {address: '10.0.0.5', port: 50_022}}),
		'dead-peer',
	),
	withHealth(commandSession(3000, 'sleep 999', {user: 'bob', peer: {address: '10.0.0.6', port: 50_100}}), 'stalled'),
	shellSession(4000, {user: 'bob', tty: 'pts/2', idleSeconds: 7200, peer: {address: '10.0.0.5', port: 50_200}}),
	withHealth(
		session(processNode(5000, 'sshd: [accepted]', {user: 'root', uid: 0}), {
			user: '?',
			uid: undefined,
			kind: 'preauth',
			stage: 'authenticating',
			ttys: [],
			idleSeconds: undefined,
			userSidePid: undefined,
			peer: {address: '10.0.0.9', port: 40_400},
		}),
		'dead-peer',
	),
]);

const nobodyRunsHere: GuardContext = {selfPid: 99_999, selfAncestorIds: [], listeners: [], ownSession: undefined};

function plan(criteria: ReapCriteria, context = nobodyRunsHere, from = fixture, signal = SIGTERM): ReapPlan {
	return planReap(from, {criteria, signal}, context);
}

function targetPids(result: ReapPlan): number[] {
	return result.targets.map(target => target.session.pid);
}

function excludedPids(result: ReapPlan): Array<[number, string]> {
	return result.excluded.map(exclusion => [exclusion.session.pid, exclusion.reason]);
}

describe('which sessions a criterion selects', () => {
	test.each<[string, ReapCriteria, number[]]>([
		['idle at least an hour (inclusive); unknown idle never matches', {idleSeconds: 3600}, [1000, 4000]],
		['idle at least 0 s: every session with a known idle time', {idleSeconds: 0}, [1000, 2000, 4000]],
		['dead peer, the preauth connection included', {health: 'dead-peer'}, [2000, 5000]],
		['stalled', {health: 'stalled'}, [3000]],
		['unknown: no health reading counts as unknown', {health: 'unknown'}, [4000]],
		['user, exactly', {user: 'bob'}, [3000, 4000]],
		['a user name prefix is not the user', {user: 'al'}, []],
		['from an address prefix', {from: '10.0.0.5'}, [2000, 4000]],
		['from address:port', {from: '10.0.0.5:50022'}, [2000]],
		['from :port', {from: ':50100'}, [3000]],
		['a filter on a process in the session', {filter: 'sleep'}, [3000]],
		['a filter with qualifiers', {filter: 'user:bob idle>1h'}, [4000]],
		['a filter on health', {filter: 'health:stalled,dead-peer'}, [2000, 3000, 5000]],
	])('%s', (_name, criteria, pids) => {
		expect(targetPids(plan(criteria))).toEqual(pids);
	});

	test.each<[string, ReapCriteria, number[]]>([
		['user and idle', {user: 'alice', idleSeconds: 3600}, [1000]],
		['user, from and health', {user: 'bob', from: '10.0.0.5', health: 'unknown'}, [4000]],
		["user and a health none of the user's sessions has", {user: 'alice', health: 'stalled'}, []],
		['from and filter', {from: '10.0.', filter: 'kind:shell'}, [2000, 4000]],
		['idle and health: the idle session is healthy, the dead one busy', {idleSeconds: 600, health: 'dead-peer'}, []],
	])('criteria are ANDed: %s', (_name, criteria, pids) => {
		expect(targetPids(plan(criteria))).toEqual(pids);
	});

	test('no criterion selects nothing', () => {
		expect(matchingSessions(fixture, {})).toEqual([]);
	});
});

describe('what each planned session gets', () => {
	test("the chosen signal to the session's top sshd (its monitor), with the session it ends", () => {
		const [first] = plan({user: 'alice', idleSeconds: 3600}, nobodyRunsHere, fixture, SIGHUP).targets;
		expect(first?.signal).toEqual(SIGHUP);
		const monitor = fixture.sessions[0]!.tree.process;
		expect(first?.targets).toEqual([
			expect.objectContaining({pid: 1000, startTicks: monitor.startTicks, user: 'root', command: 'sshd: alice [priv]'}),
		]);
		expect(first?.targets[0]?.peer).toEqual({address: '198.51.100.1', port: 40_000});
	});
});

describe('connections still logging in', () => {
	test('are excluded, and say so, when the selection does not ask for them', () => {
		const result = plan({from: '10.0.0.9'});
		expect(targetPids(result)).toEqual([]);
		expect(excludedPids(result)).toEqual([[5000, 'preauth']]);
		expect(result.excluded[0]?.message).toMatch(/--health.*kind:preauth/u);
	});

	test.each<[string, ReapCriteria]>([
		['--health', {health: 'dead-peer', from: '10.0.0.9'}],
		['health: in the filter', {filter: 'health:dead-peer', from: '10.0.0.9'}],
		['kind:preauth in the filter', {filter: 'kind:preauth'}],
		['kind:preauth among alternatives', {filter: 'kind:shell,preauth from:10.0.0.9'}],
	])('are reaped when named by %s', (_name, criteria) => {
		expect(isPreauthNamed(criteria)).toBe(true);
		expect(targetPids(plan(criteria))).toEqual([5000]);
	});

	test('free text that happens to say preauth does not name them', () => {
		expect(isPreauthNamed({filter: 'preauth'})).toBe(false);
		expect(isPreauthNamed({idleSeconds: 0, user: '?', from: '10.'})).toBe(false);
	});
});

describe('what reap never touches', () => {
	// sshtop (pid 303) runs under root's shell 302 in root's session 300; alice's session 200 is another.
	const snapshot = fakeSnapshot({
		processes: [
			listenerProcess(100, 9000),
			sshd({pid: 200, ppid: 100, title: 'sshd: alice [priv]', socketInodes: [9001]}),
			sshd({pid: 201, ppid: 200, uid: 1000, title: 'sshd: alice@pts/3', socketInodes: [9001]}),
			processRecord({pid: 202, ppid: 201, uid: 1000, argv: ['-bash'], ...pts(3)}),
			sshd({pid: 300, ppid: 100, title: 'sshd: root@pts/4', socketInodes: [9002]}),
			processRecord({pid: 302, ppid: 300, uid: 0, argv: ['-bash'], ...pts(4)}),
			processRecord({pid: 303, ppid: 302, uid: 0, argv: ['node', 'sshtop', 'reap'], ...pts(4)}),
		],
		sockets: [
			listening(9000, 22),
			socket(9001, {address: '10.0.0.5', port: 22}, {address: '192.168.0.100', port: 50_001}),
			socket(9002, {address: '10.0.0.5', port: 22}, {address: '192.168.0.100', port: 50_002}),
		],
		selfPid: 303,
	});
	const real = buildReport(snapshot);
	const context = guardContextFrom({
		selfPid: 303,
		processes: snapshot.processes,
		listeners: real.listeners,
		sessions: real.sessions,
		ownSessionId: real.ownSessionId,
	});

	test('the session sshtop runs in is excluded, the other one reaped', () => {
		const result = plan({from: '192.168.0.100'}, context, real);
		expect(targetPids(result)).toEqual([200]);
		expect(excludedPids(result)).toEqual([[300, 'own-session']]);
		expect(result.excluded[0]?.message).toMatch(/sshtop runs in this session/u);
	});

	test('even for a signal the guard lets through everywhere (SIGCONT)', () => {
		expect(excludedPids(plan({from: '192.168.0.100'}, context, real, SIGCONT))).toEqual([[300, 'own-session']]);
	});

	test("the guard's own-session verdict excludes it when the report did not mark it", () => {
		const unmarked: SessionReport = {
			...real,
			ownSessionId: undefined,
			sessions: real.sessions.map(session => ({...session, isOwn: false})),
		};
		const result = plan({user: 'root'}, context, unmarked);
		expect(excludedPids(result)).toEqual([[300, 'own-session']]);
		expect(result.excluded[0]?.message).toMatch(/YOUR session/u);
	});

	test("a session the operator's session is nested in is excluded too: ending it disconnects the operator", () => {
		const outer = shellSession(1000, {user: 'alice'});
		const inner = {...shellSession(2000, {user: 'alice', tty: 'pts/1'}), nestedIn: outer.id, isOwn: true};
		const nested: SessionReport = {...report([outer, inner]), ownSessionId: inner.id};
		const result = plan({user: 'alice'}, nobodyRunsHere, nested);
		expect(targetPids(result)).toEqual([]);
		expect(excludedPids(result)).toEqual([
			[1000, 'own-session'],
			[2000, 'own-session'],
		]);
		expect(result.excluded[0]?.message).toMatch(/runs inside this one/u);
	});

	test('a session whose sshd is a listener is excluded', () => {
		const [first] = fixture.sessions;
		const listenerContext: GuardContext = {
			...nobodyRunsHere,
			listeners: [{id: first!.id, pid: first!.pid, command: 'sshd -D', ports: [22]}],
		};
		const result = plan({user: 'alice'}, listenerContext);
		expect(targetPids(result)).toEqual([2000]);
		expect(excludedPids(result)).toEqual([[1000, 'listener']]);
		expect(result.excluded[0]?.message).toMatch(/SSH listener/u);
	});

	test('PID 1 and sshtop itself are refused by the guard', () => {
		const init = shellSession(1, {user: 'carol'});
		const refused = report([init, shellSession(600, {user: 'carol', tty: 'pts/6'})]);
		const result = plan({user: 'carol'}, {...nobodyRunsHere, selfPid: 600}, refused);
		expect(targetPids(result)).toEqual([]);
		expect(excludedPids(result)).toEqual([
			[1, 'refused'],
			[600, 'refused'],
		]);
		expect(result.excluded.map(exclusion => exclusion.message)).toEqual([
			expect.stringMatching(/PID 1 is the init process/u),
			expect.stringMatching(/is sshtop itself/u),
		]);
	});

	test('a session whose top sshd is missing from its tree has no target', () => {
		const broken = {...shellSession(700, {user: 'dave'}), monitorPid: 799};
		expect(excludedPids(plan({user: 'dave'}, nobodyRunsHere, report([broken])))).toEqual([[700, 'no-target']]);
	});
});

describe('--filter in reap matches words exactly', () => {
	test("a near miss selects nothing, where the explorer's fuzzy filter would forgive it", () => {
		expect(targetPids(plan({filter: 'sleap'}))).toEqual([]);
		expect(targetPids(plan({filter: 'sleep'}))).toEqual([3000]);
		expect(targetPids(plan({filter: 'slee'}))).toEqual([3000]);
	});

	test('a misspelt user name selects nobody; the exact one selects exactly their sessions', () => {
		expect(targetPids(plan({filter: 'alce'}))).toEqual([]);
		expect(targetPids(plan({filter: 'alice'}))).toEqual([1000, 2000]);
	});
});

describe('reap --leftovers', () => {
	const left = buildReport(
		fakeSnapshot({
			processes: [
				listenerProcess(100, 9000),
				// Nohup'ed by alice, whose connection from port 50002 is gone, with a child.
				processRecord({
					pid: 600,
					ppid: 1,
					uid: 1000,
					argv: ['nohup', 'sleep', '3600'],
					sshEnvironment: {connection: '192.168.0.100 50002 10.0.0.5 22', tty: '/dev/pts/7'},
				}),
				processRecord({pid: 601, ppid: 600, uid: 1000, argv: ['worker']}),
				// Setsid'ed by bob from 10.0.0.9, also gone.
				processRecord({
					pid: 700,
					ppid: 1,
					uid: 1001,
					argv: ['backup.sh'],
					sshEnvironment: {connection: '10.0.0.9 50003 10.0.0.5 22', tty: undefined},
				}),
			],
			sockets: [listening(9000, 22)],
		}),
	);
	const leftovers = (criteria: ReapCriteria) => planLeftoverReap(left, {criteria, signal: SIGTERM}, nobodyRunsHere);

	test('every process left behind, each with what runs below it, parents first', () => {
		const result = leftovers({});
		expect(result.targets.map(target => target.targets.map(each => each.pid))).toEqual([[600, 601], [700]]);
		expect(result.targets[0]?.targets[0]?.peer).toEqual({address: '192.168.0.100', port: 50_002});
	});

	test('narrowed by user, by where they came from, and by exact words of the command line', () => {
		expect(leftovers({user: 'bob'}).targets.map(target => target.leftover.tree.process.pid)).toEqual([700]);
		expect(leftovers({from: '192.168.'}).targets.map(target => target.leftover.tree.process.pid)).toEqual([600]);
		expect(leftovers({filter: 'backup'}).targets.map(target => target.leftover.tree.process.pid)).toEqual([700]);
		expect(leftovers({filter: 'bakup'}).targets).toEqual([]);
		expect(leftovers({filter: 'pid:600'}).targets.map(target => target.leftover.tree.process.pid)).toEqual([600]);
	});
});
