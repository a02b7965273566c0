import {describe, expect, it} from 'vitest';
import {parseLastPid, probeRange} from '../../../source/proc/scanner/pid-range.js';

describe('parseLastPid', () => {
	it('reads the last allocated pid from /proc/loadavg', () => {
		expect(parseLastPid('0.52 0.58 0.59 2/1091 482917\n')).toBe(482_917);
	});

	it('is undefined for a line without it', () => {
		expect(parseLastPid('0.52 0.58 0.59\n')).toBeUndefined();
		expect(parseLastPid('0.52 0.58 0.59 2/1091 x\n')).toBeUndefined();
	});
});

describe('probeRange', () => {
	it('lists the new pids and a margin below the previous last pid', () => {
		expect(probeRange(100, 103, 32_768, 2, 100)).toEqual({kind: 'pids', pids: [99, 100, 101, 102, 103]});
	});

	it('probes only the margin when no pid was handed out', () => {
		expect(probeRange(100, 100, 32_768, 2, 100)).toEqual({kind: 'pids', pids: [99, 100]});
	});

	it('follows the allocator around pid_max back to 300', () => {
		expect(probeRange(32_766, 302, 32_768, 1, 100)).toEqual({kind: 'pids', pids: [32_766, 32_767, 300, 301, 302]});
	});

	it('gives up when there are more than the limit, or a wrap without pid_max', () => {
		expect(probeRange(100, 5000, 32_768, 64, 4096)).toEqual({kind: 'too-many'});
		expect(probeRange(32_000, 5000, 32_768, 64, 4096)).toEqual({kind: 'too-many'});
		expect(probeRange(32_766, 302, undefined, 1, 100)).toEqual({kind: 'too-many'});
	});
});
