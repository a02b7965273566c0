// The filter line and the sort keys, as a person uses them: type, look at the frame.
import {afterEach, describe, expect, test} from 'vitest';
import {child, idleFor, report, shellSession} from '../fixtures/builders.js';
import {keys, renderExplorer, type ExplorerHarness} from './render-explorer.js';

const selectionStart = '\u001B[7m';
const faint = '\u001B[2m';
const sgr = /\u001B\[[\d;]*m/gu;

/** Whether `text` appears with the match style: underlined (any terminal), and yellow when `color`. */
function isMarked(line: string, text: string, options: {readonly color?: boolean} = {}): boolean {
	for (const [, codes] of line.matchAll(
		new RegExp(String.raw`((?:\u001B\[[\d;]*m)+)${text.replaceAll(/[.*+?^${}()|[\]\\]/gu, String.raw`\$&`)}`, 'gu'),
	)) {
		const attributes = new Set(
			[...(codes ?? '').matchAll(/\u001B\[([\d;]*)m/gu)].flatMap(([, parameters]) => (parameters ?? '').split(';')),
		);
		if (attributes.has('4') && (options.color === undefined || attributes.has('33') === options.color)) {
			return true;
		}
	}

	return false;
}

const plain = (line: string) => line.replaceAll(sgr, '');

/** The text of the highlighted row, without its SGR codes. */
function selectedLine(frame: string): string | undefined {
	const line = frame.split('\n').find(each => each.includes(selectionStart));
	return line === undefined ? undefined : plain(line);
}

/** Lines of the tree that show a session row (`├─▾ *alice …` / `└─▸  bob …`). */
function sessionUsers(frame: string): string[] {
	return frame
		.split('\n')
		.map(line => plain(line))
		.flatMap(line => {
			const match = /^[├└]─[▾▸─] [* ](\S+) +\d/u.exec(line);
			return match?.[1] === undefined ? [] : [match[1]];
		});
}

const footer = (frame: string) => plain(frame.split('\n').at(-1) ?? '');

const alice = shellSession(1000, {
	user: 'alice',
	shellChildren: [child(1003, 1002, ['vim', 'notes.txt']), child(1004, 1002, ['sleep', '100'])],
	foregroundPid: 1003,
	isOwn: true,
});
const bob = shellSession(2000, {user: 'bob', tty: 'pts/1', peer: {address: '203.0.113.7', port: 41_022}});
const carol = shellSession(3000, {user: 'carol', tty: 'pts/2', peer: {address: '203.0.113.7', port: 43_000}});

let harness: ExplorerHarness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

describe('the filter line', () => {
	test(String.raw`\ opens it at the bottom; typing filters live; Enter keeps the filter; Esc clears it`, async () => {
		harness = await renderExplorer(report([alice, bob, carol]), {columns: 160});
		harness.press('\\');
		await harness.waitFor(frame => footer(frame).startsWith('filter: ▏'), 'the empty filter line');
		harness.press('b', 'o', 'b');
		let frame = await harness.waitFor(frame => footer(frame).startsWith('filter: bob▏'), 'the typed query');
		expect(sessionUsers(frame)).toEqual(['bob']);
		// Bob's session and his sshd (`sshd: bob@pts/1`) both match.
		expect(footer(frame)).toContain('2 matches');
		expect(footer(frame)).toContain('Enter keep');
		expect(footer(frame)).toContain('Esc clear');

		harness.press(keys.enter);
		frame = await harness.waitFor(
			frame => footer(frame).startsWith('filter: bob (2 matches)'),
			'the kept filter in the footer',
		);
		expect(sessionUsers(frame)).toEqual(['bob']);
		// Back on the tree, keys are commands again.
		expect(footer(frame)).toContain('Esc clear filter');
		expect(footer(frame)).toContain(String.raw`\ edit filter`);

		harness.press(keys.escape);
		frame = await harness.waitFor(frame => sessionUsers(frame).length === 3, 'every session again');
		expect(footer(frame)).not.toContain('filter:');
	});

	test('Esc on the open line clears the query and closes the line', async () => {
		harness = await renderExplorer(report([alice, bob]));
		harness.press('\\', 'a', 'l', 'i', 'c', 'e');
		await harness.waitFor(frame => sessionUsers(frame).join(',') === 'alice', 'only alice');
		harness.press(keys.escape);
		const frame = await harness.waitFor(frame => sessionUsers(frame).length === 2, 'both sessions');
		expect(footer(frame)).not.toContain('alice');
	});

	test('while it is open, k, q, h, > and ? are letters of the query, not commands', async () => {
		harness = await renderExplorer(report([alice, bob]));
		harness.press('\\', 'k', 'q', 'h', '>', '?');
		const frame = await harness.waitFor(
			frame => footer(frame).startsWith('filter: kqh>?▏'),
			'the letters in the query',
		);
		// Not quit, no help screen, sort unchanged.
		expect(harness.hasExited()).toBe(false);
		expect(frame).toContain('sort: idle ↓');
		expect(frame).not.toContain('Keys');
		expect(footer(frame)).toContain('0 matches');
		expect(frame).toContain('No session matches the filter.');
	});

	test('Backspace deletes a character, Ctrl-U clears the line, arrows still move', async () => {
		harness = await renderExplorer(report([alice, bob]));
		harness.press('\\', 'b', 'o', 'x');
		await harness.waitFor(frame => footer(frame).startsWith('filter: box▏'), 'the typo');
		harness.press(keys.backspace);
		let frame = await harness.waitFor(frame => footer(frame).startsWith('filter: bo▏'), 'one character less');
		expect(sessionUsers(frame)).toEqual(['bob']);
		harness.press(keys.down);
		frame = await harness.waitFor(
			frame => selectedLine(frame)?.includes('sshd: bob@pts/1') ?? false,
			'the cursor one row down',
		);
		harness.press(keys.ctrlU);
		frame = await harness.waitFor(frame => footer(frame).startsWith('filter: ▏'), 'an empty line');
		expect(sessionUsers(frame)).toEqual(['alice', 'bob']);
	});

	test('a malformed qualifier shows its hint and the rest of the query still filters', async () => {
		harness = await renderExplorer(report([alice, bob]));
		harness.press('\\', ...'idle>abc bob');
		const frame = await harness.waitFor(frame => footer(frame).includes('not a duration'), 'the hint');
		expect(footer(frame)).toContain('filter: idle>abc bob▏');
		expect(sessionUsers(frame)).toEqual(['bob']);
		harness.press(keys.enter);
		await harness.waitFor(
			frame => footer(frame).startsWith('filter: idle>abc bob (2 matches)') && footer(frame).includes('not a duration'),
			'the hint after Enter',
		);
	});

	test('a qualifier filters: user:carol', async () => {
		harness = await renderExplorer(report([alice, bob, carol]));
		harness.press('\\', ...'user:carol', keys.enter);
		const frame = await harness.waitFor(frame => footer(frame).startsWith('filter: user:carol'), 'the kept filter');
		expect(sessionUsers(frame)).toEqual(['carol']);
	});

	test('a tree stays a tree: a matching process with its ancestors dimmed as context', async () => {
		harness = await renderExplorer(report([alice, bob]));
		harness.press('\\', ...'sleep');
		const frame = await harness.waitFor(frame => footer(frame).includes('1 match'), 'one match');
		const lines = frame.split('\n');
		const rowOf = (text: string) => lines.find(line => plain(line).includes(text));
		// The path from the session down to the match is there, faint; the sibling vim is not.
		for (const context of ['alice', 'sshd: alice@pts/0', '-bash']) {
			expect(rowOf(context), context).toBeDefined();
			expect(rowOf(context)!.includes(faint), `${context} is faint`).toBe(true);
		}

		expect(rowOf('sleep 100')).toBeDefined();
		expect(rowOf('sleep 100')!.includes(faint)).toBe(false);
		expect(lines.find(line => plain(line).includes('1003 alice'))).toBeUndefined();
		expect(sessionUsers(frame)).toEqual(['alice']);
		// Tree glyphs still connect the rows.
		expect(plain(rowOf('sleep 100')!)).toMatch(/└── +1004 /u);
	});

	test('a matching session shows its whole session', async () => {
		harness = await renderExplorer(report([alice, bob]));
		harness.press('\\', ...'alice');
		const frame = await harness.waitFor(frame => sessionUsers(frame).join(',') === 'alice', 'only alice');
		expect(frame).toContain('vim notes.txt');
		expect(frame).toContain('sleep 100');
		expect(frame).not.toContain(faint);
	});

	test('matching characters are underlined without colour', async () => {
		harness = await renderExplorer(report([alice, bob]), {color: false});
		harness.press('\\', ...'sleep');
		const frame = await harness.waitFor(frame => isMarked(frame, 'sleep'), 'the underlined match');
		expect(isMarked(frame, 'sleep', {color: false})).toBe(true);
		expect(plain(frame)).toContain('sleep 100');
	});

	test('matching characters are yellow with colour, in the session row too', async () => {
		harness = await renderExplorer(report([alice, bob]), {color: true});
		harness.press('\\', ...'vim');
		const frame = await harness.waitFor(frame => isMarked(frame, 'vim', {color: true}), 'the coloured match');
		// The session row shows its foreground command, vim: the match is marked there too.
		const sessionRow = frame.split('\n').find(line => plain(line).includes('*alice'));
		expect(isMarked(sessionRow ?? '', 'vim', {color: true})).toBe(true);
		const processRow = frame.split('\n').find(line => plain(line).includes('1003 alice'));
		expect(isMarked(processRow ?? '', 'vim', {color: true})).toBe(true);
	});

	test('a user name match is marked in the USER column, with the pid of a pid match', async () => {
		harness = await renderExplorer(report([alice, bob]));
		harness.press('\\', ...'bob');
		let frame = await harness.waitFor(frame => isMarked(frame, 'bob'), 'the user highlighted');
		const sessionRow = frame.split('\n').find(line => / bob +2000 +203\.0\.113\.7/u.test(plain(line)));
		expect(isMarked(sessionRow ?? '', 'bob')).toBe(true);
		// Only the name is marked, not the peer next to it.
		expect(isMarked(sessionRow ?? '', '203')).toBe(false);
		harness.press(keys.ctrlU, ...'1004');
		frame = await harness.waitFor(frame => isMarked(frame, '1004'), 'the pid highlighted');
		expect(plain(frame)).toContain('sleep 100');
	});

	test('the selected session filtered out: the cursor moves, and the footer says why', async () => {
		harness = await renderExplorer(report([alice, bob]));
		harness.press(keys.end);
		await harness.waitFor(frame => selectedLine(frame)?.includes('bob') ?? false, 'bob selected');
		// `x` is only in alice's notes.txt: the key that hides bob's session is the last one typed
		// (the note, as every notice, goes at the next key).
		harness.press('\\', 'x');
		const frame = await harness.waitFor(frame => footer(frame).includes('hidden by the filter'), 'the note');
		expect(selectedLine(frame)).toBeDefined();
		expect(selectedLine(frame)).not.toContain('bob');
		harness.press(keys.escape);
		await harness.waitFor(frame => !footer(frame).includes('hidden by the filter'), 'the note gone');
	});

	test('the selection follows its process while the query changes', async () => {
		harness = await renderExplorer(report([alice, bob]));
		harness.press(keys.end);
		await harness.waitFor(frame => selectedLine(frame)?.includes('-bash') ?? false, 'bob’s shell selected');
		harness.press('\\', ...'bash');
		const frame = await harness.waitFor(frame => footer(frame).includes('2 matches'), 'both shells');
		expect(selectedLine(frame)).toMatch(/2002 bob/u);
	});

	test('--filter starts the explorer filtered, with the line closed', async () => {
		harness = await renderExplorer(report([alice, bob, carol]), {initialView: {filterQuery: 'carol'}});
		const frame = await harness.waitFor(
			frame => footer(frame).startsWith('filter: carol (2 matches)'),
			'the initial filter',
		);
		expect(sessionUsers(frame)).toEqual(['carol']);
	});
});

describe('sorting', () => {
	const idle = (session: typeof bob, idleSeconds: number | undefined) => ({...session, ...idleFor(idleSeconds)});

	test('longest idle first by default; sessions without an idle figure last', async () => {
		harness = await renderExplorer(report([idle(alice, 60), idle(bob, undefined), idle(carol, 7200)]));
		const frame = harness.frame();
		expect(frame.split('\n')[0]).toContain('sort: idle ↓');
		expect(sessionUsers(frame)).toEqual(['carol', 'alice', 'bob']);
	});

	test('I inverts; the unknown idle time stays last', async () => {
		harness = await renderExplorer(report([idle(alice, 60), idle(bob, undefined), idle(carol, 7200)]));
		harness.press('I');
		const frame = await harness.waitFor(frame => frame.includes('sort: idle ↑'), 'the reversed header');
		expect(sessionUsers(frame)).toEqual(['alice', 'carol', 'bob']);
	});

	test('> and F6 cycle idle → login time → CPU → memory → user → peer → pid → idle, shown in the header', async () => {
		harness = await renderExplorer(report([alice, bob]));
		const labels = ['login time ↑', 'CPU ↓', 'memory ↓', 'user ↑', 'peer ↑', 'pid ↑', 'idle ↓'];
		for (const [index, label] of labels.entries()) {
			harness.press(index % 2 === 0 ? '>' : keys.f6);

			await harness.waitFor(frame => frame.split('\n')[0]!.includes(`sort: ${label}`), `sort: ${label}`);
		}
	});

	test('< goes back through the same keys', async () => {
		harness = await renderExplorer(report([alice, bob]));
		for (const label of ['pid ↑', 'peer ↑', 'user ↑']) {
			harness.press('<');

			await harness.waitFor(frame => frame.split('\n')[0]!.includes(`sort: ${label}`), `sort: ${label}`);
		}
	});

	test('P sorts by CPU and M by memory, as in htop', async () => {
		harness = await renderExplorer(report([alice, bob]));
		harness.press('M');
		await harness.waitFor(frame => frame.split('\n')[0]!.includes('sort: memory ↓'), 'sort: memory');
		harness.press('P');
		await harness.waitFor(frame => frame.split('\n')[0]!.includes('sort: CPU ↓'), 'sort: CPU');
	});

	test('sort by user and by peer reorders sessions, processes keep their tree order', async () => {
		const zed = shellSession(500, {user: 'zed', tty: 'pts/5', peer: {address: '203.0.113.7', port: 60_000}});
		harness = await renderExplorer(report([alice, bob, zed]));
		harness.press('>', '>', '>', '>');
		let frame = await harness.waitFor(frame => frame.includes('sort: user ↑'), 'sorted by user');
		expect(sessionUsers(frame)).toEqual(['alice', 'bob', 'zed']);
		const vimAt = frame.indexOf('vim notes.txt');
		harness.press('*');
		frame = await harness.waitFor(frame => frame.includes('sleep 100'), 'everything expanded');
		expect(vimAt).toBeGreaterThan(0);
		expect(frame.indexOf('vim notes.txt')).toBeLessThan(frame.indexOf('sleep 100'));
		harness.press('I');
		frame = await harness.waitFor(frame => frame.includes('sort: user ↓'), 'user reversed');
		expect(sessionUsers(frame)).toEqual(['zed', 'bob', 'alice']);
		harness.press('>');
		frame = await harness.waitFor(frame => frame.includes('sort: peer ↓'), 'sorted by peer, still reversed');
		// Peers 203.0.113.7:41022 (bob), :51000 (alice), :60000 (zed), reversed.
		expect(sessionUsers(frame)).toEqual(['zed', 'alice', 'bob']);
	});

	test('the cursor stays on its session when the order changes', async () => {
		harness = await renderExplorer(report([idle(alice, 60), idle(bob, 7200)]));
		// Bob idles longest: first. Go to alice's row.
		expect(sessionUsers(harness.frame())).toEqual(['bob', 'alice']);
		harness.press('*', '*');
		await harness.waitFor(frame => plain(frame).includes('▸ *alice'), 'collapsed');
		harness.press(keys.down, keys.down);
		await harness.waitFor(frame => selectedLine(frame)?.includes('alice') ?? false, 'alice selected');
		harness.press('I');
		const frame = await harness.waitFor(frame => sessionUsers(frame)[0] === 'alice', 'alice first after reversing');
		expect(selectedLine(frame)).toContain('alice');
	});

	test('--sort and --reverse set the starting order', async () => {
		harness = await renderExplorer(report([alice, bob, carol]), {initialView: {sortKey: 'user', isSortReversed: true}});
		const frame = harness.frame();
		expect(frame).toContain('sort: user ↓');
		expect(sessionUsers(frame)).toEqual(['carol', 'bob', 'alice']);
	});
});
