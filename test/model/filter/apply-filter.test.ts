import Fuse from 'fuse.js';
import {describe, expect, test, vi} from 'vitest';
import {applyFilter, createFilterIndex, type FilterResult} from '../../../source/model/filter/apply-filter.js';
import {parseFilterQuery} from '../../../source/model/filter/query-parser.js';
import {idleSecondsAt} from '../../../source/model/report/idle.js';
import {commandLine, peerText, ttysText} from '../../../source/model/filter/filter-text.js';
import type {ProcessNode, Session, SessionReport} from '../../../source/model/types.js';
import {
	commandSession,
	idOfPid,
	processNode,
	report,
	session,
	shellSession,
	takenAt,
	treePids,
	treeShape,
} from '../../fixtures/builders.js';

// Counts how often the searchable text is computed: once per process per report, never per keystroke.
vi.mock('../../../source/model/filter/filter-text.js', async importOriginal => {
	// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- vitest's way to type the module it mocks.
	const original = await importOriginal<typeof import('../../../source/model/filter/filter-text.js')>();
	return {...original, commandLine: vi.fn(original.commandLine)};
});

// Alice (shell, pts/0, 10.0.0.5:50022, idle 1h): 1000 sshd → 1001 sshd → 1002 -bash → 1003 vim README.md
//                                                                                 → 1004 make -j4 → 1005 cc main.c
// bob   (shell, pts/1, 192.168.1.20:41000, idle 30s): 2000 sshd → 2001 sshd → 2002 -bash → 2003 top
// carol (sftp, [2001:db8::7]:55000):   3000 sshd → 3001 sshd: carol@notty → 3002 sftp-server
// deploy (command, 10.0.1.9:50023):    4000 sshd → 4001 sshd: deploy@notty → 4002 rsync --server
// preauth (10.0.0.77:60000):           5000 sshd: 10.0.0.77 [preauth]
const alice = shellSession(1000, {
	user: 'alice',
	tty: 'pts/0',
	peer: {address: '10.0.0.5', port: 50_022},
	idleSeconds: 3600,
	shellChildren: [
		processNode(1003, 'vim README.md', {tty: 'pts/0'}),
		processNode(1004, 'make -j4', {tty: 'pts/0', children: [processNode(1005, 'cc main.c', {tty: 'pts/0'})]}),
	],
});
const bob = shellSession(2000, {
	user: 'bob',
	tty: 'pts/1',
	peer: {address: '192.168.1.20', port: 41_000},
	idleSeconds: 30,
	shellChildren: [processNode(2003, 'top', {user: 'bob', tty: 'pts/1'})],
});
const carol = commandSession(3000, '/usr/lib/openssh/sftp-server', {
	user: 'carol',
	kind: 'sftp',
	peer: {address: '2001:db8::7', port: 55_000},
});
const deploy = commandSession(4000, 'rsync --server -vlogDtpre.iLsfxC . /srv/www', {
	user: 'deploy',
	peer: {address: '10.0.1.9', port: 50_023},
});
const preauth = session(processNode(5000, 'sshd: 10.0.0.77 [preauth]', {user: 'root'}), {
	user: 'unknown',
	kind: 'preauth',
	stage: 'authenticating',
	ttys: [],
	idleSeconds: undefined,
	peer: {address: '10.0.0.77', port: 60_000},
});
const fixture = report([alice, bob, carol, deploy, preauth]);
const index = createFilterIndex(fixture);

function filter(query: string): FilterResult {
	return applyFilter(index, query);
}

function shownSessionUsers(result: FilterResult): string[] {
	return result.sessions.map(session => session.user);
}

function markOf(result: FilterResult, pid: number) {
	return result.processMarks.get(idOfPid(fixture, pid));
}

function shownSession(result: FilterResult, user: string): Session {
	const session = result.sessions.find(each => each.user === user);
	expect(session, `${user}'s session is shown`).toBeDefined();
	return session!;
}

describe('an empty query', () => {
	test.each(['', '   '])('%j shows every session as it is, with no marks', query => {
		const result = filter(query);
		expect(result.sessions).toBe(fixture.sessions);
		expect(result.isFiltering).toBe(false);
		expect(result.sessionMarks.size).toBe(0);
		expect(result.processMarks.size).toBe(0);
		expect(result.sessionHighlights.size).toBe(0);
		expect(result.processHighlights.size).toBe(0);
		expect(result.matchCount).toBe(0);
		expect(result.hint).toBeUndefined();
	});
});

