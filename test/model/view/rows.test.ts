import {describe, expect, test} from 'vitest';
import {allRowIds, flattenReport, rowPrefix, type Expansion} from '../../../source/model/view/rows.js';
import {computeLayout, formatRow} from '../../../source/model/view/columns.js';
import {unknownCpuUsage} from '../../../source/model/view/cpu.js';
import {child, node, processRecord, report, shellSession, takenAt} from '../../fixtures/builders.js';

const alice = shellSession(1000, {
	user: 'alice',
	shellChildren: [
		child(1003, 1002, ['vim', 'notes.txt'], {processGroup: 1003}),
		child(1004, 1002, ['make'], {processGroup: 1004}),
	],
	foregroundPid: 1003,
});
const bob = shellSession(2000, {user: 'bob', tty: 'pts/1'});

function pids(expansion?: Expansion) {
	return flattenReport(report([alice, bob]), expansion).rows.map(row =>
		row.kind === 'listener'
			? 'listener'
			: row.kind === 'session'
				? `session ${row.session.pid}`
				: row.kind === 'process'
					? row.process.pid
					: row.kind,
	);
}

describe('the tree of rows', () => {
	test('listener, then each session, then the path down to its foreground process', () => {
		expect(pids()).toEqual(['listener', 'session 1000', 1001, 1002, 1003, 1004, 'session 2000', 2001, 2002]);
	});

	test('other branches start collapsed: a child of a background job is not shown', () => {
		const withGrandchild = shellSession(1000, {
			user: 'alice',
			shellChildren: [
				child(1003, 1002, ['vim']),
				{process: child(1004, 1002, ['make']).process, children: [child(1005, 1004, ['cc'])]},
			],
			foregroundPid: 1003,
		});
		const {rows} = flattenReport(report([withGrandchild]));
		expect(rows.map(row => row.id)).not.toContain('1005:10050');
		expect(rows.find(row => row.id === '1004:10040')).toMatchObject({hasChildren: true, isExpanded: false});
	});

	test('collapse all leaves one row per session under its listener', () => {
		expect(pids({policy: 'none', overrides: new Map()})).toEqual(['listener', 'session 1000', 'session 2000']);
	});

	test('the user’s choice for a row wins over the policy', () => {
		expect(pids({policy: 'none', overrides: new Map([['2000:20000', true]])})).toEqual([
			'listener',
			'session 1000',
			'session 2000',
			2001,
		]);
	});

	test('rows are drawn with tree glyphs and an expand marker', () => {
		const prefixes = flattenReport(report([alice, bob])).rows.map(row => rowPrefix(row));
		expect(prefixes).toEqual([
			'▾ ',
			'├─▾ ',
			'│ └─▾ ',
			'│   └─▾ ',
			'│     ├── ',
			'│     └── ',
			'└─▾ ',
			'  └─▾ ',
			'    └── ',
		]);
	});

	test('a session whose listener is unknown is still shown, at the top level', () => {
		const {rows} = flattenReport(report([bob], {listeners: []}));
		expect(rows[0]).toMatchObject({kind: 'session', depth: 0});
	});

	test('a very deep tree is flattened without recursion limits', () => {
		let deepest = child(100_000, 99_999, ['leaf']);
		for (let pid = 99_999; pid > 90_000; pid--) {
			deepest = {process: child(pid, pid - 1, ['sh']).process, children: [deepest]};
		}

		const deep = shellSession(1000, {user: 'alice', shellChildren: [deepest], foregroundPid: 100_000});
		expect(flattenReport(report([deep])).rows).toHaveLength(4 + 10_000);
	});
});

describe('what outlived its session', () => {
	const job = node(processRecord({pid: 7000, argv: ['sh', 'job.sh']}), child(7001, 7000, ['sleep', '3600']));
	const leftover = {
		id: '7000:70000',
		tree: job,
		peer: {address: '198.51.100.9', port: 40_000},
		local: undefined,
		sshTty: undefined,
	};
	const withLeftover = report([bob], {leftovers: [leftover]});
	const kinds = (expansion?: Expansion) =>
		flattenReport(withLeftover, expansion).rows.map(row => `${row.kind} ${row.id}`);

	test('comes last, under one heading, each leftover closed until asked', () => {
		expect(kinds().slice(-2)).toEqual(['leftover-group left-behind', 'leftover 7000:70000']);
	});

	test('opens with the rest under "expand all", and a choice about it is kept', () => {
		expect(kinds({policy: 'all', overrides: new Map()}).slice(-3)).toEqual([
			'leftover-group left-behind',
			'leftover 7000:70000',
			'leftover 7001:70010',
		]);
		expect(kinds({policy: 'foreground-path', overrides: new Map([['7000:70000', true]])}).at(-1)).toBe(
			'leftover 7001:70010',
		);
	});

	test('no heading when nothing was left behind', () => {
		expect(flattenReport(report([bob], {leftovers: []})).rows.some(row => row.kind === 'leftover-group')).toBe(false);
	});

	test('its ids count as known, so the explorer keeps choices about them', () => {
		expect(allRowIds(withLeftover).has('7001:70010')).toBe(true);
		expect(allRowIds(withLeftover).has('left-behind')).toBe(true);
	});
});

describe('a very deep process chain', () => {
	// A fork chain 40 processes deep under one shell.
	const deep = (() => {
		let chainNode = child(1100 + 40, 1100 + 39, ['sleep', '100']);
		for (let level = 39; level >= 1; level--) {
			chainNode = {process: child(1100 + level, 1100 + level - 1, ['sh', '-c', 'next']).process, children: [chainNode]};
		}

		return shellSession(1000, {
			user: 'alice',
			shellChildren: [{...chainNode, process: {...chainNode.process, ppid: 1002}}],
		});
	})();

	test('indents at most a bounded width: deeper rows show their depth as a number, so pid and command stay on an 80-column line', () => {
		const {rows} = flattenReport(report([deep]), {policy: 'all', overrides: new Map()});
		const widths = rows.map(row => rowPrefix(row).length);
		expect(Math.max(...widths)).toBeLessThanOrEqual(24);
		const deepest = rows.at(-1)!;
		expect(deepest.depth).toBe(43);
		expect(rowPrefix(deepest)).toContain('+43');
		const line = formatRow(deepest, computeLayout(report([deep]), 80), {usage: unknownCpuUsage, now: takenAt});
		expect(line).toMatch(/ 1140 alice +S .* sleep 100/u);
	});
});
