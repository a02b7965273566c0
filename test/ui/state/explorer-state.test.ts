import type {Key} from 'ink';
import {describe, expect, test} from 'vitest';
import {unknownCpuUsage} from '../../../source/model/view/cpu.js';
import type {SessionReport} from '../../../source/model/types.js';
import type {ExplorerCommand} from '../../../source/ui/keys/keymap.js';
import {
	createInitialState,
	explorerReducer,
	selectedIndex,
	selectRows,
	type ExplorerState,
} from '../../../source/ui/state/explorer-state.js';
import {child, idleFor, report, shellSession} from '../../fixtures/builders.js';
import {noKey} from '../../../source/ui/keys/use-explorer-keys.js';

function arrive(state: ExplorerState, next: SessionReport): ExplorerState {
	return explorerReducer(state, {type: 'report-arrived', report: next, usage: unknownCpuUsage});
}

function run(state: ExplorerState, ...commands: ExplorerCommand[]): ExplorerState {
	let current = state;
	for (const command of commands) {
		current = explorerReducer(current, {type: 'command', command});
	}

	return current;
}

/** Named keys as Ink reports them; any other string is typed text. */
const namedKeys: Readonly<Record<string, Partial<Key>>> = {
	Up: {upArrow: true},
	Down: {downArrow: true},
	End: {end: true},
	Enter: {return: true},
	Esc: {escape: true},
};

function press(state: ExplorerState, ...inputs: string[]): ExplorerState {
	let current = state;
	for (const input of inputs) {
		const named = namedKeys[input];
		current = explorerReducer(current, {
			type: 'key-pressed',
			input: named === undefined ? input : '',
			key: {...noKey, ...named},
		});
	}

	return current;
}

/** `*` until every session is closed: the first opens everything, the second closes every session. */
function collapseAll(state: ExplorerState): ExplorerState {
	return run(state, 'toggle-all', 'toggle-all');
}

function selectedRow(state: ExplorerState) {
	return selectRows(state).rows[selectedIndex(state) ?? -1];
}

const alice = shellSession(1000, {user: 'alice', shellChildren: [child(1003, 1002, ['vim'])], foregroundPid: 1003});
const bob = shellSession(2000, {user: 'bob', tty: 'pts/1'});
const carol = shellSession(3000, {user: 'carol', tty: 'pts/2'});

