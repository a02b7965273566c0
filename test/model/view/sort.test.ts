import {describe, expect, test} from 'vitest';
import {
	defaultSortKey,
	nextSortKey,
	sortDirection,
	sortKeyLabels,
	sortKeys,
	sortSessions,
	sortTree,
	type SortKey,
} from '../../../source/model/view/sort.js';
import type {Endpoint, Session} from '../../../source/model/types.js';
import {processNode, session, type SessionFields, takenAt, ticksPerSecond, treePids} from '../../fixtures/builders.js';

/** A one-process session; `pid` orders ties, `loginMinute` is minutes after boot. */
function loneSession(
	pid: number,
	fields: SessionFields & {readonly loginMinute?: number; readonly rssBytes?: number} = {},
): Session {
	const {loginMinute = 0, rssBytes = 1024, ...rest} = fields;
	const tree = processNode(pid, `sshd: s${pid} [priv]`, {rssBytes, startTicks: loginMinute * 60 * ticksPerSecond});
	return session(tree, {user: `s${pid}`, ...rest});
}

function pids(sessions: readonly Session[]): number[] {
	return sessions.map(each => each.pid);
}

function order(
	sessions: readonly Session[],
	key: SortKey,
	reverse = false,
	cpu?: ReadonlyMap<string, number>,
): number[] {
	return pids(sortSessions(sessions, {key, reverse, ...(cpu === undefined ? {} : {cpuPercentBySessionId: cpu})}));
}

describe('sort keys', () => {
	test('cycle idle, login, CPU, memory, user, peer, pid and back', () => {
		expect(sortKeys).toEqual(['idle', 'login', 'cpu', 'memory', 'user', 'peer', 'pid']);
		expect(defaultSortKey).toBe('idle');
		const visited: SortKey[] = [defaultSortKey];
		for (const _key of sortKeys) {
			visited.push(nextSortKey(visited.at(-1)!));
		}

		expect(visited).toEqual(['idle', 'login', 'cpu', 'memory', 'user', 'peer', 'pid', 'idle']);
	});

	test('each has a header label', () => {
		expect(sortKeyLabels).toEqual({
			idle: 'IDLE',
			login: 'LOGIN',
			cpu: 'CPU%',
			memory: 'MEM',
			user: 'USER',
			peer: 'FROM',
			pid: 'PID',
		});
	});

	test('the header can tell which way the list runs', () => {
		expect(sortDirection('idle', false)).toBe('descending');
		expect(sortDirection('idle', true)).toBe('ascending');
		expect(sortDirection('user', false)).toBe('ascending');
		expect(sortDirection('user', true)).toBe('descending');
	});
});

describe('by idle time (the default)', () => {
	const sessions = [
		loneSession(1, {idleSeconds: 30}),
		loneSession(2, {idleSeconds: undefined}),
		loneSession(3, {idleSeconds: 3600}),
		loneSession(4, {idleSeconds: 0}),
		loneSession(5, {idleSeconds: undefined}),
		loneSession(6, {idleSeconds: 600}),
	];

	test('longest idle first, unknown idle last', () => {
		expect(order(sessions, 'idle')).toEqual([3, 6, 1, 4, 2, 5]);
	});

	test('reversed: shortest idle first, unknown idle still last', () => {
		expect(order(sessions, 'idle', true)).toEqual([4, 1, 6, 3, 2, 5]);
	});

	test('by the instant behind the seconds: two sessions quiet since the same second keep one order whichever way the seconds round', () => {
		// Read at x.3 s, both show 60 s; at x.8 s the first would show 61 and the second 60.
		const first = loneSession(1, {idleSince: takenAt - 60_700, loginMinute: 5});
		const second = loneSession(2, {idleSince: takenAt - 60_200, loginMinute: 1});
		expect(order([second, first], 'idle')).toEqual([1, 2]);
		expect(order([first, second], 'idle', true)).toEqual([2, 1]);
	});

	test('ties go to the earlier login, then the lower pid, in either direction', () => {
		const tied = [
			loneSession(30, {idleSeconds: 60, loginMinute: 5}),
			loneSession(20, {idleSeconds: 60, loginMinute: 5}),
			loneSession(10, {idleSeconds: 60, loginMinute: 9}),
			loneSession(40, {idleSeconds: 60, loginMinute: 1}),
		];
		expect(order(tied, 'idle')).toEqual([40, 20, 30, 10]);
		expect(order(tied, 'idle', true)).toEqual([40, 20, 30, 10]);
	});

	test('sessions without an idle figure are ordered among themselves by login, then pid', () => {
		const unknown = [
			loneSession(9, {idleSeconds: undefined, loginMinute: 3}),
			loneSession(8, {idleSeconds: undefined, loginMinute: 3}),
			loneSession(7, {idleSeconds: undefined, loginMinute: 4}),
			loneSession(1, {idleSeconds: 5}),
		];
		expect(order(unknown, 'idle')).toEqual([1, 8, 9, 7]);
		expect(order(unknown, 'idle', true)).toEqual([1, 8, 9, 7]);
	});
});

