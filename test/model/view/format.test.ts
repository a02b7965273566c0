import {describe, expect, test} from 'vitest';
import stringWidth from 'string-width';
import {
	displayWidth,
	fitToWidth,
	formatBytes,
	formatDuration,
	formatIdle,
	formatLoad,
	formatLoginTime,
	formatPercent,
	formatUptime,
	truncateToWidth,
} from '../../../source/model/view/format.js';

describe('display width', () => {
	test('wide (CJK) characters count two cells', () => {
		expect(displayWidth('漢字a')).toBe(5);
	});

	test('truncation cuts by cells and marks the cut with an ellipsis', () => {
		expect(truncateToWidth('abcdefgh', 5)).toBe('abcd…');
		expect(truncateToWidth('abc', 5)).toBe('abc');
	});

	test('a wide character that does not fit is dropped whole and the gap padded', () => {
		const cut = truncateToWidth('a漢字', 3);
		expect(cut).toBe('a …');
		expect(displayWidth(cut)).toBe(3);
	});

	test('fitting pads to exactly the width, left or right aligned', () => {
		expect(fitToWidth('ab', 4)).toBe('ab  ');
		expect(fitToWidth('ab', 4, 'right')).toBe('  ab');
		expect(displayWidth(fitToWidth('漢字漢字', 5))).toBe(5);
	});
});

describe('durations are coarse once minutes long', () => {
	test('seconds, then minutes, then hours and minutes, then days and hours', () => {
		expect(formatDuration(42)).toBe('42s');
		expect(formatDuration(17 * 60 + 59)).toBe('17m');
		expect(formatDuration(3 * 3600 + 7 * 60 + 30)).toBe('3h07m');
		expect(formatDuration(2 * 86_400 + 4 * 3600 + 59 * 60)).toBe('2d04h');
	});

	test('the text does not change from one second to the next after a minute', () => {
		expect(formatDuration(125)).toBe(formatDuration(126));
	});

	test('unknown is ?', () => {
		expect(formatDuration(undefined)).toBe('?');
	});

	test('uptime reads like uptime(1)', () => {
		expect(formatUptime(3 * 86_400 + 4 * 3600 + 5)).toBe('3d 4h');
		expect(formatUptime(4 * 3600 + 12 * 60)).toBe('4h 12m');
	});
});

describe('login time', () => {
	const now = new Date(2026, 10, 22, 12, 0).getTime();
	test('today as a clock time, earlier days as month and day', () => {
		expect(formatLoginTime(new Date(2026, 10, 22, 9, 4).getTime(), now)).toBe('09:04');
		expect(formatLoginTime(new Date(2026, 10, 21, 23, 59).getTime(), now)).toBe('Nov21');
	});
});

describe('numbers', () => {
	test('memory in at most six cells', () => {
		expect(formatBytes(812 * 1024)).toBe('812K');
		expect(formatBytes(12.34 * 1024 * 1024)).toBe('12.3M');
		expect(formatBytes(1.25 * 1024 ** 3)).toBe('1.3G');
		expect(formatBytes(512)).toBe('512B');
	});

	test('CPU percent with one decimal, whole above 100, - when unknown', () => {
		expect(formatPercent(0)).toBe('0.0');
		expect(formatPercent(12.46)).toBe('12.5');
		expect(formatPercent(183.2)).toBe('183');
		expect(formatPercent(undefined)).toBe('-');
	});
});

describe('the IDLE column and the live header change rarely', () => {
	test('an idle time under a minute is in seconds, as w shows it; after that, as durations', () => {
		expect(formatIdle(0)).toBe('0s');
		expect(formatIdle(59.9)).toBe('59s');
		expect(formatIdle(60)).toBe('1m');
		expect(formatIdle(3 * 3600 + 7 * 60)).toBe('3h07m');
		expect(formatIdle(undefined)).toBe('?');
	});

	test('load averages with two decimals as uptime shows them, or one for the live view', () => {
		expect(formatLoad([0.12, 0.08, 0.01])).toBe('0.12 0.08 0.01');
		expect(formatLoad([0.12, 0.08, 0.01], 1)).toBe('0.1 0.1 0.0');
	});
});

describe('widths of the symbols sshtop draws', () => {
	test('tree lines, arrows and ellipses are one cell each, as string-width counts them', () => {
		for (const text of ['├─▾ alice', '│ └── 1234', '▸ · … × — ’ ← ↑ → ↓ ▏', 'plain ascii']) {
			expect(displayWidth(text)).toBe(stringWidth(text));
			expect(displayWidth(fitToWidth(text, 30))).toBe(30);
		}
	});

	test('cutting them keeps the width, ending in …', () => {
		expect(truncateToWidth('└─▾ alice 203.0.113.7', 8)).toBe('└─▾ ali…');
		expect(truncateToWidth('└─▾ alice', 9)).toBe('└─▾ alice');
		expect(truncateToWidth('漢字漢字', 6)).toBe('漢字 …');
	});
});