describe('the selection', () => {
	test('starts on the first session', () => {
		const state = arrive(createInitialState(10), report([alice, bob]));
		expect(selectedRow(state)).toMatchObject({kind: 'session', id: alice.id});
	});

	test('follows the same process when a refresh adds rows above it', () => {
		// Tall enough for every session open: sessions that do not fit start closed.
		let state = arrive(createInitialState(20), report([bob]));
		state = run(state, 'move-down', 'move-down'); // Bob's user-side sshd, then bash.
		expect(selectedRow(state)?.id).toBe('2002:20020');
		// Longer idle sorts first: alice and carol arrive above bob.
		state = arrive(state, report([{...alice, ...idleFor(600)}, {...carol, ...idleFor(300)}, bob]));
		expect(selectedRow(state)?.id).toBe('2002:20020');
		expect(selectedIndex(state)).toBeGreaterThan(7);
	});

	test('keeps its place on screen when rows appear above it', () => {
		let state = arrive(createInitialState(3, {expansion: 'foreground'}), report([bob]));
		state = run(state, 'move-down', 'move-down');
		const screenRowBefore = selectedIndex(state)! - state.scrollOffset;
		expect(screenRowBefore).toBe(2);
		state = arrive(state, report([alice, bob, carol]));
		expect(selectedIndex(state)! - state.scrollOffset).toBe(screenRowBefore);
	});

	test('moves to the parent when the selected process exits', () => {
		let state = arrive(createInitialState(10), report([alice]));
		state = run(state, 'go-last');
		expect(selectedRow(state)?.id).toBe('1003:10030');
		state = arrive(state, report([shellSession(1000, {user: 'alice'})]));
		expect(selectedRow(state)?.id).toBe('1002:10020');
		expect(state.notice).toBeUndefined();
	});

	test('never lands silently on another session when its session ended', () => {
		let state = arrive(createInitialState(10), report([alice, bob], {listeners: []}));
		state = run(state, 'go-last');
		expect(selectedRow(state)).toMatchObject({kind: 'process'});
		state = arrive(state, report([alice], {listeners: []}));
		expect(state.notice).toMatch(/session ended/u);
	});

	test('follows a session whose monitor was killed to its user side, which still holds the connection', () => {
		let state = arrive(createInitialState(10), report([alice, bob]));
		state = run(state, 'go-last');
		state = run(state, 'move-up', 'move-up');
		expect(selectedRow(state)).toMatchObject({kind: 'session', id: bob.id});
		// The monitor 2000 is gone: the user side 2001 is the connection's top now.
		const userSide = bob.tree.children[0]!;
		const orphaned = {
			...bob,
			id: '2001:20010',
			pid: 2001,
			tree: {process: {...userSide.process, ppid: 1}, children: userSide.children},
			monitorPid: undefined,
			userSidePid: 2001,
			isOrphaned: true,
		};
		state = arrive(state, report([alice, orphaned]));
		expect(selectedRow(state)).toMatchObject({kind: 'session', id: '2001:20010'});
		expect(state.notice).toBe("The session's monitor 2000 is gone; its connection lives on, orphaned");
	});

	test('moves to the listener when its session ended and the listener is still there', () => {
		let state = arrive(createInitialState(10), report([alice, bob]));
		state = run(state, 'go-last');
		state = arrive(state, report([alice]));
		expect(selectedRow(state)).toMatchObject({kind: 'listener'});
		expect(state.notice).toMatch(/session ended/u);
	});
});

describe('collapse and expand', () => {
	test('← collapses the selected row, a second ← goes to its parent', () => {
		let state = arrive(createInitialState(10), report([alice]));
		state = run(state, 'collapse');
		expect(selectRows(state).rows).toHaveLength(2);
		state = run(state, 'collapse');
		expect(selectedRow(state)).toMatchObject({kind: 'listener'});
	});

	test('→ expands, ← collapses again, and a refresh keeps the user’s choice', () => {
		let state = collapseAll(arrive(createInitialState(10), report([alice, bob])));
		expect(selectRows(state).rows).toHaveLength(3);
		state = run(state, 'expand');
		expect(selectRows(state).rows).toHaveLength(4);
		state = arrive(state, report([alice, bob]));
		expect(selectRows(state).rows).toHaveLength(4);
		state = run(state, 'collapse');
		expect(selectRows(state).rows).toHaveLength(3);
	});

	test('Enter does not fold a row: it opens the details pane', () => {
		let state = arrive(createInitialState(10), report([alice, bob]));
		const rows = selectRows(state).rows.length;
		state = press(state, 'Enter');
		expect(state.isDetailOpen).toBe(true);
		expect(selectRows(state).rows).toHaveLength(rows);
		state = press(state, 'Enter');
		expect(state.isDetailOpen).toBe(false);
		state = press(state, 'Enter', 'Esc');
		expect(state.isDetailOpen).toBe(false);
	});

	test('* expands everything; pressed again it closes every session', () => {
		const withHidden = shellSession(1000, {
			user: 'alice',
			shellChildren: [
				child(1003, 1002, ['vim']),
				{...child(1004, 1002, ['make']), children: [child(1005, 1004, ['cc'])]},
			],
			foregroundPid: 1003,
		});
		let state = run(arrive(createInitialState(10), report([withHidden])), 'toggle-all');
		expect(selectRows(state).rows.map(row => row.id)).toContain('1005:10050');
		state = run(state, 'toggle-all');
		expect(selectRows(state).rows.map(row => row.kind)).toEqual(['listener', 'session']);
	});

	test('* with everything already open closes every session at once', () => {
		let state = run(arrive(createInitialState(10), report([alice, bob])), 'toggle-all');
		// Opening one row more changes nothing: everything is open, so * closes.
		state = run(state, 'expand', 'toggle-all');
		expect(selectRows(state).rows).toHaveLength(3);
	});
});

