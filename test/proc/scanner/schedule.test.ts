import {describe, expect, it} from 'vitest';
import {afterHintReason, createScanSchedule} from '../../../source/proc/scanner/schedule.js';

const options = {fullScanIntervalMs: 30_000, earlyFullScanGapMs: 5000, fullScanCostFactor: 400};

describe('the full-scan schedule', () => {
	it('lists /proc first, then every interval', () => {
		const schedule = createScanSchedule(options);
		expect(schedule.fullScanReason(0)).toBe('first');
		schedule.scanDone({isFullScan: true, startedAt: 0, durationMs: 10, listenKey: '1'});
		expect(schedule.lastFullScanAt()).toBe(0);
		expect(schedule.fullScanReason(29_999)).toBeUndefined();
		expect(schedule.fullScanReason(30_000)).toBe('interval');
	});

	it('stretches the interval when a full scan is slow', () => {
		const schedule = createScanSchedule(options);
		schedule.scanDone({isFullScan: true, startedAt: 0, durationMs: 100, listenKey: '1'});
		expect(schedule.fullScanReason(39_999)).toBeUndefined();
		expect(schedule.fullScanReason(40_000)).toBe('interval');
	});

	it('brings a full scan forward when the listeners change, but not sooner than the gap', () => {
		const schedule = createScanSchedule(options);
		schedule.scanDone({isFullScan: true, startedAt: 0, durationMs: 1, listenKey: '1'});
		schedule.scanDone({isFullScan: false, startedAt: 1000, durationMs: 1, listenKey: '1,2'});
		expect(schedule.fullScanReason(2000)).toBeUndefined();
		expect(schedule.fullScanReason(5000)).toBe('listeners changed');
		schedule.scanDone({isFullScan: true, startedAt: 5000, durationMs: 1, listenKey: '1,2'});
		expect(schedule.fullScanReason(11_000)).toBeUndefined();
	});

	it('wants a full scan soon after a start from a hint, and says so until it ran', () => {
		const schedule = createScanSchedule(options);
		schedule.startedFromHint();
		schedule.scanDone({isFullScan: false, startedAt: 0, durationMs: 1, listenKey: '1'});
		expect(schedule.isFullScanDue()).toBe(true);
		expect(schedule.fullScanReason(10)).toBe(afterHintReason);
		schedule.scanDone({isFullScan: true, startedAt: 10, durationMs: 1, listenKey: '1'});
		expect(schedule.isFullScanDue()).toBe(false);
	});
});