describe('by login time', () => {
	const sessions = [
		loneSession(1, {loginMinute: 50}),
		loneSession(2, {loginMinute: 10}),
		loneSession(3, {loginMinute: 30}),
		loneSession(4, {loginMinute: 10}),
	];

	test('longest connected first; equal logins by pid', () => {
		expect(order(sessions, 'login')).toEqual([2, 4, 3, 1]);
	});

	test('reversed: newest login first', () => {
		expect(order(sessions, 'login', true)).toEqual([1, 3, 2, 4]);
	});
});

describe('by CPU', () => {
	const sessions = [loneSession(1), loneSession(2), loneSession(3), loneSession(4), loneSession(5)];
	const cpu = new Map([
		[sessions[0]!.id, 12.5],
		[sessions[1]!.id, 80],
		[sessions[3]!.id, 0],
		[sessions[4]!.id, 12.5],
	]);

	test('busiest first; sessions without a figure last', () => {
		expect(order(sessions, 'cpu', false, cpu)).toEqual([2, 1, 5, 4, 3]);
	});

	test('reversed: idlest first; sessions without a figure still last', () => {
		expect(order(sessions, 'cpu', true, cpu)).toEqual([4, 1, 5, 2, 3]);
	});

	test('with no CPU figures at all (the first snapshot), the tie order stands', () => {
		expect(order(sessions, 'cpu')).toEqual([1, 2, 3, 4, 5]);
	});
});

describe('by memory', () => {
	test("the sum of resident memory over the session's whole tree, largest first", () => {
		const big = session(
			processNode(1, 'sshd', {
				rssBytes: 1000,
				children: [processNode(2, 'bash', {rssBytes: 500, children: [processNode(3, 'java', {rssBytes: 9000})]})],
			}),
		);
		const wide = session(
			processNode(10, 'sshd', {
				rssBytes: 3000,
				children: [processNode(11, 'a', {rssBytes: 3000}), processNode(12, 'b', {rssBytes: 3000})],
			}),
		);
		const small = loneSession(20, {rssBytes: 9999});
		const same = loneSession(30, {rssBytes: 9999});
		// Big 10500, small 9999, same 9999, wide 9000.
		expect(order([wide, small, big, same], 'memory')).toEqual([1, 20, 30, 10]);
		expect(order([wide, small, big, same], 'memory', true)).toEqual([10, 20, 30, 1]);
	});
});

describe('by user', () => {
	test('alphabetical, numbers in numeric order; reversed is reverse alphabetical', () => {
		const sessions = [
			loneSession(1, {user: 'user10'}),
			loneSession(2, {user: 'bob'}),
			loneSession(3, {user: 'user9'}),
			loneSession(4, {user: 'Alice'}),
			loneSession(5, {user: 'bob'}),
		];
		expect(order(sessions, 'user')).toEqual([4, 2, 5, 3, 1]);
		expect(order(sessions, 'user', true)).toEqual([1, 3, 2, 5, 4]);
	});
});