describe('a tree stays a tree', () => {
	test('a match deep in a tree keeps its ancestors as context and all its children', () => {
		const result = filter('make');
		expect(shownSessionUsers(result)).toEqual(['alice']);
		expect(treeShape(shownSession(result, 'alice').tree)).toEqual([1000, [[1001, [[1002, [[1004, [[1005, []]]]]]]]]]);
		expect(markOf(result, 1004)).toBe('match');
		expect(markOf(result, 1005)).toBe('descendant');
		expect(markOf(result, 1002)).toBe('context');
		expect(markOf(result, 1001)).toBe('context');
		expect(markOf(result, 1000)).toBe('context');
		expect(markOf(result, 1003)).toBeUndefined();
		expect(result.sessionMarks.get(alice.id)).toBe('context');
		expect(result.matchCount).toBe(1);
	});

	test('the subtree under a match is the original one, so memoised rows below it stay valid', () => {
		const shown = shownSession(filter('make'), 'alice');
		const originalMake = alice.tree.children[0]!.children[0]!.children[1]!;
		expect(shown.tree.children[0]!.children[0]!.children[0]).toBe(originalMake);
		expect(shown).not.toBe(alice);
	});

	test('a session-level match keeps the whole session, the same object', () => {
		const result = filter('bob');
		expect(result.sessions).toEqual([bob]);
		expect(result.sessions[0]).toBe(bob);
		expect(result.sessionMarks.get(bob.id)).toBe('match');
		// The sshd titles name bob too.
		expect(markOf(result, 2000)).toBe('match');
		expect(markOf(result, 2001)).toBe('match');
		expect(markOf(result, 2002)).toBe('descendant');
		expect(markOf(result, 2003)).toBe('descendant');
		// The session, and its user-side sshd: the top sshd is the session row itself.
		expect(result.matchCount).toBe(2);
	});

	test('`sshd` keeps every process under each sshd', () => {
		const result = filter('sshd');
		expect(result.sessions).toEqual(fixture.sessions);
		expect(treePids(shownSession(result, 'alice').tree)).toEqual([1000, 1001, 1002, 1003, 1004, 1005]);
		expect(markOf(result, 1000)).toBe('match');
		expect(markOf(result, 1001)).toBe('match');
		expect(markOf(result, 1002)).toBe('descendant');
		expect(markOf(result, 1005)).toBe('descendant');
		// The top sshd is what a session row stands for, so its match is the session's.
		for (const session of fixture.sessions) {
			expect(result.sessionMarks.get(session.id)).toBe('match');
		}

		// Five sessions plus the four user-side sshd processes.
		expect(result.matchCount).toBe(9);
	});

	test("a user name keeps that user's sessions whole", () => {
		const result = filter('alice');
		expect(result.sessions).toEqual([alice]);
		expect(treePids(result.sessions[0]!.tree)).toEqual([1000, 1001, 1002, 1003, 1004, 1005]);
	});

	test('words must all hold: one by the session, one by the process', () => {
		const result = filter('alice make');
		expect(shownSessionUsers(result)).toEqual(['alice']);
		expect(treePids(result.sessions[0]!.tree)).toEqual([1000, 1001, 1002, 1004, 1005]);
		expect(markOf(result, 1004)).toBe('match');
		expect(filter('bob make').sessions).toEqual([]);
	});

	test('matches in two branches keep both branches and drop the rest', () => {
		const result = filter('"cc main" README');
		expect(result.sessions).toEqual([]);
		const either = filter('pid:1003,1005');
		expect(treeShape(either.sessions[0]!.tree)).toEqual([
			1000,
			[
				[
					1001,
					[
						[
							1002,
							[
								[1003, []],
								[1004, [[1005, []]]],
							],
						],
					],
				],
			],
		]);
		expect(markOf(either, 1004)).toBe('context');
		expect(either.matchCount).toBe(2);
	});
});

describe('a fork bomb', () => {
	test('a chain of 50,000 nested processes is filtered without running out of stack', () => {
		let chain = processNode(150_000, 'sleep 1000');
		for (let pid = 149_999; pid > 100_000; pid--) {
			chain = processNode(pid, 'bash -c :(){ :|:& };:', {children: [chain]});
		}

		const bomb = session(processNode(100_000, 'sshd: mallory [priv]', {children: [chain]}), {user: 'mallory'});
		const bombIndex = createFilterIndex(report([bomb]));
		const result = applyFilter(bombIndex, 'sleep');
		expect(result.sessions).toEqual([bomb]);
		expect(result.matchCount).toBe(1);
		expect(result.processMarks.get(idOfPid(report([bomb]), 100_000))).toBe('context');
		expect(result.processMarks.get(idOfPid(report([bomb]), 150_000))).toBe('match');
		expect(applyFilter(bombIndex, 'mallory').processMarks.size).toBe(50_001);
	});
});

