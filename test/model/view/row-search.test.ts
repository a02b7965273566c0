// Search by row text (htop's `/`): which rows match a query, and which match comes next.
import {describe, expect, test} from 'vitest';
import {countMatches, createRowMatcher, findMatch, rowSearchText} from '../../../source/model/view/row-search.js';
import {flattenReport, type TreeRow} from '../../../source/model/view/rows.js';
import {child, report, shellSession} from '../../fixtures/builders.js';

const alice = shellSession(1000, {
	user: 'alice',
	shellChildren: [
		child(1003, 1002, ['vim', 'Notes.txt']),
		child(1004, 1002, ['sleep', '100']),
		{
			...child(1005, 1002, ['sshtop', '--sort', 'idle']),
			children: [
				child(1006, 1005, ['ps', 'sleep']),
				{...child(1007, 1005, ['sh', '-c', 'grep zzqq']), children: [child(1008, 1007, ['grep', 'zzqq'])]},
			],
		},
	],
	foregroundPid: 1003,
});
const bob = shellSession(2000, {
	user: 'bob',
	tty: 'pts/7',
	ttys: ['pts/7', 'pts/9'],
	peer: {address: '198.51.100.4', port: 41_022},
	shellChildren: [child(2003, 2002, ['sleep', '600'], {user: 'bob'})],
});
const fixture = report([alice, bob], {selfPid: 1005});
const list = flattenReport(fixture, {policy: 'all', overrides: new Map()});
const pidOf = (row: TreeRow | undefined) =>
	row?.kind === 'session' ? row.session.pid : row?.kind === 'process' ? row.process.pid : row?.kind;
const matching = (query: string) => list.rows.filter(createRowMatcher(query, fixture)).map(row => pidOf(row));
const indexOf = (pid: number) => list.rows.findIndex(row => pidOf(row) === pid);

describe('what matches', () => {
	test('a substring of what the row shows: command, pid, user', () => {
		expect(matching('sleep')).toEqual([1004, 2003]);
		expect(matching('1004')).toEqual([1004]);
		expect(matching('slp')).toEqual([]);
	});

	test('a session row by its user, pid, peer, every terminal, kind and foreground command', () => {
		expect(matching('198.51.100.4')).toEqual([2000]);
		expect(matching('pts/9')).toEqual([2000]);
		expect(matching('2000')).toEqual([2000]);
		// Alice's foreground is vim: her session row and the vim row.
		expect(matching('vim')).toEqual([1000, 1003]);
		expect(rowSearchText(list.rows[indexOf(2000)]!)).toContain('shell');
	});

	test('every word must match, in any order', () => {
		expect(matching('sleep 600')).toEqual([2003]);
		expect(matching('600 sleep')).toEqual([2003]);
		expect(matching('sleep 700')).toEqual([]);
	});

	test('smart-case: a lower-case word matches any case, a word with a capital only as typed', () => {
		expect(matching('notes')).toEqual([1000, 1003]);
		expect(matching('Notes')).toEqual([1000, 1003]);
		expect(matching('NOTES')).toEqual([]);
		expect(matching('Sleep')).toEqual([]);
	});

	test('an empty query matches nothing', () => {
		expect(matching('')).toEqual([]);
		expect(matching('   ')).toEqual([]);
	});

	test("sshtop's own process and everything below it never match", () => {
		expect(matching('sshtop')).toEqual([]);
		expect(matching('zzqq')).toEqual([]);
		// `ps sleep` is sshtop's child: not among the sleeps.
		expect(matching('ps')).not.toContain(1006);
		const withoutSelf = report([alice, bob]);
		const all = flattenReport(withoutSelf, {policy: 'all', overrides: new Map()});
		expect(all.rows.filter(createRowMatcher('sshtop', withoutSelf)).map(row => pidOf(row))).toEqual([1005]);
	});

	test('countMatches counts the rows that match', () => {
		expect(countMatches(list, createRowMatcher('sleep', fixture))).toBe(2);
		expect(countMatches(list, createRowMatcher('zzz', fixture))).toBe(0);
	});
});

describe('the next match', () => {
	const sleeps = createRowMatcher('sleep', fixture);

	test('forward: the first match after the row, the row itself last, wrapping to the top', () => {
		expect(pidOf(list.rows[findMatch(list, -1, 1, sleeps)!])).toBe(1004);
		expect(pidOf(list.rows[findMatch(list, indexOf(1004), 1, sleeps)!])).toBe(2003);
		expect(pidOf(list.rows[findMatch(list, indexOf(2003), 1, sleeps)!])).toBe(1004);
	});

	test('backward: the first match before the row, wrapping to the bottom', () => {
		expect(pidOf(list.rows[findMatch(list, indexOf(2003), -1, sleeps)!])).toBe(1004);
		expect(pidOf(list.rows[findMatch(list, indexOf(1004), -1, sleeps)!])).toBe(2003);
		expect(pidOf(list.rows[findMatch(list, 0, -1, sleeps)!])).toBe(2003);
	});

	test('a single match is found from itself, either way', () => {
		const one = createRowMatcher('600', fixture);
		expect(findMatch(list, indexOf(2003), 1, one)).toBe(indexOf(2003));
		expect(findMatch(list, indexOf(2003), -1, one)).toBe(indexOf(2003));
	});

	test('no match, or no rows: undefined', () => {
		expect(findMatch(list, 0, 1, createRowMatcher('zzz', fixture))).toBeUndefined();
		expect(findMatch({rows: [], indexById: new Map()}, -1, 1, sleeps)).toBeUndefined();
	});
});