describe('the viewport', () => {
	const many = report(
		Array.from({length: 30}, (_, index) =>
			shellSession(10_000 + index * 10, {user: `user${index}`, tty: `pts/${index}`}),
		),
	);

	test('scrolls only when the cursor leaves it', () => {
		let state = collapseAll(arrive(createInitialState(5), many));
		state = run(state, 'go-first');
		state = run(state, 'move-down', 'move-down', 'move-down', 'move-down');
		expect(state.scrollOffset).toBe(0);
		state = run(state, 'move-down');
		expect(state.scrollOffset).toBe(1);
	});

	test('stops at the edges', () => {
		let state = run(collapseAll(arrive(createInitialState(5), many)), 'go-first', 'move-up', 'page-up');
		expect(selectedIndex(state)).toBe(0);
		expect(state.scrollOffset).toBe(0);
		state = run(state, 'go-last', 'move-down', 'page-down');
		expect(selectedIndex(state)).toBe(30);
		expect(state.scrollOffset).toBe(31 - 5);
	});

	test('page down moves a page less one line', () => {
		const state = run(collapseAll(arrive(createInitialState(5), many)), 'go-first', 'page-down');
		expect(selectedIndex(state)).toBe(4);
	});

	test('a smaller terminal keeps the cursor in view', () => {
		let state = run(collapseAll(arrive(createInitialState(20), many)), 'go-first');
		state = run(state, ...Array.from({length: 15}, () => 'move-down' as const));
		state = explorerReducer(state, {type: 'viewport-resized', height: 4});
		const index = selectedIndex(state)!;
		expect(index).toBeGreaterThanOrEqual(state.scrollOffset);
		expect(index).toBeLessThan(state.scrollOffset + 4);
	});
});

describe('pause and help', () => {
	test('p pauses and resumes', () => {
		const state = run(createInitialState(10), 'toggle-pause');
		expect(state.isPaused).toBe(true);
		expect(run(state, 'toggle-pause').isPaused).toBe(false);
	});

	test('behind the help screen the tree does not move; Esc closes it', () => {
		let state = press(arrive(createInitialState(10), report([alice, bob])), '?', 'Down', 'End');
		expect(state.isHelpOpen).toBe(true);
		expect(selectedRow(state)?.id).toBe(alice.id);
		state = press(state, 'Esc');
		expect(state.isHelpOpen).toBe(false);
		expect(selectedRow(state)?.id).toBe(alice.id);
	});

	test('keys pressed in one go each see the state the previous one left', () => {
		// ↓ moves the cursor, ? opens the help, ↓ scrolls the help, ? closes it, ↓ moves again.
		const state = press(arrive(createInitialState(10), report([alice, bob])), 'Down', '?', 'Down', '?', 'Down');
		expect(selectedIndex(state)).toBe(3);
	});

	test('h toggles the help too', () => {
		const state = press(createInitialState(10), 'h');
		expect(state.isHelpOpen).toBe(true);
		expect(press(state, 'h').isHelpOpen).toBe(false);
	});

	test('the help scrolls as far as its last page, and no further', () => {
		let state = press(arrive(createInitialState(10), report([alice])), '?');
		state = explorerReducer(state, {type: 'pane-measured', lineCount: 25});
		state = press(state, 'Down', 'Down');
		expect(state.paneOffset).toBe(2);
		state = press(state, 'End', 'Down');
		expect(state.paneOffset).toBe(25 - 10);
		state = press(state, 'Up');
		expect(state.paneOffset).toBe(25 - 10 - 1);
	});

	test('q asks to quit', () => {
		expect(press(createInitialState(10), 'q').hasQuit).toBe(true);
	});
});

