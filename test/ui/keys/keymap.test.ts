import type {Key} from 'ink';
import {describe, expect, test} from 'vitest';
import {commandFor, footerEntries, helpLines, keyBindings, type KeyContext} from '../../../source/ui/keys/keymap.js';

const noKey: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};
const onSession: KeyContext = {
	isHelpOpen: false,
	isPaused: false,
	isFilterOpen: false,
	hasFilter: false,
	selectedKind: 'session',
	canExpand: false,
	canCollapse: true,
};
const inHelp: KeyContext = {...onSession, isHelpOpen: true};

describe('the key table', () => {
	test('↑ moves up, j and ↓ move down, k opens the actions of any row; a listener cannot be tagged', () => {
		expect(commandFor('k', noKey, onSession)).toBe('open-actions');
		for (const selectedKind of ['process', 'listener', 'leftover', 'leftover-group'] as const) {
			expect(commandFor('k', noKey, {...onSession, selectedKind})).toBe('open-actions');
		}

		expect(commandFor(' ', noKey, {...onSession, selectedKind: 'listener'})).toBeUndefined();
		expect(commandFor(' ', noKey, {...onSession, selectedKind: 'leftover'})).toBe('toggle-tag');
		expect(commandFor('k', noKey, {...onSession, selectedKind: undefined})).toBeUndefined();
		expect(commandFor('', {...noKey, upArrow: true}, onSession)).toBe('move-up');
		expect(commandFor('j', noKey, onSession)).toBe('move-down');
		expect(commandFor('', {...noKey, downArrow: true}, onSession)).toBe('move-down');
	});

	test('c collapses all, Ctrl-C quits', () => {
		expect(commandFor('c', noKey, onSession)).toBe('collapse-all');
		expect(commandFor('c', {...noKey, ctrl: true}, onSession)).toBe('quit');
	});

	test('a binding applies only when its condition holds', () => {
		expect(commandFor('j', noKey, inHelp)).toBeUndefined();
		expect(commandFor('', {...noKey, escape: true}, onSession)).toBeUndefined();
		expect(commandFor('', {...noKey, escape: true}, inHelp)).toBe('close-help');
		expect(commandFor('q', noKey, inHelp)).toBe('quit');
	});

	test('the help screen lists every binding with its keys', () => {
		const lines = helpLines();
		expect(lines).toHaveLength(keyBindings.length);
		expect(lines).toContainEqual({keys: '↑', help: 'Move the selection up (k is the action key)'});
		expect(lines).toContainEqual({keys: 'q Ctrl-C', help: 'Quit'});
	});

	test('the footer shows what applies now', () => {
		expect(footerEntries(onSession).map(entry => entry.label)).toEqual([
			'filter',
			'move',
			'collapse',
			'expand all',
			'collapse all',
			'sort',
			'pause',
			'help',
			'quit',
		]);
		expect(footerEntries({...onSession, isPaused: true}).map(entry => entry.label)).toContain('resume');
		expect(footerEntries(inHelp).map(entry => entry.label)).toEqual(['close help', 'quit']);
	});
});
