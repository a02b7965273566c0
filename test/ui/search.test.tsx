// Search (htop's `/`, F3): typing moves the cursor to the next row that holds every word,
// opening collapsed rows on the way and hiding nothing; n and N go on, Esc goes back.
import {afterEach, describe, expect, test} from 'vitest';
import {child, idleFor, report, shellSession} from '../fixtures/builders.js';
import {keys, renderExplorer, type ExplorerHarness} from './render-explorer.js';

const sgr = /\u001B\[[\d;]*m/gu;
const plain = (text: string) => text.replaceAll(sgr, '');
const selectionStart = '\u001B[7m';
const selectedLine = (frame: string) => plain(frame.split('\n').find(line => line.includes(selectionStart)) ?? '');
const footer = (frame: string) => plain(frame.split('\n').at(-1) ?? '');
/** The footer's `position/rows`: how many rows the tree has. */
const rowCount = (frame: string) => Number(/ \d+\/(\d+)$/u.exec(footer(frame))?.[1]);

// Longest idle first: alice, bob, carol, each with a sleep.
const alice = shellSession(1000, {
	user: 'alice',
	shellChildren: [
		child(1003, 1002, ['vim', 'notes.txt']),
		child(1004, 1002, ['sleep', '100']),
		{...child(1005, 1002, ['sshtop', '--sort', 'idle']), children: [child(1006, 1005, ['ps', 'sleep'])]},
	],
	foregroundPid: 1003,
	isOwn: true,
	...idleFor(600),
});
const bob = shellSession(2000, {
	user: 'bob',
	tty: 'pts/1',
	shellChildren: [child(2003, 2002, ['sleep', '600'], {user: 'bob'})],
	...idleFor(300),
});
const carol = shellSession(3000, {
	user: 'carol',
	tty: 'pts/2',
	shellChildren: [{...child(3003, 3002, ['make'], {user: 'carol'}), children: [child(3004, 3003, ['sleep', '900'])]}],
	...idleFor(60),
});
// sshtop runs as 1005 in alice's session: it and what it runs are never a match.
const fixture = report([alice, bob, carol], {selfPid: 1005});

let harness: ExplorerHarness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

async function start(): Promise<ExplorerHarness> {
	harness = await renderExplorer(fixture, {columns: 120, rows: 40});
	await harness.waitFor(frame => selectedLine(frame).includes('*alice'), 'alice selected');
	return harness;
}

describe('searching', () => {
	test('/ opens the search line; typing moves to the first match below the cursor and hides nothing', async () => {
		const explorer = await start();
		const rows = rowCount(explorer.frame());
		explorer.press('/');
		await explorer.waitFor(frame => footer(frame).startsWith('search: ▏'), 'the empty search line');
		explorer.press(...'sleep');
		const frame = await explorer.waitFor(frame => selectedLine(frame).includes('1004 alice'), 'the first sleep');
		expect(selectedLine(frame)).toContain('sleep 100');
		// Three sleeps: alice's, bob's and carol's (still folded); sshtop's own `ps sleep` does not count.
		expect(footer(frame)).toMatch(/^search: sleep▏ {2}3 matches/u);
		expect(rowCount(frame)).toBe(rows);
		for (const user of ['bob', 'carol']) {
			expect(plain(frame)).toMatch(new RegExp(`[▾▸] [* ]${user} `, 'u'));
		}
	});

	test('F3 opens it too, and Enter keeps the search: n and N go to the next and previous match, wrapping', async () => {
		const explorer = await start();
		explorer.press(keys.f3);
		await explorer.waitFor(frame => footer(frame).startsWith('search: ▏'), 'the search line from F3');
		explorer.press(...'sleep');
		await explorer.waitFor(frame => selectedLine(frame).includes('1004'), 'the first sleep');
		explorer.press(keys.enter);
		let frame = await explorer.waitFor(frame => !footer(frame).includes('▏'), 'the line closed');
		expect(footer(frame)).toMatch(/^search: sleep {2}3 matches/u);
		expect(footer(frame)).toContain('n next');
		explorer.press('n');
		await explorer.waitFor(frame => selectedLine(frame).includes('2003 bob'), 'bob’s sleep');
		explorer.press('n');
		// Carol's sleep is below make, folded: the search opened it.
		frame = await explorer.waitFor(frame => selectedLine(frame).includes('3004'), 'carol’s sleep');
		expect(selectedLine(frame)).toContain('sleep 900');
		explorer.press('n');
		await explorer.waitFor(frame => selectedLine(frame).includes('1004'), 'n to wrap to the first');
		explorer.press('N');
		await explorer.waitFor(frame => selectedLine(frame).includes('3004'), 'N to wrap to the last');
		explorer.press('N');
		await explorer.waitFor(frame => selectedLine(frame).includes('2003'), 'N to the previous');
	});

	test('a collapsed session is opened to reach a process in it', async () => {
		const explorer = await start();
		explorer.press(keys.end);
		await explorer.waitFor(frame => selectedLine(frame).includes('3002 carol'), 'carol’s shell');
		// To the shell's parent, close it, to the session, close it.
		explorer.press(keys.left, keys.left, keys.left, keys.left);
		await explorer.waitFor(
			frame => selectedLine(frame).includes('▸  carol') && !frame.includes('3001'),
			'carol closed',
		);
		explorer.press(keys.home);
		await explorer.waitFor(frame => selectedLine(frame).includes('listener'), 'the first row');
		const rows = rowCount(explorer.frame());
		explorer.press('/', ...'900');
		const frame = await explorer.waitFor(frame => selectedLine(frame).includes('3004'), 'carol’s sleep');
		expect(plain(frame)).toContain('3002 carol');
		expect(rowCount(frame)).toBeGreaterThan(rows);
	});

	test('every word must match, smart-case: a capital letter matches only as typed', async () => {
		const explorer = await start();
		explorer.press('/', ...'sleep 6');
		await explorer.waitFor(frame => selectedLine(frame).includes('2003 bob'), 'sleep and 6: bob’s sleep 600');
		expect(footer(explorer.frame())).toContain('1 match');
		explorer.press(keys.ctrlU, ...'Sleep');
		await explorer.waitFor(frame => footer(frame).startsWith('search: Sleep▏  no match'), 'no capital Sleep');
	});

	test('Esc returns the cursor to where the search started and forgets it', async () => {
		const explorer = await start();
		explorer.press('/', ...'600');
		await explorer.waitFor(frame => selectedLine(frame).includes('2003 bob'), 'bob’s sleep');
		explorer.press(keys.escape);
		const frame = await explorer.waitFor(frame => selectedLine(frame).includes('*alice'), 'back on alice');
		expect(footer(frame)).not.toContain('search:');
		explorer.press('n');
		await explorer.waitFor(frame => footer(frame).includes('/ search'), 'the tree’s footer');
		expect(selectedLine(explorer.frame())).toContain('*alice');
	});

	test('a miss says "no match" and leaves the cursor where it was', async () => {
		const explorer = await start();
		explorer.press('/', ...'zzqqxx');
		const frame = await explorer.waitFor(frame => footer(frame).includes('no match'), 'no match');
		expect(footer(frame)).toMatch(/^search: zzqqxx▏ {2}no match/u);
		expect(selectedLine(frame)).toContain('*alice');
	});

	test("sshtop's own process and what it runs are never a match", async () => {
		const explorer = await start();
		explorer.press('/', ...'sshtop');
		await explorer.waitFor(frame => footer(frame).includes('no match'), 'no match for sshtop');
		// `ps` is in the listener's `startups` and in sshtop's child `ps sleep`: only the listener counts.
		explorer.press(keys.ctrlU, ...'ps');
		const frame = await explorer.waitFor(frame => selectedLine(frame).includes('listener'), 'the search to wrap');
		expect(footer(frame)).toMatch(/^search: ps▏ {2}1 match\b/u);
	});

	test('while the line is open, letters are text: q, k, n and ? are not commands', async () => {
		const explorer = await start();
		explorer.press('/', 'q', 'k', 'n', '?');
		const frame = await explorer.waitFor(frame => footer(frame).startsWith('search: qkn?▏'), 'the letters');
		expect(explorer.hasExited()).toBe(false);
		expect(frame).not.toContain('Keys');
		expect(frame).not.toContain('End session');
	});
});