describe('notices', () => {
	const ended = () => {
		let state = arrive(createInitialState(10), report([alice, bob], {listeners: []}));
		state = run(state, 'go-last');
		return arrive(state, report([alice], {listeners: []}));
	};

	test('any key clears the footer notice', () => {
		const state = ended();
		expect(state.notice).toMatch(/session ended/u);
		expect(press(state, 'x').notice).toBeUndefined();
	});

	test('it expires when the notice it was armed for is still shown, not a newer one', () => {
		const state = ended();
		const expired = explorerReducer(state, {type: 'notices-expired', notice: state.notice, status: undefined});
		expect(expired.notice).toBeUndefined();
		const stale = explorerReducer(state, {type: 'notices-expired', notice: 'an older notice', status: undefined});
		expect(stale.notice).toBe(state.notice);
	});
});

describe('a quiet refresh (the timed one) is kept only when it changes the screen', () => {
	const quiet = (state: ExplorerState, next: SessionReport, usage = unknownCpuUsage): ExplorerState =>
		explorerReducer(state, {type: 'report-arrived', report: next, usage, isQuiet: true});
	const start = () => arrive(createInitialState(10, {width: 120}), report([alice, bob]));

	test('a new report that draws the same rows leaves the state as it is (nothing re-renders)', () => {
		const state = start();
		// A later reading: another object, different clocks and CPU ticks, the same text on screen.
		const later = report([alice, bob], {takenAt: report([]).takenAt + 2000});
		expect(quiet(state, later)).toBe(state);
	});

	test("a report that kept the last one's sessions keeps its rows: nothing is sorted or flattened again", () => {
		const first = report([alice, bob]);
		const state = arrive(createInitialState(10, {width: 120}), first);
		const later = arrive(state, {...first, takenAt: first.takenAt + 2000, loadAverage: [3, 2, 1]});
		expect(selectRows(later)).toBe(selectRows(state));
		// A filter is matched against each report (idle>… against its time): its rows are derived again.
		const filtered = press(run(state, 'open-filter'), 'b', 'o', 'b');
		const filteredLater = arrive(filtered, {...first, takenAt: first.takenAt + 2000});
		expect(selectRows(filteredLater)).not.toBe(selectRows(filtered));
		expect(selectRows(filteredLater).rows.map(row => row.id)).toEqual(selectRows(filtered).rows.map(row => row.id));
	});

	test('a change in a visible row is kept', () => {
		const state = start();
		const next = quiet(state, report([alice, {...bob, ...idleFor(600)}]));
		expect(next).not.toBe(state);
		expect(next.report?.sessions.find(session => session.user === 'bob')?.idleSince).toBe(idleFor(600).idleSince);
	});

	test('a new session is kept', () => {
		expect(quiet(start(), report([alice, bob, carol]))).not.toBe(start());
	});

	test('the header counts: a changed load average is kept when it shows', () => {
		const state = start();
		expect(quiet(state, report([alice, bob], {loadAverage: [0.13, 0.08, 0.01]}))).toBe(state);
		expect(quiet(state, report([alice, bob], {loadAverage: [0.52, 0.08, 0.01]}))).not.toBe(state);
	});

	test('the same report sent again unconditionally (before a key) is taken as it is', () => {
		const state = start();
		const later = report([alice, bob], {takenAt: report([]).takenAt + 2000});
		const kept = arrive(quiet(state, later), later);
		expect(kept.report).toBe(later);
		expect(arrive(kept, later)).toBe(kept);
	});

	test('until the width is known every refresh is kept', () => {
		const state = arrive(createInitialState(10), report([alice, bob]));
		expect(quiet(state, report([alice, bob]))).not.toBe(state);
	});
});

describe('starting with a report', () => {
	test('the initial state already has it, with the cursor on the first session', () => {
		const state = createInitialState(10, {report: report([alice, bob]), width: 100});
		expect(state.report?.sessions).toHaveLength(2);
		expect(selectedRow(state)).toMatchObject({kind: 'session', id: alice.id});
	});
});
