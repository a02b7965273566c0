import {chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {preferencesPath, readPreferences, writePreferences} from '../../source/app/preferences-file.js';

describe('the preferences file on disk', () => {
	let home: string;
	beforeEach(() => {
		home = mkdtempSync(path.join(tmpdir(), 'sshtop-preferences-'));
	});
	afterEach(() => {
		rmSync(home, {recursive: true, force: true});
	});

	test('lives in $XDG_CONFIG_HOME/sshtop/config.json, or ~/.config when it is unset or empty', () => {
		expect(preferencesPath({XDG_CONFIG_HOME: '/etc/xdg-test'})).toBe('/etc/xdg-test/sshtop/config.json');
		expect(preferencesPath({XDG_CONFIG_HOME: ''})).toMatch(/\/\.config\/sshtop\/config\.json$/u);
		expect(preferencesPath({XDG_CONFIG_HOME: 'relative/path'})).toBeUndefined();
	});

	test('is written privately (directory 0700, file 0600) and read back', () => {
		const file = preferencesPath({XDG_CONFIG_HOME: home})!;
		expect(readPreferences(file)).toEqual({preferences: {}});
		writePreferences(file, {sortKey: 'login', isSortReversed: true});
		expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({sort: 'login', reverse: true});
		expect(readPreferences(file)).toEqual({preferences: {sortKey: 'login', isSortReversed: true}});
	});

	test('a file others may write is not read', () => {
		const file = preferencesPath({XDG_CONFIG_HOME: home})!;
		writePreferences(file, {sortKey: 'cpu'});
		chmodSync(file, 0o666);
		expect(readPreferences(file)).toEqual({preferences: {}});
	});

	test('a value that makes no sense is named in the warning; the rest is used', () => {
		const file = preferencesPath({XDG_CONFIG_HOME: home})!;
		writePreferences(file, {});
		writeFileSync(file, '{"sort": "memory", "interval": -1}', {mode: 0o600});
		const {preferences, warning} = readPreferences(file);
		expect(preferences).toEqual({sortKey: 'memory'});
		expect(warning).toContain('interval must be a number of seconds');
	});
});
