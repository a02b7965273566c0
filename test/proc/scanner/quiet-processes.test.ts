import {describe, expect, it} from 'vitest';
import {
	mayHaveRunSince,
	pidsThatRan,
	pidsToRead,
	type RunReading,
} from '../../../source/proc/scanner/quiet-processes.js';

const sleeping = (pid: number, ppid: number, extra: Partial<RunReading> = {}): RunReading => ({
	pid,
	ppid,
	ttyNumber: 0,
	threads: 1,
	before: '5000 10 3\n',
	now: '5000 10 3\n',
	...extra,
});

describe('which watched stat lines a watch scan reads', () => {
	it('none while nothing ran', () => {
		expect(pidsToRead([sleeping(10, 1), sleeping(11, 10), sleeping(12, 11)])).toEqual(new Set());
	});

	it('the line of a process whose time on a CPU moved, and of its children, which may have been re-parented', () => {
		const readings = [sleeping(10, 1), sleeping(11, 10, {now: '5100 10 4\n'}), sleeping(12, 11), sleeping(13, 12)];
		expect(pidsToRead(readings)).toEqual(new Set([11, 12]));
	});

	it('the line of a process that is gone, or new, and of its children', () => {
		expect(
			pidsToRead([
				sleeping(10, 1, {now: undefined}),
				sleeping(11, 10),
				sleeping(20, 1, {before: undefined}),
				sleeping(21, 20),
			]),
		).toEqual(new Set([10, 11, 20, 21]));
	});

	it('of those, as having run, only the processes whose own readings moved or cannot be compared, not their children', () => {
		const readings = [
			sleeping(10, 1),
			sleeping(11, 10, {now: '5100 10 4\n'}),
			sleeping(12, 11),
			sleeping(30, 4242),
			sleeping(31, 1, {before: undefined}),
		];
		expect(pidsThatRan(readings)).toEqual(new Set([11, 31]));
		expect(pidsToRead(readings)).toEqual(new Set([11, 12, 30, 31]));
	});

	it('the line of a process whose parent is not watched: only PID 1 is known never to exit', () => {
		expect(pidsToRead([sleeping(10, 1), sleeping(30, 4242)])).toEqual(new Set([30]));
	});

	it("every line on a terminal where a process ran or went: the foreground group is the terminal's", () => {
		const readings = [
			sleeping(10, 1),
			sleeping(11, 10, {ttyNumber: 34_816, now: '5100 10 4\n'}),
			sleeping(40, 10, {ttyNumber: 34_816}),
			sleeping(41, 10, {ttyNumber: 34_817}),
			sleeping(50, 10, {ttyNumber: 34_818, now: undefined}),
			sleeping(51, 10, {ttyNumber: 34_818}),
		];
		expect(pidsToRead(readings)).toEqual(new Set([11, 40, 50, 51]));
	});

	it("the line of a process with more than one thread: schedstat is its main thread's alone", () => {
		expect(pidsToRead([sleeping(10, 1, {threads: 4}), sleeping(11, 1, {threads: 0})])).toEqual(new Set([10, 11]));
	});

	it('every line where the kernel keeps no scheduler statistics, or prints something else', () => {
		expect(
			pidsToRead([sleeping(10, 1, {before: '0 0 0\n', now: '0 0 0\n'}), sleeping(11, 1, {before: 'x', now: 'x'})]),
		).toEqual(new Set([10, 11]));
	});

	it('says a process may have run unless both readings are there, equal, of a single-threaded process and above 0', () => {
		expect(mayHaveRunSince('5000 10 3\n', '5000 10 3\n', 1)).toBe(false);
		expect(mayHaveRunSince(undefined, '5000 10 3\n', 1)).toBe(true);
		expect(mayHaveRunSince('5000 10 3\n', undefined, 1)).toBe(true);
		expect(mayHaveRunSince('5000 10 3\n', '5100 10 4\n', 1)).toBe(true);
		expect(mayHaveRunSince('5000 10 3\n', '5000 10 3\n', 2)).toBe(true);
		expect(mayHaveRunSince('0 0 0\n', '0 0 0\n', 1)).toBe(true);
	});
});