describe('by peer', () => {
	const at = (address: string, port: number): Endpoint => ({address, port});
	const sessions = [
		loneSession(1, {peer: at('10.0.0.10', 22)}),
		loneSession(2, {peer: at('2001:db8::1', 22)}),
		loneSession(3, {peer: at('10.0.0.9', 50_000)}),
		loneSession(4, {peer: undefined}),
		loneSession(5, {peer: at('10.0.0.9', 4000)}),
		loneSession(6, {peer: at('::ffff:10.0.0.8', 22)}),
		loneSession(7, {peer: at('2001:db8:0:0:0:0:0:0', 22)}),
		loneSession(8, {peer: at('192.168.0.1', 22)}),
	];

	test('IPv4 in numeric order (IPv4-mapped among them), then IPv6 in numeric order, then by port; no peer last', () => {
		expect(order(sessions, 'peer')).toEqual([6, 5, 3, 1, 8, 7, 2, 4]);
	});

	test('reversed, with no peer still last', () => {
		expect(order(sessions, 'peer', true)).toEqual([2, 7, 8, 1, 3, 5, 6, 4]);
	});
});

describe('by pid', () => {
	test('lowest first; reversed highest first', () => {
		const sessions = [loneSession(300), loneSession(20), loneSession(1000)];
		expect(order(sessions, 'pid')).toEqual([20, 300, 1000]);
		expect(order(sessions, 'pid', true)).toEqual([1000, 300, 20]);
	});
});

describe('sorting never breaks a tree', () => {
	// Children given out of order: 4 started before 3, and 5 and 6 started at the same tick.
	const unordered = session(
		processNode(1, 'sshd', {
			children: [
				processNode(2, 'bash', {
					children: [
						processNode(3, 'make', {
							startTicks: 50,
							children: [processNode(6, 'cc b.c', {startTicks: 60}), processNode(5, 'cc a.c', {startTicks: 60})],
						}),
						processNode(4, 'vim', {startTicks: 40}),
					],
				}),
			],
		}),
	);

	test('siblings run in start order, then pid order, at every depth', () => {
		expect(treePids(sortTree(unordered.tree))).toEqual([1, 2, 4, 3, 5, 6]);
	});

	test('a tree already in order is returned as it is', () => {
		const ordered = sortTree(unordered.tree);
		expect(sortTree(ordered)).toBe(ordered);
	});

	test('only the branches that moved are new objects', () => {
		const {tree} = session(
			processNode(1, 'sshd', {
				children: [
					processNode(2, 'a', {children: [processNode(4, 'x'), processNode(3, 'y')]}),
					processNode(9, 'b', {children: [processNode(10, 'z')]}),
				],
			}),
		);
		const sorted = sortTree(tree);
		expect(sorted).not.toBe(tree);
		expect(sorted.children[1]).toBe(tree.children[1]);
	});

	test('sessions come back with their trees in order, and untouched sessions are the same objects', () => {
		const tidy = loneSession(9, {idleSeconds: 5});
		const sorted = sortSessions([tidy, unordered], {key: 'pid'});
		expect(pids(sorted)).toEqual([1, 9]);
		expect(treePids(sorted[0]!.tree)).toEqual([1, 2, 4, 3, 5, 6]);
		expect(sorted[1]).toBe(tidy);
	});

	test('a chain of 50,000 nested processes is sorted without running out of stack', () => {
		let chain = processNode(150_000, 'sleep 1000');
		for (let pid = 149_999; pid > 100_000; pid--) {
			chain = processNode(pid, 'bash', {startTicks: 1000, children: [chain]});
		}

		const root = processNode(100_000, 'sshd', {children: [processNode(200_000, 'late', {startTicks: 999_999}), chain]});
		const sorted = sortTree(root);
		expect(sorted.children.map(child => child.process.pid)).toEqual([100_001, 200_000]);
		expect(sorted.children[0]).toBe(root.children[1]);
	});

	test('the input list is left as it was', () => {
		const sessions = [loneSession(2), loneSession(1)];
		sortSessions(sessions, {key: 'pid'});
		expect(pids(sessions)).toEqual([2, 1]);
	});
});
