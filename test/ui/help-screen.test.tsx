// The help screen: one column generated from the key table, then what the marks mean; on a short
// terminal it scrolls with the tree's keys, and its title says which lines are shown.
import {afterEach, describe, expect, test} from 'vitest';
import {displayWidth} from '../../source/model/view/format.js';
import {helpNotes, helpScreenLines} from '../../source/ui/help-text.js';
import {helpLines} from '../../source/ui/keys/keymap.js';
import {report, shellSession} from '../fixtures/builders.js';
import {keys, renderExplorer, type ExplorerHarness} from './render-explorer.js';

const plain = (text: string) => text.replaceAll(/\u001B\[[\d;]*m/gu, '');
const title = (frame: string) =>
	plain(frame)
		.split('\n')
		.find(line => line.startsWith('Keys')) ?? '';
/** The first, last and total line numbers the title gives. */
function window(frame: string): {first: number; last: number; total: number} {
	const [, first, last, total] = /\(lines (\d+)–(\d+) of (\d+), ↑↓ PgUp PgDn\)/u.exec(title(frame)) ?? [];
	return {first: Number(first), last: Number(last), total: Number(total)};
}

/** The help's text lines on screen: between its title and the footer. */
function shownLines(frame: string): string[] {
	const lines = plain(frame).split('\n');
	const start = lines.findIndex(line => line.startsWith('Keys'));
	return lines.slice(start + 1, -1);
}

const alice = shellSession(1000, {user: 'alice', isOwn: true});

let harness: ExplorerHarness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

describe('the help text', () => {
	test('every binding has a line that starts with its keys, then its help, wrapped to the width', () => {
		for (const width of [39, 79, 119]) {
			const lines = helpScreenLines(width);
			for (const line of lines) {
				expect(displayWidth(line)).toBeLessThanOrEqual(width);
			}

			for (const {keys: label, help} of helpLines()) {
				const firstWord = help.split(' ')[0]!;
				expect(
					lines.some(line => line.trimStart().startsWith(`${label} `) && line.includes(firstWord)),
					`${label}: ${help} at ${width}`,
				).toBe(true);
			}
		}
	});

	test('key labels are the keys joined by spaces', () => {
		const labels = helpLines().map(line => line.keys);
		for (const label of ['k F9', 'q F10 Ctrl-C', '? h F1', '/ F3', String.raw`\ F4`, '← -', '→ +', 'Z p', 'Ctrl-L']) {
			expect(labels).toContain(label);
		}
	});

	test('the notes on the marks and figures come last', () => {
		// Compared word by word: wrapping breaks lines at spaces.
		const words = (text: string) => text.split(/\s+/u).filter(Boolean).join(' ');
		const text = words(helpScreenLines(200).join(' '));
		expect(text.endsWith(words(helpNotes.at(-1)!))).toBe(true);
		expect(text.indexOf(words(helpNotes[0]!))).toBeGreaterThan(text.indexOf('Quit'));
	});
});

describe('on a short terminal', () => {
	test('the title says which lines show; ↓, PgDn and End move the window, as far as the last line', async () => {
		harness = await renderExplorer(report([alice]), {columns: 100, rows: 16});
		harness.press('?');
		const first = await harness.waitFor(frame => title(frame).startsWith('Keys  (lines 1–'), 'the help, from line 1');
		const {last: pageEnd, total} = window(first);
		expect(total).toBe(helpScreenLines(99).length);
		expect(pageEnd).toBeLessThan(total);
		expect(shownLines(first)).toEqual(helpScreenLines(99).slice(0, pageEnd));
		await harness.pressUntil(keys.down, frame => window(frame).first === 2, '↓ to scroll one line');
		harness.press(keys.pageDown);
		await harness.waitFor(frame => window(frame).first > 2, 'PgDn to scroll a page');
		harness.press(keys.end);
		const end = await harness.waitFor(frame => window(frame).last === total, 'End to the last line');
		const shown = shownLines(end);
		expect(shown.at(-1)).toBe(helpScreenLines(99).at(-1));
		expect(shown).toHaveLength(pageEnd);
		// Past the end nothing moves: one ↑ shows one line earlier.
		harness.press(keys.down, keys.pageDown, keys.up);
		await harness.waitFor(frame => window(frame).last === total - 1, '↑ one line from the end');
		harness.press(keys.home);
		await harness.waitFor(frame => window(frame).first === 1, 'Home to the top');
		for (const line of harness.lines()) {
			expect(displayWidth(plain(line))).toBeLessThan(100);
		}

		expect(harness.lines().length).toBeLessThan(16);
	});

	test('the tree behind it does not move while the help scrolls', async () => {
		harness = await renderExplorer(report([alice]), {columns: 100, rows: 16});
		const tree = harness.frame();
		harness.press('?');
		await harness.waitFor(frame => title(frame).startsWith('Keys'), 'the help');
		await harness.pressUntil(keys.end, frame => window(frame).last === window(frame).total, 'the end of the help');
		harness.press('?');
		await harness.waitFor(frame => frame === tree, 'the same tree');
	});

	test('a tall terminal shows the whole help without a position', async () => {
		harness = await renderExplorer(report([alice]), {columns: 100, rows: helpScreenLines(99).length + 10});
		harness.press('?');
		const frame = await harness.waitFor(frame => title(frame) === 'Keys', 'the whole help');
		expect(shownLines(frame)).toEqual(helpScreenLines(99));
	});
});