describe("sshtop's own process", () => {
	// Dave runs `sshtop --filter zzqqxx` (pid 6003), which runs `ss` (6004); his shell also runs a
	// `grep zzqqxx` (6005) of its own.
	const dave = shellSession(6000, {
		user: 'dave',
		tty: 'pts/2',
		shellChildren: [
			processNode(6003, 'node /usr/bin/sshtop --filter zzqqxx', {
				tty: 'pts/2',
				children: [processNode(6004, 'ss -tinH state all sport zzqqxx', {})],
			}),
		],
	});
	const daveWithGrep = shellSession(6000, {
		user: 'dave',
		tty: 'pts/2',
		shellChildren: [
			processNode(6003, 'node /usr/bin/sshtop --filter zzqqxx', {tty: 'pts/2'}),
			processNode(6005, 'grep zzqqxx notes.txt', {tty: 'pts/2'}),
		],
	});

	test('is never matched by text, nor is what it runs: its command line holds the query', () => {
		const withSelf = report([alice, dave], {selfPid: 6003});
		expect(applyFilter(createFilterIndex(withSelf), 'zzqqxx').sessions).toEqual([]);
		expect(applyFilter(createFilterIndex(withSelf), '6003').sessions).toEqual([]);
	});

	test('another process of the same session with the text still matches', () => {
		const withSelf = report([alice, daveWithGrep], {selfPid: 6003});
		const result = applyFilter(createFilterIndex(withSelf), 'zzqqxx');
		expect(result.sessions.map(each => each.user)).toEqual(['dave']);
		expect(result.processMarks.get(idOfPid(withSelf, 6005))).toBe('match');
		expect(result.processMarks.get(idOfPid(withSelf, 6003))).not.toBe('match');
	});

	test('is searched like any other process when the report was read by another program', () => {
		expect(applyFilter(createFilterIndex(report([alice, dave])), 'zzqqxx').sessions).toHaveLength(1);
	});
});

describe('fuzzy free text', () => {
	test('a typo in a long word is forgiven', () => {
		expect(treePids(filter('sftp-servr').sessions[0]!.tree)).toEqual([3000, 3001, 3002]);
		expect(markOf(filter('sftp-servr'), 3002)).toBe('match');
	});

	test('a short word must match as typed', () => {
		expect(filter('vin').sessions).toEqual([]);
		expect(shownSessionUsers(filter('vim'))).toEqual(['alice']);
	});

	test('numbers are exact: 50022 is not 50023', () => {
		const result = filter('50022');
		expect(shownSessionUsers(result)).toEqual(['alice']);
		expect(result.sessionMarks.get(alice.id)).toBe('match');
	});

	test('terminals are exact: pts/1 is not pts/0', () => {
		expect(shownSessionUsers(filter('pts/1'))).toEqual(['bob']);
	});

	test('addresses are exact: 10.0.1.5 is not 10.0.1.9', () => {
		expect(filter('10.0.1.5').sessions).toEqual([]);
		expect(shownSessionUsers(filter('10.0.1.9'))).toEqual(['deploy']);
	});

	test('quoted text is exact', () => {
		expect(treePids(filter('"make -j4"').sessions[0]!.tree)).toEqual([1000, 1001, 1002, 1004, 1005]);
		expect(filter('"make -j8"').sessions).toEqual([]);
	});

	test('free text reaches pid, tty, kind and peer as well as command and user', () => {
		expect(markOf(filter('2003'), 2003)).toBe('match');
		expect(shownSessionUsers(filter('pts/1'))).toEqual(['bob']);
		expect(shownSessionUsers(filter('sftp'))).toEqual(['carol']);
		expect(shownSessionUsers(filter('preauth'))).toEqual(['unknown']);
		expect(shownSessionUsers(filter('192.168'))).toEqual(['bob']);
		expect(shownSessionUsers(filter('2001:db8'))).toEqual(['carol']);
	});
});

