import {describe, expect, test} from 'vitest';
import {measureCpu, sessionMemoryBytes, steadyCpuUsage} from '../../../source/model/view/cpu.js';
import {processId} from '../../../source/model/types.js';
import {
	child,
	node,
	processRecord,
	report,
	session,
	startTicksAgo,
	startTicksAt,
	takenAt,
} from '../../fixtures/builders.js';

function oneSession(processes: Array<ReturnType<typeof processRecord>>, takenAt: number) {
	const [root, ...rest] = processes;
	return report([session(node(root!, ...rest.map(each => node(each))))], {takenAt});
}

describe('CPU% from two refreshes', () => {
	test('the first refresh has nothing to compare with', () => {
		const current = oneSession([processRecord({pid: 10})], takenAt);
		expect(measureCpu(undefined, current).byProcess.size).toBe(0);
	});

	test('ticks used over elapsed seconds × 100 ticks per second', () => {
		const before = oneSession(
			[processRecord({pid: 10, userTicks: 100, systemTicks: 50}), processRecord({pid: 11, userTicks: 0})],
			takenAt,
		);
		const after = oneSession(
			[processRecord({pid: 10, userTicks: 200, systemTicks: 50}), processRecord({pid: 11, userTicks: 300})],
			takenAt + 2000,
		);
		const usage = measureCpu(before, after);
		expect(usage.byProcess.get('10:100')).toBeCloseTo(50);
		expect(usage.byProcess.get('11:110')).toBeCloseTo(150);
		expect(usage.bySession.get('10:100')).toBeCloseTo(200);
	});

	test('a reused pid (different start ticks) does not inherit the old process’s ticks', () => {
		const before = oneSession(
			[processRecord({pid: 10}), processRecord({pid: 11, startTicks: 5, userTicks: 5000})],
			takenAt,
		);
		// Started a minute ago, before the first refresh: it has a previous reading only under its old identity.
		const reused = processRecord({pid: 11, startTicks: startTicksAgo(60), userTicks: 10});
		const after = oneSession([processRecord({pid: 10}), reused], takenAt + 1000);
		expect(measureCpu(before, after).byProcess.has(processId(reused))).toBe(false);
	});

	test("a report that kept the last one's sessions (nothing in them ran) measures every process and session at 0 %", () => {
		const before = oneSession(
			[processRecord({pid: 10, userTicks: 100}), processRecord({pid: 11, userTicks: 7})],
			takenAt,
		);
		const after = {...before, takenAt: takenAt + 2000};
		const usage = measureCpu(before, after);
		expect(Object.fromEntries(usage.byProcess)).toEqual({'10:100': 0, '11:110': 0});
		expect(Object.fromEntries(usage.bySession)).toEqual({'10:100': 0});
		expect(measureCpu(after, {...after, takenAt: takenAt + 4000})).toBe(usage);
	});

	test('a process started between refreshes counts all its ticks', () => {
		const before = oneSession([processRecord({pid: 10})], takenAt);
		const started = processRecord({pid: 12, startTicks: startTicksAt(takenAt + 500), userTicks: 50});
		const after = oneSession([processRecord({pid: 10}), started], takenAt + 1000);
		expect(measureCpu(before, after).byProcess.get(processId(started))).toBeCloseTo(50);
	});
});

test('a session’s memory is the resident memory of its whole tree', () => {
	const tree = node(processRecord({pid: 10, rssBytes: 1000}), child(11, 10, ['sleep'], {rssBytes: 24}));
	expect(sessionMemoryBytes(tree)).toBe(1024);
});

describe('CPU% as the explorer shows it', () => {
	const usage = (percent: number) => ({
		byProcess: new Map([['10:100', percent]]),
		bySession: new Map([['10:100', percent]]),
	});

	test('a flicker of a tick (0.0 ↔ 0.5) does not move the shown figure', () => {
		let shown = steadyCpuUsage(undefined, usage(0));
		for (const percent of [0.5, 0, 0.5, 0.5, 0]) {
			shown = steadyCpuUsage(shown, usage(percent));
			expect(shown.byProcess.get('10:100')).toBe(0);
			expect(shown.bySession.get('10:100')).toBe(0);
		}
	});

	test('a process that starts working shows at once, and one that stops shows 0', () => {
		let shown = steadyCpuUsage(undefined, usage(0));
		shown = steadyCpuUsage(shown, usage(12.5));
		expect(shown.byProcess.get('10:100')).toBe(12.5);
		shown = steadyCpuUsage(shown, usage(13));
		expect(shown.byProcess.get('10:100')).toBe(12.5);
		shown = steadyCpuUsage(shown, usage(40));
		expect(shown.byProcess.get('10:100')).toBe(40);
		shown = steadyCpuUsage(shown, usage(0.5));
		expect(shown.byProcess.get('10:100')).toBe(0.5);
		shown = steadyCpuUsage(shown, usage(0));
		expect(shown.byProcess.get('10:100')).toBe(0);
	});

	test('figures that did not move, or moved only by jitter, are the shown object itself', () => {
		const shown = steadyCpuUsage(steadyCpuUsage(undefined, usage(0)), usage(12.5));
		expect(steadyCpuUsage(shown, usage(12.5))).toBe(shown);
		expect(steadyCpuUsage(shown, usage(13))).toBe(shown);
		expect(steadyCpuUsage(shown, usage(40))).not.toBe(shown);
	});

	test('processes that were not shown before take their measured figure', () => {
		const shown = steadyCpuUsage(usage(3), {byProcess: new Map([['11:110', 0.5]]), bySession: new Map()});
		expect(shown.byProcess.get('11:110')).toBe(0.5);
		expect(shown.byProcess.has('10:100')).toBe(false);
	});
});
