import {describe, expect, test} from 'vitest';
import {formatPreferences, parsePreferences} from '../../../source/model/view/preferences.js';

describe('the preferences file', () => {
	test('reads sort, direction, interval, expansion and columns by their file names', () => {
		const {preferences, problems} = parsePreferences(
			'{"sort": "login", "reverse": true, "interval": 5, "expand": "collapsed", "columns": ["user", "pid", "idle"]}',
		);
		expect(problems).toEqual([]);
		expect(preferences).toEqual({
			sortKey: 'login',
			isSortReversed: true,
			intervalSeconds: 5,
			expansion: 'collapsed',
			columns: ['user', 'pid', 'idle'],
		});
	});

	test('leaves out what makes no sense and says why, keeping the rest', () => {
		const {preferences, problems} = parsePreferences(
			'{"sort": "colour", "reverse": "yes", "interval": 0, "expand": "sideways", "columns": ["user", "shoe size"], "theme": "dark"}',
		);
		expect(preferences).toEqual({});
		expect(problems).toEqual([
			expect.stringContaining('sort must be one of idle'),
			'reverse must be true or false',
			'interval must be a number of seconds from 0.2 to 3600',
			expect.stringContaining('expand must be one of auto'),
			expect.stringContaining('columns must be a list of user'),
		]);
	});

	test.each(['', 'not json', '[]', '"text"', 'null'])('%j is not a preferences object, and is no error', text => {
		const {preferences, problems} = parsePreferences(text);
		expect(preferences).toEqual({});
		expect(problems).toHaveLength(1);
	});

	test('writes only what is set, and reads back what it wrote', () => {
		const text = formatPreferences({sortKey: 'cpu', isSortReversed: false});
		expect(JSON.parse(text)).toEqual({sort: 'cpu', reverse: false});
		expect(parsePreferences(text).preferences).toEqual({sortKey: 'cpu', isSortReversed: false});
	});
});