describe('smart-case', () => {
	test('a lower-case word ignores case', () => {
		expect(markOf(filter('readme'), 1003)).toBe('match');
	});

	test('an upper-case letter makes the word respect case', () => {
		expect(markOf(filter('README'), 1003)).toBe('match');
		expect(filter('ReadMe').sessions).toEqual([]);
		expect(filter('VIM').sessions).toEqual([]);
	});

	test('case is decided per word', () => {
		expect(markOf(filter('alice README'), 1003)).toBe('match');
		expect(filter('ALICE README').sessions).toEqual([]);
	});
});

describe('qualifiers', () => {
	test('user: is the login user, by prefix, smart-case', () => {
		expect(shownSessionUsers(filter('user:alice'))).toEqual(['alice']);
		expect(shownSessionUsers(filter('user:ali'))).toEqual(['alice']);
		expect(filter('user:ALICE').sessions).toEqual([]);
		expect(filter('user:lice').sessions).toEqual([]);
		expect(shownSessionUsers(filter('user:alice,bob'))).toEqual(['alice', 'bob']);
	});

	test("user: does not match a process run by that user in someone else's session", () => {
		// Every top sshd runs as root; user:root must not show every session.
		expect(filter('user:root').sessions).toEqual([]);
	});

	test('from: is an address prefix of the peer written address:port', () => {
		expect(shownSessionUsers(filter('from:10.0.'))).toEqual(['alice', 'deploy', 'unknown']);
		expect(shownSessionUsers(filter('from:10.0.0.5:50022'))).toEqual(['alice']);
		expect(shownSessionUsers(filter('from:2001:db8'))).toEqual(['carol']);
		expect(shownSessionUsers(filter('from:[2001:db8::7]:55000'))).toEqual(['carol']);
		expect(filter('from:0.0.5').sessions).toEqual([]);
	});

	test('from::PORT is exactly that port, and a bare number is a port or an address prefix', () => {
		expect(shownSessionUsers(filter('from::50022'))).toEqual(['alice']);
		expect(filter('from::5002').sessions).toEqual([]);
		expect(shownSessionUsers(filter('from:50022'))).toEqual(['alice']);
		expect(shownSessionUsers(filter('from:55000'))).toEqual(['carol']);
		expect(shownSessionUsers(filter('from:192'))).toEqual(['bob']);
	});

	test('tty: shows the processes on that terminal, with the sshd processes above them as context', () => {
		for (const query of ['tty:pts/0', 'tty:/dev/pts/0', 'tty:0']) {
			const result = filter(query);
			expect(shownSessionUsers(result), query).toEqual(['alice']);
			expect(treePids(result.sessions[0]!.tree)).toEqual([1000, 1001, 1002, 1003, 1004, 1005]);
			expect(markOf(result, 1002)).toBe('match');
			expect(markOf(result, 1001)).toBe('context');
		}

		expect(filter('tty:pts/9').sessions).toEqual([]);
	});

	test("pid: shows that process's branch; the session pid shows the whole session", () => {
		const branch = filter('pid:1004');
		expect(treePids(branch.sessions[0]!.tree)).toEqual([1000, 1001, 1002, 1004, 1005]);
		const whole = filter('pid:1000');
		expect(whole.sessions).toEqual([alice]);
		expect(whole.sessionMarks.get(alice.id)).toBe('match');
		expect(filter('pid:100').sessions).toEqual([]);
	});

	test('kind: takes the JSON kinds and the aliases pty and notty', () => {
		expect(shownSessionUsers(filter('kind:shell'))).toEqual(['alice', 'bob']);
		expect(shownSessionUsers(filter('kind:sftp'))).toEqual(['carol']);
		expect(shownSessionUsers(filter('kind:command'))).toEqual(['deploy']);
		expect(shownSessionUsers(filter('kind:preauth'))).toEqual(['unknown']);
		expect(shownSessionUsers(filter('kind:forward'))).toEqual([]);
		expect(shownSessionUsers(filter('kind:pty'))).toEqual(['alice', 'bob']);
		// Sessions without a terminal; a connection still authenticating is not a session without a tty.
		expect(shownSessionUsers(filter('kind:notty'))).toEqual(['carol', 'deploy']);
		expect(shownSessionUsers(filter('kind:SFTP'))).toEqual(['carol']);
		expect(shownSessionUsers(filter('kind:sftp,command'))).toEqual(['carol', 'deploy']);
	});

	test('a command run with a terminal (ssh -t host cmd) counts as pty, not notty', () => {
		const withTerminal = commandSession(6000, 'htop', {user: 'erin', ttys: ['pts/5']});
		const own = createFilterIndex(report([withTerminal]));
		expect(applyFilter(own, 'kind:pty').sessions).toEqual([withTerminal]);
		expect(applyFilter(own, 'kind:notty').sessions).toEqual([]);
		expect(applyFilter(own, 'kind:command').sessions).toEqual([withTerminal]);
	});

	test('qualifiers combine with each other and with free text', () => {
		expect(shownSessionUsers(filter('kind:shell idle>1m'))).toEqual(['alice']);
		expect(treePids(filter('user:alice vim').sessions[0]!.tree)).toEqual([1000, 1001, 1002, 1003]);
		expect(filter('user:bob vim').sessions).toEqual([]);
	});
});

