// Notices ("The selected session ended") and the action status line say what just happened:
// they go at the next key press, or by themselves ten seconds after they appeared.
import {afterEach, describe, expect, test, vi} from 'vitest';
import {noticeLifetimeMs} from '../../source/ui/hooks/use-notice-expiry.js';
import {child, idleFor, report, shellSession} from '../fixtures/builders.js';
import {keys, renderExplorer, type ExplorerHarness} from './render-explorer.js';

const plain = (text: string) => text.replaceAll(/\u001B\[[\d;]*m/gu, '');
const selectionStart = '\u001B[7m';
const selectedLine = (frame: string) => plain(frame.split('\n').find(line => line.includes(selectionStart)) ?? '');

const alice = shellSession(1000, {user: 'alice', isOwn: true, ...idleFor(600)});
const bob = shellSession(2000, {
	user: 'bob',
	tty: 'pts/1',
	shellChildren: [child(2003, 2002, ['sleep', '600'], {user: 'bob'})],
	foregroundPid: 2003,
});
const ended = 'The selected session ended';
const cancelled = 'Cancelled: nothing was sent.';

let harness: ExplorerHarness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
	vi.useRealTimers();
});

/** The explorer with bob's sleep selected, then bob's session gone: the footer says so. */
async function sessionEnded(): Promise<ExplorerHarness> {
	const explorer = await renderExplorer(report([alice, bob], {listeners: []}), {columns: 120});
	explorer.press(keys.end);
	await explorer.waitFor(frame => selectedLine(frame).includes('2003 bob'), 'bob’s sleep selected');
	explorer.setReport(report([alice], {listeners: []}));
	await explorer.refresh();
	await explorer.waitFor(frame => frame.includes(ended), 'the notice');
	return explorer;
}

/** The status line after a cancelled action. */
async function actionCancelled(explorer: ExplorerHarness): Promise<void> {
	explorer.press('t');
	await explorer.waitFor(frame => frame.includes('Default is No'), 'the confirmation');
	explorer.press('n');
	await explorer.waitFor(frame => frame.includes(cancelled), 'the status line');
}

/** One turn of the event loop: what a timer or key started is rendered. */
async function settle(): Promise<void> {
	await new Promise(resolve => {
		setImmediate(resolve);
	});
}

describe('a key press', () => {
	test('clears the footer notice', async () => {
		harness = await sessionEnded();
		harness.press(keys.up);
		await harness.waitFor(frame => !frame.includes(ended), 'the notice gone');
	});

	test('clears the action status line', async () => {
		harness = await renderExplorer(report([alice, bob]), {columns: 120});
		await actionCancelled(harness);
		harness.press(keys.down);
		await harness.waitFor(frame => !frame.includes(cancelled), 'the status gone');
	});
});

describe('ten seconds later', () => {
	// The expiry is a setTimeout: faked, it fires when the test says the time has passed. The
	// fake clock also follows real time, so the harness's polling keeps working.
	const fakeTimers = () => {
		vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true});
	};

	test('the notice goes by itself', async () => {
		fakeTimers();
		harness = await sessionEnded();
		await vi.advanceTimersByTimeAsync(noticeLifetimeMs - 1000);
		await settle();
		expect(harness.frame()).toContain(ended);
		await vi.advanceTimersByTimeAsync(1000);
		await harness.waitFor(frame => !frame.includes(ended), 'the notice to expire');
	});

	test('the action status goes by itself', async () => {
		fakeTimers();
		harness = await renderExplorer(report([alice, bob]), {columns: 120});
		await actionCancelled(harness);
		await vi.advanceTimersByTimeAsync(noticeLifetimeMs - 1000);
		await settle();
		expect(harness.frame()).toContain(cancelled);
		await vi.advanceTimersByTimeAsync(1000);
		await harness.waitFor(frame => !frame.includes(cancelled), 'the status to expire');
	});

	test('a newer status gets its own ten seconds', async () => {
		fakeTimers();
		harness = await renderExplorer(report([alice, bob]), {columns: 120});
		harness.press(keys.end);
		await harness.waitFor(frame => selectedLine(frame).includes('2003 bob'), 'bob’s sleep selected');
		await actionCancelled(harness);
		await vi.advanceTimersByTimeAsync(noticeLifetimeMs - 1000);
		// The next action's status replaces it: the first one's expiry must not take the new one.
		harness.press('t');
		await harness.waitFor(frame => frame.includes('Default is No'), 'the confirmation');
		harness.press('y');
		await harness.waitFor(frame => frame.includes('Sent SIGTERM'), 'the new status');
		await vi.advanceTimersByTimeAsync(2000);
		await settle();
		expect(harness.frame()).toContain('Sent SIGTERM');
		await vi.advanceTimersByTimeAsync(noticeLifetimeMs);
		await harness.waitFor(frame => !frame.includes('Sent SIGTERM'), 'the new status to expire');
	});
});

test('the lifetime is ten seconds', () => {
	expect(noticeLifetimeMs).toBe(10_000);
});
