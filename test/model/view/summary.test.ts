import {describe, expect, test} from 'vitest';
import {summaryLines} from '../../../source/model/view/summary.js';
import {report, shellSession, takenAt} from '../../fixtures/builders.js';

describe('the header says when /proc was last scanned in full', () => {
	const shown = report([shellSession(1000, {user: 'alice'})]);

	test('coarsely: under a minute, then in minutes', () => {
		expect(summaryLines(shown, {lastFullScanAt: takenAt - 12_000})[1]).toMatch(
			/listening on :22 \(pid 800\) {2}· {2}full scan <1m ago$/u,
		);
		expect(summaryLines(shown, {lastFullScanAt: takenAt - 150_000})[1]).toContain('full scan 2m ago');
	});

	test('the same text from one refresh to the next within a minute', () => {
		expect(summaryLines(shown, {lastFullScanAt: takenAt - 2000})).toEqual(
			summaryLines(shown, {lastFullScanAt: takenAt - 40_000}),
		);
	});

	test('nothing when no scan time is known (one-shot views)', () => {
		expect(summaryLines(shown).join('\n')).not.toContain('full scan');
	});

	test('the live view gives load averages one decimal', () => {
		expect(summaryLines(shown, {isCoarse: true})[0]).toContain('load 0.1 0.1 0.0');
		expect(summaryLines(shown)[0]).toContain('load 0.12 0.08 0.01');
	});
});