describe('idle comparisons', () => {
	const idleTimes = [9, 10, 11, 59, 60, 61, 599, 600, 601, 3599, 3600, 3601, 86_399, 86_400, 86_401] as const;
	const idleSessions = [
		...idleTimes.map((idleSeconds, position) =>
			shellSession(10_000 + position * 10, {user: `idle${idleSeconds}`, idleSeconds}),
		),
		shellSession(20_000, {user: 'unknown-idle', idleSeconds: undefined}),
	];
	const idleIndex = createFilterIndex(report(idleSessions));
	const idleOf = (query: string) =>
		applyFilter(idleIndex, query).sessions.map(session => idleSecondsAt(session, takenAt));

	test.each([
		['idle>10s', idleTimes.filter(seconds => seconds > 10)],
		['idle>=10s', idleTimes.filter(seconds => seconds >= 10)],
		['idle<10s', [9]],
		['idle<=10s', [9, 10]],
		['idle<10', [9]],
		['idle<=10', [9, 10]],
		['idle>1m', idleTimes.filter(seconds => seconds > 60)],
		['idle>=1m', idleTimes.filter(seconds => seconds >= 60)],
		['idle<1m', [9, 10, 11, 59]],
		['idle<=10m', idleTimes.filter(seconds => seconds <= 600)],
		['idle>10m', idleTimes.filter(seconds => seconds > 600)],
		['idle>1h', [3601, 86_399, 86_400, 86_401]],
		['idle>=1h', [3600, 3601, 86_399, 86_400, 86_401]],
		['idle<1h', idleTimes.filter(seconds => seconds < 3600)],
		['idle>=1d', [86_400, 86_401]],
		['idle>1d', [86_401]],
		['idle<1d', idleTimes.filter(seconds => seconds < 86_400)],
		['idle>=0', [...idleTimes]],
		['idle>=1m idle<10m', [60, 61, 599]],
	])('%s', (query, expected) => {
		expect(idleOf(query)).toEqual(expected);
	});

	test('a session without an idle figure matches no comparison', () => {
		for (const query of ['idle>0', 'idle<1d', 'idle>=0', 'idle<=99d']) {
			expect(applyFilter(idleIndex, query).sessions.map(session => session.user)).not.toContain('unknown-idle');
		}
	});
});

describe('highlights', () => {
	test('ranges are [start, end) offsets into the text the row shows', () => {
		const result = filter('readme');
		const ranges = result.processHighlights.get(idOfPid(fixture, 1003));
		expect(ranges).toEqual([{field: 'command', start: 4, end: 10}]);
		const command = commandLine(alice.tree.children[0]!.children[0]!.children[0]!.process);
		expect(command.slice(4, 10)).toBe('README');
	});

	test('session fields are highlighted on the session, process fields on the process', () => {
		const result = filter('alice make');
		expect(result.sessionHighlights.get(alice.id)).toEqual([{field: 'user', start: 0, end: 5}]);
		expect(result.processHighlights.get(idOfPid(fixture, 1004))).toEqual([{field: 'command', start: 0, end: 4}]);
	});

	test('qualifiers highlight what they matched', () => {
		expect(filter('user:ali').sessionHighlights.get(alice.id)).toEqual([{field: 'user', start: 0, end: 3}]);
		expect(filter('from:10.0.').sessionHighlights.get(alice.id)).toEqual([{field: 'peer', start: 0, end: 5}]);
		const port = filter('from::50022').sessionHighlights.get(alice.id);
		expect(port).toEqual([{field: 'peer', start: 9, end: 14}]);
		expect(peerText(alice.peer!).slice(9, 14)).toBe('50022');
		expect(filter('from:2001:db8').sessionHighlights.get(carol.id)).toEqual([{field: 'peer', start: 1, end: 9}]);
		expect(filter('kind:notty').sessionHighlights.get(carol.id)).toEqual([{field: 'kind', start: 0, end: 4}]);
		expect(filter('pid:1004').processHighlights.get(idOfPid(fixture, 1004))).toEqual([
			{field: 'pid', start: 0, end: 4},
		]);
	});

	test('several words highlighting one field merge into ordered ranges', () => {
		const ranges = filter('www rsync').processHighlights.get(idOfPid(fixture, 4002));
		const command = commandLine(deploy.tree.children[0]!.children[0]!.process);
		expect(ranges?.map(({field, start, end}) => [field, command.slice(start, end)])).toEqual([
			['command', 'rsync'],
			['command', 'www'],
		]);
	});

	test('the ttys text is what the TTY column shows', () => {
		const twoTerminals = shellSession(7000, {user: 'frank', tty: 'pts/3', ttys: ['pts/3', 'pts/7']});
		const result = applyFilter(createFilterIndex(report([twoTerminals])), 'pts/7');
		expect(result.sessionHighlights.get(twoTerminals.id)).toEqual([{field: 'ttys', start: 6, end: 11}]);
		expect(ttysText(twoTerminals.ttys).slice(6, 11)).toBe('pts/7');
	});
});

