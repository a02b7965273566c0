import {describe, expect, it} from 'vitest';
import {toSafeJson} from '../../../source/model/view/safe-json.js';

const hostile = [
	'\u0085next-line',
	'\u009B31mred',
	'\u007Fdel',
	'a\u2028b\u2029c',
	'\u202Eevil\u202C',
	'\u2066iso\u2069',
	'zero\u200Bwidth\u200D\uFEFF',
	'soft\u00ADhyphen',
	'\u001B]0;title\u0007',
];

describe('toSafeJson', () => {
	it('leaves no control, format or line-separator character raw', () => {
		const text = toSafeJson({names: hostile}, 2);
		expect(text).not.toMatch(
			/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\u200B-\u200F\uFEFF\u00AD]/u,
		);
		// Newlines and indentation of the document itself are JSON's own.
		expect(text.split('\n').length).toBeGreaterThan(1);
	});

	it('is still the same JSON value', () => {
		expect(JSON.parse(toSafeJson({names: hostile}))).toEqual({names: hostile});
	});

	it('keeps printable Unicode as it is', () => {
		expect(toSafeJson('日本 ✓ café')).toBe('"日本 ✓ café"');
	});
});
