import {describe, expect, test} from 'vitest';
import {displayWidth} from '../../../source/model/view/format.js';
import {wrapText} from '../../../source/model/view/wrap.js';

describe('wrapping text to a width', () => {
	test('breaks at spaces, never past the width', () => {
		const lines = wrapText('Terminal too small (30×8): sshtop needs 40×11. q quits.', 20);
		expect(lines).toEqual(['Terminal too small', '(30×8): sshtop needs', '40×11. q quits.']);
		for (const line of lines) {
			expect(displayWidth(line)).toBeLessThanOrEqual(20);
		}
	});

	test('cuts a word longer than a line into pieces', () => {
		expect(wrapText('a /very/long/path/to/a/file end', 8)).toEqual(['a', '/very/lo', 'ng/path/', 'to/a/fil', 'e end']);
	});

	test('starts every line after the first with the hanging indent', () => {
		expect(wrapText('one two three four', 9, '  ')).toEqual(['one two', '  three', '  four']);
	});

	test('counts wide characters as two cells', () => {
		const lines = wrapText('日本語の テキスト', 6);
		for (const line of lines) {
			expect(displayWidth(line)).toBeLessThanOrEqual(6);
		}

		expect(lines.join('')).toBe('日本語のテキスト');
	});

	test('gives one empty line for empty text, nothing for no width', () => {
		expect(wrapText('', 10)).toEqual(['']);
		expect(wrapText('text', 0)).toEqual([]);
	});
});