describe('malformed queries', () => {
	test('a malformed qualifier is left out with a hint and the rest of the query still filters', () => {
		const result = filter('idle>abc vim');
		expect(result.hint).toMatch(/idle: 'abc' is not a duration/u);
		expect(result.isFiltering).toBe(true);
		expect(treePids(result.sessions[0]!.tree)).toEqual([1000, 1001, 1002, 1003]);
	});

	test('a query with nothing usable shows everything, with the hint', () => {
		const result = filter('pid:x');
		expect(result.sessions).toBe(fixture.sessions);
		expect(result.isFiltering).toBe(false);
		expect(result.hint).toMatch(/pid: 'x' is not a process id/u);
	});

	test('an unknown qualifier is searched as text, and says so', () => {
		const result = filter('unknownfield:x');
		expect(result.hint).toMatch(/unknown filter 'unknownfield:'/u);
		expect(result.sessions).toEqual([]);
	});

	test.each([
		'"',
		':',
		'>',
		'user:"',
		'from:[',
		'idle>>5m',
		'🙂',
		'\\',
		'(',
		'.*',
		'a'.repeat(80),
		'kind:,,,',
		'"a" "b"',
	])('%j does not throw', query => {
		expect(() => filter(query)).not.toThrow();
	});
});

describe('one index per snapshot', () => {
	// 500 sessions of 20 processes: sshd monitor, sshd user side, bash, 17 workers.
	function largeReport(): SessionReport {
		const sessions: Session[] = [];
		for (let number = 0; number < 500; number++) {
			const pid = 100_000 + number * 100;
			const workers = Array.from({length: 17}, (_, job) =>
				processNode(
					pid + 3 + job,
					`/usr/bin/python3 worker.py --job ${number}-${job} --queue=default-priority-background-batch`,
				),
			);
			sessions.push(
				shellSession(pid, {
					user: `user${number}`,
					tty: `pts/${number}`,
					peer: {address: `10.${Math.floor(number / 250)}.${number % 250}.1`, port: 40_000 + number},
					idleSeconds: number,
					shellChildren: workers,
				}),
			);
		}

		return report(sessions);
	}

	const large = largeReport();

	test('20 successive queries over 10,000 processes reuse the text indexed once, and are right', () => {
		const processCount = large.sessions.reduce((total, session) => total + treePids(session.tree).length, 0);
		expect(processCount).toBe(10_000);

		const indexCommandLine = vi.mocked(commandLine);
		indexCommandLine.mockClear();
		const largeIndex = createFilterIndex(large);
		expect(indexCommandLine).toHaveBeenCalledTimes(10_000);

		// Typing `user:user42 "--job 42-1"` one key at a time, from its fifth character on.
		const typed = 'user:user42 "--job 42-1"';
		const queries = Array.from({length: 20}, (_, position) => typed.slice(0, typed.length - 19 + position));
		expect(queries.at(-1)).toBe(typed);
		const results = queries.map(query => applyFilter(largeIndex, query));
		expect(indexCommandLine).toHaveBeenCalledTimes(10_000);

		// `user:` filters nothing yet; `user:user` shows every session, whole.
		expect(results[0]!.isFiltering).toBe(false);
		expect(results[4]!.sessions).toEqual(large.sessions);
		// `user:user42`: user42 and user420 to user429.
		expect(results[6]!.sessions.map(session => session.user)).toEqual([
			'user42',
			...Array.from({length: 10}, (_, digit) => `user42${digit}`),
		]);

		const final = results.at(-1)!;
		expect(final.sessions.map(session => session.user)).toEqual(['user42']);
		const jobs = [1, 10, 11, 12, 13, 14, 15, 16];
		const base = 100_000 + 42 * 100;
		expect(treePids(final.sessions[0]!.tree)).toEqual([base, base + 1, base + 2, ...jobs.map(job => base + 3 + job)]);
		expect(final.matchCount).toBe(jobs.length);
		expect(final.sessionMarks.get(final.sessions[0]!.id)).toBe('context');
	});

	test('every word finds, and highlights, exactly what a fuse search over the same text does', () => {
		const sample = report(large.sessions.slice(0, 100));
		const sampleIndex = createFilterIndex(sample);
		type Reference = {readonly id: string; readonly isSession: boolean} & Partial<
			Record<'user' | 'peer' | 'ttys' | 'kind' | 'command' | 'pid', string>
		>;
		const references: Reference[] = [];
		for (const session of sample.sessions) {
			references.push({
				id: session.id,
				isSession: true,
				user: session.user,
				peer: peerText(session.peer!),
				ttys: ttysText(session.ttys),
				kind: session.kind,
			});
			for (const pid of treePids(session.tree)) {
				const id = idOfPid(sample, pid);
				const node = findNode(session, pid);
				references.push({id, isSession: false, command: commandLine(node.process), pid: String(pid)});
			}
		}

		const fuse = (isCaseSensitive: boolean) =>
			new Fuse(references, {
				keys: ['user', 'peer', 'ttys', 'kind', 'command', 'pid'],
				threshold: 0.2,
				ignoreLocation: true,
				isCaseSensitive,
				includeMatches: true,
			});
		const searchers = {sensitive: fuse(true), insensitive: fuse(false)};
		// Fuzzy words (no digit, no space): exact, one and two typos, found nowhere, with case, longer than fuse's 32-character pattern.
		const words = [
			'worker',
			'wroker',
			'workre',
			'defualt',
			'queue',
			'qeueu',
			'sshd:',
			'shell',
			'Worker',
			'WORKER',
			'zzzzz',
			'userr',
			'pythn',
			'priority-backgruond',
			'queue=default-priority-backgruond-batch',
			'--queue=default-priority-background-batch',
		];
		for (const word of words) {
			const found = searchers[word === word.toLowerCase() ? 'insensitive' : 'sensitive'].search(word);
			const highlightsOf = (items: typeof found) =>
				new Map(
					items.map(({item, matches = []}) => [
						item.id,
						matches
							.flatMap(({key, indices}) => indices.map(([start, end]) => ({field: key, start, end: end + 1})))
							.sort((a, b) => String(a.field).localeCompare(String(b.field)) || a.start - b.start),
					]),
				);
			// A swap of two letters is two errors: too many for a word this short.
			expect(found.length > 0, word).toBe(!['wroker', 'defualt', 'WORKER', 'zzzzz'].includes(word));
			const result = applyFilter(sampleIndex, word);
			const matchedProcesses = new Map(
				[...result.processHighlights].filter(([id]) => result.processMarks.get(id) === 'match'),
			);
			expect(matchedProcesses, word).toEqual(highlightsOf(found.filter(({item}) => !item.isSession)));
			expect(result.sessionHighlights, word).toEqual(highlightsOf(found.filter(({item}) => item.isSession)));
		}
	});

	test('so do 300 random typos of real text', () => {
		const commands = [
			'/usr/lib/openssh/sftp-server -l INFO',
			'tmux new-session -A -s main',
			'vim /etc/nginx/sites-enabled/default',
			'python3 -m http.server 8080',
			'node /srv/app/dist/server.js --port=3000',
			'rsync --server -vlogDtpre.iLsfxC . /srv/www',
			'journalctl -fu nginx.service',
			'htop',
			'less +F /var/log/syslog',
			"git-upload-pack '/srv/git/project.git'",
			'bash -c while true; do sleep 60; done',
			'ssh -W db.internal:5432 jump',
			'scp -t /tmp/upload',
			'psql -U postgres analytics',
		];
		const sessions = Array.from({length: 30}, (_, number) =>
			shellSession(1000 + number * 20, {
				user: ['alice', 'bob', 'carol', 'deploy', 'Backup-Operator'][number % 5]!,
				tty: `pts/${number}`,
				peer: {address: number % 3 === 0 ? `2001:db8::${number}` : `10.${number}.0.7`, port: 50_000 + number},
				shellChildren: Array.from({length: 8}, (_, job) =>
					processNode(1003 + number * 20 + job, commands[(number + job) % commands.length]!),
				),
			}),
		);
		const sample = report(sessions);
		const texts = sessions.flatMap(session => [
			session.user,
			...treePids(session.tree).map(pid => commandLine(findNode(session, pid).process)),
		]);
		let seed = 42;
		const random = (below: number) => {
			seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
			return seed % below;
		};

		const letters = 'abcdefghijklmnopqrstuvwxyz-./=';
		const words: string[] = [];
		while (words.length < 300) {
			const text = texts[random(texts.length)]!;
			const length = 5 + random(36);
			const start = random(Math.max(1, text.length - length));
			// eslint-disable-next-line unicorn/no-useless-spread -- a string, split into its characters.
			let word = [...text.slice(start, start + length)];
			for (let edit = random(4); edit > 0; edit--) {
				const at = random(word.length);
				const operation = random(4);
				switch (operation) {
					case 0: {
						word[at] = letters[random(letters.length)]!;

						break;
					}

					case 1: {
						word.splice(at, 0, letters[random(letters.length)]!);

						break;
					}

					case 2: {
						word.splice(at, 1);

						break;
					}

					default: {
						if (at + 1 < word.length) {
							word = [...word.slice(0, at), word[at + 1]!, word[at]!, ...word.slice(at + 2)];
						}
					}
				}
			}

			const candidate = random(5) === 0 ? word.join('').toUpperCase() : word.join('');
			const term = parseFilterQuery(candidate).terms;
			// Only single fuzzy words: digits, spaces and quotes turn a word exact or into several.
			if (term.length === 1 && term[0]!.type === 'text' && term[0]!.mode === 'fuzzy') {
				words.push(candidate);
			}
		}

		const references = sessions.flatMap(session => [
			{
				id: session.id,
				isSession: true,
				user: session.user,
				peer: peerText(session.peer!),
				ttys: ttysText(session.ttys),
				kind: session.kind,
			},
			...treePids(session.tree).map(pid => ({
				id: idOfPid(sample, pid),
				isSession: false,
				command: commandLine(findNode(session, pid).process),
				pid: String(pid),
			})),
		]);
		const fuse = (isCaseSensitive: boolean) =>
			new Fuse(references, {
				keys: ['user', 'peer', 'ttys', 'kind', 'command', 'pid'],
				threshold: 0.2,
				ignoreLocation: true,
				isCaseSensitive,
				includeMatches: true,
			});
		const searchers = {sensitive: fuse(true), insensitive: fuse(false)};
		const sampleIndex = createFilterIndex(sample);
		let wordsWithMatches = 0;
		for (const word of words) {
			const found = searchers[word === word.toLowerCase() ? 'insensitive' : 'sensitive'].search(word);
			wordsWithMatches += found.length > 0 ? 1 : 0;
			const result = applyFilter(sampleIndex, word);
			const matched = new Set([...result.processMarks].filter(([, mark]) => mark === 'match').map(([id]) => id));
			for (const session of sessions) {
				if (result.sessionHighlights.has(session.id)) {
					matched.add(`session ${session.id}`);
				}
			}

			const expected = new Set(found.map(({item}) => (item.isSession ? `session ${item.id}` : item.id)));
			expect(matched, word).toEqual(expected);
		}

		// The typos are not all hopeless: many still match something.
		expect(wordsWithMatches).toBeGreaterThan(100);
	});

	test('a new report gets a new index; the old one still answers for its own report', () => {
		const before = createFilterIndex(report([alice]));
		const after = createFilterIndex(report([bob]));
		expect(applyFilter(before, 'top').sessions).toEqual([]);
		expect(applyFilter(after, 'top').sessions).toEqual([bob]);
	});
});

function findNode(session: Session, pid: number): ProcessNode {
	const pending = [session.tree];
	for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
		if (node.process.pid === pid) {
			return node;
		}

		pending.push(...node.children);
	}

	throw new Error(`no process ${pid}`);
}
