import {describe, expect, test} from 'vitest';
import {commandFor, footerEntries, helpLines, keyBindings, type KeyContext} from '../../../source/ui/keys/keymap.js';
import {noKey} from '../../../source/ui/keys/use-explorer-keys.js';

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
	test('↑ and ↓ move, k opens the actions of any row (htop: k kills, no vi keys); a listener cannot be tagged', () => {
		expect(commandFor('k', noKey, onSession)).toBe('open-actions');
		for (const selectedKind of ['process', 'listener', 'leftover', 'leftover-group'] as const) {
			expect(commandFor('k', noKey, {...onSession, selectedKind})).toBe('open-actions');
		}

		expect(commandFor(' ', noKey, {...onSession, selectedKind: 'listener'})).toBeUndefined();
		expect(commandFor(' ', noKey, {...onSession, selectedKind: 'leftover'})).toBe('toggle-tag');
		expect(commandFor('k', noKey, {...onSession, selectedKind: undefined})).toBeUndefined();
		expect(commandFor('', {...noKey, upArrow: true}, onSession)).toBe('move-up');
		expect(commandFor('', {...noKey, downArrow: true}, onSession)).toBe('move-down');
		for (const gone of ['j', 'g', 'G', 'e', 'c', 's', 'u']) {
			expect(commandFor(gone, noKey, onSession), gone).toBeUndefined();
		}

		// S is htop's setup key, as F2 is.
		expect(commandFor('S', noKey, onSession)).toBe('open-setup');
		expect(commandFor('F2', noKey, onSession)).toBe('open-setup');
	});

	test(String.raw`htop keys: * toggles all, - and + fold, / searches, \ filters, sort with > < I P M, U untags`, () => {
		expect(commandFor('*', noKey, onSession)).toBe('toggle-all');
		expect(commandFor('-', noKey, onSession)).toBe('collapse');
		expect(commandFor('+', noKey, onSession)).toBe('expand');
		expect(commandFor('/', noKey, onSession)).toBe('open-search');
		expect(commandFor('F3', noKey, onSession)).toBe('open-search');
		expect(commandFor('\\', noKey, onSession)).toBe('open-filter');
		expect(commandFor('F4', noKey, onSession)).toBe('open-filter');
		expect(commandFor('>', noKey, onSession)).toBe('next-sort');
		expect(commandFor('F6', noKey, onSession)).toBe('next-sort');
		expect(commandFor('<', noKey, onSession)).toBe('previous-sort');
		expect(commandFor('I', noKey, onSession)).toBe('reverse-sort');
		expect(commandFor('P', noKey, onSession)).toBe('sort-cpu');
		expect(commandFor('M', noKey, onSession)).toBe('sort-memory');
		expect(commandFor('U', noKey, onSession)).toBe('untag-all');
		expect(commandFor('Z', noKey, onSession)).toBe('toggle-pause');
		expect(commandFor('p', noKey, onSession)).toBe('toggle-pause');
		expect(commandFor('l', {...noKey, ctrl: true}, onSession)).toBe('repaint');
	});

	test('Enter opens the details of the selected row; Esc or Enter closes them', () => {
		expect(commandFor('\r', {...noKey, return: true}, onSession)).toBe('open-details');
		expect(commandFor('\r', {...noKey, return: true}, {...onSession, selectedKind: undefined})).toBeUndefined();
		const inDetails = {...onSession, isDetailOpen: true};
		expect(commandFor('\r', {...noKey, return: true}, inDetails)).toBe('close-details');
		expect(commandFor('', {...noKey, escape: true}, inDetails)).toBe('close-details');
		expect(commandFor('', {...noKey, downArrow: true}, inDetails)).toBe('move-down');
		expect(commandFor('k', noKey, inDetails)).toBeUndefined();
	});

	test('h, ? and F1 toggle the help; q, F10 and Ctrl-C quit; t and K stay quick keys', () => {
		for (const input of ['h', '?', 'F1']) {
			expect(commandFor(input, noKey, onSession), input).toBe('toggle-help');
		}

		for (const input of ['q', 'F10']) {
			expect(commandFor(input, noKey, onSession), input).toBe('quit');
		}

		expect(commandFor('c', {...noKey, ctrl: true}, onSession)).toBe('quit');
		expect(commandFor('t', noKey, onSession)).toBe('quick-term');
		expect(commandFor('K', noKey, onSession)).toBe('quick-kill');
	});

	test('a search made: n and N find the next and previous match', () => {
		expect(commandFor('n', noKey, onSession)).toBeUndefined();
		const searched = {...onSession, hasSearch: true};
		expect(commandFor('n', noKey, searched)).toBe('search-next');
		expect(commandFor('N', noKey, searched)).toBe('search-previous');
		const searching = {...onSession, isSearchOpen: true};
		expect(commandFor('\r', {...noKey, return: true}, searching)).toBe('search-accept');
		expect(commandFor('', {...noKey, escape: true}, searching)).toBe('search-cancel');
	});

	test('in a menu only ↑ and ↓ move the choice: k and j do not', () => {
		const inMenu = {...onSession, dialog: 'menu' as const};
		expect(commandFor('', {...noKey, upArrow: true}, inMenu)).toBe('dialog-up');
		expect(commandFor('', {...noKey, downArrow: true}, inMenu)).toBe('dialog-down');
		expect(commandFor('k', noKey, inMenu)).toBeUndefined();
		expect(commandFor('j', noKey, inMenu)).toBeUndefined();
	});

	test('a binding applies only when its condition holds', () => {
		expect(commandFor('', {...noKey, home: true}, inHelp)).toBe('go-first');
		expect(commandFor('*', noKey, inHelp)).toBeUndefined();
		expect(commandFor('', {...noKey, escape: true}, onSession)).toBeUndefined();
		expect(commandFor('', {...noKey, escape: true}, inHelp)).toBe('close-help');
		expect(commandFor('q', noKey, inHelp)).toBe('quit');
	});

	test('the help screen lists every binding with its keys', () => {
		const lines = helpLines();
		expect(lines).toHaveLength(keyBindings.length);
		expect(lines).toContainEqual({keys: '↑', help: 'Move the selection up (or scroll)'});
		for (const keys of [
			'k F9',
			'q F10 Ctrl-C',
			'? h F1',
			'/ F3',
			String.raw`\ F4`,
			'← -',
			'→ +',
			'*',
			'U',
			'I',
			'Z p',
		]) {
			expect(
				lines.map(line => line.keys),
				keys,
			).toContain(keys);
		}
	});

	test('the footer shows what applies now', () => {
		expect(footerEntries(onSession).map(entry => entry.label)).toEqual([
			'search',
			'filter',
			'move',
			'collapse',
			'all',
			'details',
			'sort',
			'pause',
			'help',
			'quit',
		]);
		expect(footerEntries({...onSession, isPaused: true}).map(entry => entry.label)).toContain('resume');
		expect(footerEntries(inHelp).map(entry => entry.label)).toEqual(['move', 'close help', 'quit']);
		expect(footerEntries({...onSession, hasSearch: true}).map(entry => entry.label)).toContain('next');
		expect(footerEntries({...onSession, isSearchOpen: true}).map(entry => entry.label)).toEqual(['stay', 'cancel']);
	});
});
