import {describe, expect, test} from 'vitest';
import {buildTree, indexProcesses} from '../../../source/model/report/process-tree.js';
import type {ProcessNode} from '../../../source/model/types.js';
import {processRecord} from '../../fixtures/builders.js';

// sshd 10 → bash 11 → (vim 12, make 13 → cc 14)
const sshd = processRecord({pid: 10, ppid: 1});
const bash = processRecord({pid: 11, ppid: 10});
const vim = processRecord({pid: 12, ppid: 11});
const make = processRecord({pid: 13, ppid: 11});
const cc = processRecord({pid: 14, ppid: 13});
const first = buildTree(indexProcesses([sshd, bash, vim, make, cc]), sshd);
const pids = (node: ProcessNode): unknown => [node.process.pid, ...node.children.map(child => pids(child))];
function at(node: ProcessNode, ...path: number[]): ProcessNode {
	let current = node;
	for (const position of path) {
		current = current.children[position]!;
	}

	return current;
}

describe("a session's tree, refresh after refresh", () => {
	test('is built parent to children, in the order of the table', () => {
		expect(pids(first)).toEqual([10, [11, [12], [13, [14]]]]);
	});

	test("is the last report's very object when no record and no link changed", () => {
		expect(buildTree(indexProcesses([sshd, bash, vim, make, cc]), sshd, first)).toBe(first);
	});

	test("gets new nodes only on the path to a changed record; the other subtrees are the last report's", () => {
		const busyCc = {...cc, userTicks: 300};
		const next = buildTree(indexProcesses([sshd, bash, vim, make, busyCc]), sshd, first);
		expect(pids(next)).toEqual(pids(first));
		expect(next).not.toBe(first);
		expect(at(next, 0, 1, 0).process).toBe(busyCc);
		expect(at(next, 0, 0)).toBe(at(first, 0, 0));
	});

	test('keeps the subtrees below a top whose own record changed', () => {
		const next = buildTree(
			indexProcesses([{...sshd, userTicks: 9}, bash, vim, make, cc]),
			{...sshd, userTicks: 9},
			first,
		);
		expect(next).not.toBe(first);
		expect(at(next, 0)).toBe(at(first, 0));
	});

	test('a child that started or ended: a new list, the unchanged siblings kept', () => {
		const less = buildTree(indexProcesses([sshd, bash, vim, make]), sshd, first);
		expect(pids(less)).toEqual([10, [11, [12], [13]]]);
		expect(at(less, 0, 0)).toBe(at(first, 0, 0));
		const more = buildTree(
			indexProcesses([sshd, bash, vim, make, cc, processRecord({pid: 15, ppid: 11})]),
			sshd,
			first,
		);
		expect(pids(more)).toEqual([10, [11, [12], [13, [14]], [15]]]);
		expect(at(more, 0, 1)).toBe(at(first, 0, 1));
	});

	test('a process that names itself as its parent is not its own child', () => {
		const loop = processRecord({pid: 20, ppid: 20});
		expect(pids(buildTree(indexProcesses([loop]), loop))).toEqual([20]);
	});
});
