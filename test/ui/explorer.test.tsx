import {afterEach, describe, expect, test} from 'vitest';
import {displayWidth} from '../../source/model/view/format.js';
import {child, report, shellSession, takenAt} from '../fixtures/builders.js';
import {keys, renderExplorer, type ExplorerHarness} from './render-explorer.js';

const selectionStart = '\u001B[7m';

/** The text of the highlighted row, without its SGR codes. */
function selectedLine(frame: string): string | undefined {
	return frame
		.split('\n')
		.find(line => line.includes(selectionStart))
		?.replaceAll(/\u001B\[\d+m/gu, '');
}

const alice = shellSession(1000, {
	user: 'alice',
	shellChildren: [child(1003, 1002, ['vim', 'notes.txt']), child(1004, 1002, ['sleep', '100'])],
	foregroundPid: 1003,
	isOwn: true,
});
const bob = shellSession(2000, {user: 'bob', tty: 'pts/1', peer: {address: '203.0.113.7', port: 41_022}});

let harness: ExplorerHarness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

describe('what the explorer shows', () => {
	test('a header with host, uptime, load, sessions and listener', async () => {
		harness = await renderExplorer(report([alice, bob]));
		const [first, second] = harness.lines();
		// One decimal: the kernel moves the second every five seconds, and the header would be rewritten as often.
		expect(first).toContain('bastion  up 3d 4h  load 0.1 0.1 0.0');
		expect(second).toContain('2 sessions');
		expect(second).toContain('listening on :22 (pid 800)');
	});

	test('how many sessions are still authenticating', async () => {
		const preauth = shellSession(3000, {user: '?', tty: 'pts/9'});
		harness = await renderExplorer(report([alice, {...preauth, stage: 'authenticating', kind: 'preauth', ttys: []}]));
		expect(harness.frame()).toContain('2 sessions (1 authenticating)');
	});

	test('the sshd idle policy when it can be read, per listener', async () => {
		harness = await renderExplorer(report([alice]), {
			loadPolicy: async () => ({clientAliveIntervalSeconds: 300, clientAliveCountMax: 3, tcpKeepAlive: true}),
		});
		await harness.waitFor(frame => frame.includes('ClientAlive 300s × 3'), 'the idle policy');
		expect(harness.frame()).toContain('TCPKeepAlive yes');
	});

	test('nothing about the idle policy when sshd cannot be asked', async () => {
		harness = await renderExplorer(report([alice]), {loadPolicy: async () => undefined});
		expect(harness.frame()).not.toContain('idle policy');
	});

	test('one header note, not an error storm, when not everything was readable', async () => {
		const unreadable = shellSession(3000, {user: '?', tty: 'pts/3'});
		harness = await renderExplorer(report([alice, {...unreadable, idleSince: undefined}], {isPartial: true}));
		const frame = harness.frame();
		expect(frame.match(/unreadable/gu)).toHaveLength(1);
		expect(frame).toMatch(/pts\/3 +\w+ +\? /u);
	});

	test('sessions start open down to their foreground command, own session marked', async () => {
		harness = await renderExplorer(report([alice, bob]));
		const frame = harness.frame();
		expect(frame).toMatch(/├─▾ \*alice +1000 +203\.0\.113\.7:51000 +pts\/0/u);
		expect(frame).toContain('vim notes.txt');
		expect(frame).toMatch(/└─▾ {2}bob +2000 +203\.0\.113\.7:41022 +pts\/1/u);
		expect(selectedLine(frame)).toContain('*alice');
	});

	test('the footer shows the keys that matter now', async () => {
		harness = await renderExplorer(report([alice, bob]));
		const footer = harness.lines().at(-1)!;
		expect(footer).toContain('/ search');
		expect(footer).toContain(String.raw`\ filter`);
		expect(footer).toContain('↑↓ move');
		expect(footer).toContain('← collapse');
		expect(footer).toContain('? help');
		expect(footer).toContain('q quit');
		expect(footer).not.toContain('→ expand');
	});
});

describe('keys', () => {
	test('↓ moves down, ↑ moves up; j is no key (k is the action key, as in htop)', async () => {
		harness = await renderExplorer(report([alice, bob]));
		harness.press('j', keys.down);
		await harness.waitFor(frame => selectedLine(frame)?.includes('sshd: alice@pts/0') ?? false, '↓ to move down');
		harness.press(keys.down);
		await harness.waitFor(frame => selectedLine(frame)?.includes('-bash') ?? false, '↓ to move down');
		harness.press(keys.up, keys.up);
		await harness.waitFor(frame => selectedLine(frame)?.includes('*alice') ?? false, '↑ twice to move up');
	});

	test('several keys in one chunk each count', async () => {
		harness = await renderExplorer(report([alice, bob]));
		harness.press(keys.down.repeat(3));
		await harness.waitFor(frame => (selectedLine(frame) ?? '').includes('1003 alice'), 'three moves from one chunk');
	});

	test('End and Home go to the last and first rows', async () => {
		harness = await renderExplorer(report([alice, bob]));
		harness.press(keys.end);
		await harness.waitFor(frame => selectedLine(frame)?.includes('2002 bob') ?? false, 'End');
		harness.press(keys.home);
		await harness.waitFor(frame => selectedLine(frame)?.includes('listener :22') ?? false, 'Home');
	});

	test('← and - collapse a session to one row, → and + open it again', async () => {
		harness = await renderExplorer(report([alice, bob]));
		harness.press(keys.left);
		await harness.waitFor(frame => !frame.includes('sshd: alice@pts/0'), 'the session to collapse');
		expect(selectedLine(harness.frame())).toMatch(/├─▸ \*alice/u);
		expect(harness.lines().at(-1)).toContain('→ expand');
		harness.press(keys.right);
		await harness.waitFor(frame => frame.includes('sshd: alice@pts/0'), 'the session to expand');
		harness.press('-');
		await harness.waitFor(frame => !frame.includes('sshd: alice@pts/0'), '- to collapse');
		harness.press('+');
		await harness.waitFor(frame => frame.includes('sshd: alice@pts/0'), '+ to expand');
	});

	test('* expands everything; * again collapses every session', async () => {
		const hidden = shellSession(3000, {
			user: 'carol',
			shellChildren: [{...child(3003, 3002, ['make']), children: [child(3004, 3003, ['cc', 'main.c'])]}],
		});
		harness = await renderExplorer(report([alice, bob, hidden]));
		expect(harness.frame()).not.toContain('cc main.c');
		harness.press('*');
		await harness.waitFor(frame => frame.includes('cc main.c'), 'everything expanded');
		harness.press('*');
		await harness.waitFor(
			frame => !frame.includes('sshd: alice@pts/0') && frame.includes('carol'),
			'everything collapsed',
		);
		expect(harness.frame()).not.toContain('sshd: bob@pts/1');
		expect(harness.frame()).not.toContain('cc main.c');
	});

	test('? opens help generated from the key table, Esc closes it', async () => {
		harness = await renderExplorer(report([alice, bob]), {rows: 45});
		harness.press('?');
		const help = await harness.waitFor(frame => frame.includes('Keys'), 'the help screen');
		for (const line of [
			'/ F3',
			'Search: move to the next row',
			String.raw`\ F4`,
			'Move the selection up',
			'PgUp',
			'Home',
			'End',
			'← -',
			'→ +',
			'Expand every row; again, collapse every session',
			'Details of the selected row',
			'k F9',
		]) {
			expect(help).toContain(line);
		}

		expect(help).not.toContain('*alice');
		expect(help.split('\n').at(-1)).toContain('? close help');
		harness.press(keys.escape);
		await harness.waitFor(frame => frame.includes('*alice'), 'the tree again');
	});

	test('h and F1 open and close the help too', async () => {
		harness = await renderExplorer(report([alice, bob]));
		harness.press('h');
		await harness.waitFor(frame => frame.includes('Keys') && !frame.includes('*alice'), 'the help from h');
		harness.press('h');
		await harness.waitFor(frame => frame.includes('*alice'), 'the tree after h');
		harness.press(keys.f1);
		await harness.waitFor(frame => frame.includes('Keys') && !frame.includes('*alice'), 'the help from F1');
		harness.press(keys.f1);
		await harness.waitFor(frame => frame.includes('*alice'), 'the tree after F1');
	});

	test('Ctrl-L draws the whole screen again', async () => {
		harness = await renderExplorer(report([alice, bob]));
		const before = harness.repaints();
		harness.press(keys.ctrlL);
		await harness.waitFor(() => harness!.repaints() === before + 1, 'a repaint');
		expect(harness.frame()).toContain('*alice');
	});

	test('p and Z pause refreshing and the header says so', async () => {
		harness = await renderExplorer(report([alice]));
		harness.press('p');
		await harness.waitFor(frame => frame.includes('[PAUSED'), 'the paused note');
		expect(harness.lines().at(-1)).toContain('Z resume');
		harness.press('p');
		await harness.waitFor(frame => !frame.includes('[PAUSED'), 'refreshing to resume');
		harness.press('Z');
		await harness.waitFor(frame => frame.includes('[PAUSED'), 'Z to pause');
		harness.press('Z');
		await harness.waitFor(frame => !frame.includes('[PAUSED'), 'Z to resume');
	});

	test('q quits', async () => {
		harness = await renderExplorer(report([alice]));
		expect(harness.hasExited()).toBe(false);
		harness.press('q');
		await harness.waitFor(() => harness!.hasExited(), 'the explorer to exit');
	});
});

describe('refreshes', () => {
	test('the selection follows its process when rows are added above it', async () => {
		harness = await renderExplorer(report([bob]));
		harness.press(keys.down, keys.down);
		await harness.waitFor(frame => selectedLine(frame)?.includes('2002 bob') ?? false, 'bob’s shell selected');
		const carol = shellSession(3000, {user: 'carol', tty: 'pts/2'});
		harness.setReport(report([alice, carol, bob]));
		await harness.refresh();
		await harness.waitFor(frame => frame.includes('carol'), 'the new sessions');
		expect(selectedLine(harness.frame())).toContain('2002 bob');
	});

	test('CPU% comes from the ticks used between two refreshes', async () => {
		const busy = (ticks: number, takenAt: number) => {
			const session = shellSession(1000, {
				user: 'alice',
				shellChildren: [child(1003, 1002, ['yes'], {userTicks: ticks})],
				foregroundPid: 1003,
			});
			return report([session], {takenAt});
		};

		harness = await renderExplorer(busy(1000, takenAt));
		harness.setReport(busy(1100, takenAt + 2000));
		await harness.refresh();
		await harness.waitFor(frame => /1003 alice S +50\.0 /u.test(frame), 'yes at 50% CPU');
		expect(harness.frame()).toMatch(/alice +1000 +203\.0\.113\.7.* 50\.0 /u);
	});

	test('a frozen view does not change while paused', async () => {
		harness = await renderExplorer(report([alice]));
		harness.press('p');
		await harness.waitFor(frame => frame.includes('[PAUSED'), 'pause');
		const loads = harness.loadCount();
		harness.setReport(report([alice, bob]));
		// Resuming is what makes it load again, at once.
		harness.press('p');
		await harness.waitFor(frame => frame.includes('bob'), 'the refresh after resuming');
		expect(harness.loadCount()).toBe(loads + 1);
	});
});

describe('the viewport', () => {
	const many = report(
		Array.from({length: 200}, (_, index) =>
			shellSession(10_000 + index * 10, {user: `user${index}`, tty: `pts/${index}`}),
		),
	);

	// Too many sessions to show open: each starts as one row.
	test('renders only the rows that fit, and the frame is shorter than the terminal', async () => {
		harness = await renderExplorer(many, {columns: 80, rows: 24});
		const lines = harness.lines();
		expect(lines.length).toBeLessThan(24);
		expect(harness.frame()).toContain('user0 ');
		expect(harness.frame()).not.toContain('user30 ');
		expect(harness.frame()).not.toContain('user199 ');
	});

	test('End scrolls to the last row, Home back to the first', async () => {
		harness = await renderExplorer(many, {columns: 80, rows: 24});
		harness.press(keys.end);
		await harness.waitFor(frame => selectedLine(frame)?.includes('user199 ') ?? false, 'the last row');
		expect(harness.lines().length).toBeLessThan(24);
		expect(harness.lines().at(-1)).toContain('201/201');
		harness.press(keys.home);
		await harness.waitFor(frame => frame.includes('user0 '), 'the first row');
	});

	test('PgDn and PgUp move a page', async () => {
		harness = await renderExplorer(many, {columns: 80, rows: 24});
		harness.press(keys.pageDown);
		await harness.waitFor(frame => frame.includes('user30 ') && !frame.includes('user0 '), 'the next page');
		harness.press(keys.pageUp);
		await harness.waitFor(frame => frame.includes('user0 '), 'the previous page');
	});

	test('ten thousand processes scroll without rendering them all', async () => {
		const shells = Array.from({length: 10_000}, (_, index) => child(100_000 + index, 1002, ['sleep', String(index)]));
		harness = await renderExplorer(report([shellSession(1000, {user: 'alice', shellChildren: shells})]), {
			columns: 80,
			rows: 24,
		});
		const started = performance.now();
		harness.press('*', keys.end);
		await harness.waitFor(frame => frame.includes('sleep 9999'), 'the last process');
		harness.press(keys.home);
		await harness.waitFor(frame => frame.includes('listener'), 'the first row');
		expect(performance.now() - started).toBeLessThan(2000);
		expect(harness.lines().length).toBeLessThan(24);
	});
});

describe('terminal sizes', () => {
	test('80×24: every line fits and the frame is shorter than the terminal', async () => {
		harness = await renderExplorer(report([alice, bob]), {columns: 80, rows: 24});
		for (const line of harness.lines()) {
			expect(displayWidth(line.replaceAll(/\u001B\[\d+m/gu, ''))).toBeLessThan(80);
		}
	});

	test('a narrow terminal drops columns and truncates long commands by display width', async () => {
		const wide = shellSession(1000, {
			user: 'alice',
			shellChildren: [child(1003, 1002, ['vim', '漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字.txt'])],
			foregroundPid: 1003,
		});
		harness = await renderExplorer(report([wide]), {columns: 50, rows: 20});
		await harness.waitFor(frame => frame.includes('…'), 'a truncated command');
		for (const line of harness.lines()) {
			expect(displayWidth(line.replaceAll(/\u001B\[\d+m/gu, ''))).toBeLessThan(50);
		}
	});

	test('a resize re-fits the lines', async () => {
		harness = await renderExplorer(report([alice, bob]), {columns: 120, rows: 30});
		expect(harness.frame()).toContain('KIND');
		harness.resize(60, 20);
		await harness.waitFor(frame => !frame.includes('KIND'), 'the narrower layout');
		for (const line of harness.lines()) {
			expect(displayWidth(line.replaceAll(/\u001B\[\d+m/gu, ''))).toBeLessThan(60);
		}
	});

	test('says plainly when the terminal is too small, within the screen it has', async () => {
		harness = await renderExplorer(report([alice]), {columns: 100, rows: 24});
		harness.resize(30, 6);
		await harness.waitFor(frame => frame.includes('Terminal too small'), 'the too-small message');
		expect(harness.lines().length).toBeLessThan(6);
		for (const line of harness.lines()) {
			expect(displayWidth(line)).toBeLessThan(30);
		}

		harness.resize(100, 24);
		await harness.waitFor(frame => frame.includes('*alice'), 'the tree again');
	});
});

describe('hostile process names', () => {
	const hostile = [
		['clear', '\u001B[2J\u001B[H'],
		['title', '\u001B]0;pwned\u0007'],
		['clipboard', '\u001B]52;c;cm0gLXJmIH4=\u001B\\'],
		['bell', 'ding\u0007'],
		['bidi', 'evil\u202Ehs.txt'],
		['invalid', 'bad\uFFFDbyte'],
		['newline', 'two\nlines\r'],
	] as const;

	test('are shown as visible placeholders, never passed to the terminal', async () => {
		const shells = hostile.map(([, name], index) => child(1100 + index, 1002, [name, 'x'], {comm: name.slice(0, 15)}));
		const session = shellSession(1000, {user: 'alice\u001B[31m', shellChildren: shells, foregroundPid: 1100});
		harness = await renderExplorer(report([session], {host: 'host\u0007'}), {columns: 120, rows: 30});
		const frame = harness.frame();
		// The only escape sequences left are the explorer's own SGR attributes.
		expect(frame.replaceAll(/\u001B\[\d*m/gu, '')).not.toContain('\u001B');
		expect(frame).not.toMatch(/[\u0007\u009B\u202E\r]/u);
		for (const visible of [
			'^[[2J^[[H',
			'^[]0;pwned^G',
			'^[]52;c;cm0gLXJmIH4=^[\\',
			'ding^G',
			'evil<U+202E>hs.txt',
			'bad\uFFFDbyte',
			'two^Jlines^M',
			'alice^[[31m',
			'host^G',
		]) {
			expect(frame).toContain(visible);
		}

		// Every row is still one line: a newline in a name did not add one.
		expect(harness.lines().filter(line => /\b11\d\d alice/u.test(line))).toHaveLength(hostile.length);
	});
});
