// The setup screen (F2 or S): refresh interval, how sessions open, which columns show; each change
// is applied at once and handed on to be kept in the preferences.
import {afterEach, describe, expect, test, vi} from 'vitest';
import type {Preferences} from '../../source/model/view/preferences.js';
import {report, shellSession} from '../fixtures/builders.js';
import {keys, renderExplorer, type ExplorerHarness} from './render-explorer.js';

const alice = shellSession(1000, {user: 'alice'});
const bob = shellSession(2000, {user: 'bob'});

let harness: ExplorerHarness | undefined;
afterEach(() => {
	harness?.unmount();
	harness = undefined;
});

const titleLine = (frame: string) => frame.split('\n').find(line => line.includes('USER')) ?? '';

describe('the setup screen', () => {
	test('S opens it with every setting; Esc closes it and the tree is back', async () => {
		harness = await renderExplorer(report([alice, bob]), {columns: 120, rows: 30});
		harness.press('S');
		const setup = await harness.waitFor(frame => frame.includes('Setup'), 'the setup screen');
		expect(setup).toContain('> Refresh interval       3600 s');
		expect(setup).toContain('Sessions open          auto (open while all fit)');
		expect(setup).toContain('Column PID             [x] shown');
		harness.press(keys.escape);
		await harness.waitFor(frame => frame.includes('alice') && !frame.includes('Setup'), 'the tree');
	});

	test('hiding a column takes it off the rows and is handed on as the columns to keep', async () => {
		const changes: Preferences[] = [];
		harness = await renderExplorer(report([alice, bob]), {
			columns: 120,
			rows: 30,
			onPreferencesChanged(changed) {
				changes.push(changed);
			},
		});
		expect(titleLine(harness.frame())).toContain('PID');
		harness.press(keys.f2);
		await harness.waitFor(frame => frame.includes('Setup'), 'the setup screen');
		// Interval, expansion, USER, then PID.
		harness.press(keys.down, keys.down, keys.down);
		await harness.waitFor(frame => frame.includes('> Column PID'), 'PID selected');
		harness.press(' ');
		await harness.waitFor(frame => frame.includes('> Column PID             [ ] hidden'), 'PID hidden');
		await vi.waitFor(() => {
			expect(changes.at(-1)).toEqual({
				columns: ['user', 'from', 'idle', 'health', 'who', 'tty', 'kind', 'login', 'cpu', 'memory'],
			});
		});
		harness.press(keys.escape);
		const tree = await harness.waitFor(frame => frame.includes('alice') && !frame.includes('Setup'), 'the tree');
		expect(titleLine(tree)).not.toContain('PID');
	});

	test('USER cannot be hidden: a row must name someone', async () => {
		harness = await renderExplorer(report([alice]), {columns: 120, rows: 30});
		harness.press('S');
		await harness.waitFor(frame => frame.includes('Setup'), 'the setup screen');
		harness.press(keys.down, keys.down);
		await harness.waitFor(frame => frame.includes('> Column USER'), 'USER selected');
		harness.press(' ');
		await harness.waitFor(frame => frame.includes('> Column USER            [x] shown'), 'USER still shown');
	});

	test('→ and ← step the interval and the expansion; each change is handed on, only what changed', async () => {
		const changes: Preferences[] = [];
		harness = await renderExplorer(report([alice, bob]), {
			columns: 120,
			rows: 30,
			initialView: {intervalSeconds: 2},
			onPreferencesChanged(changed) {
				changes.push(changed);
			},
		});
		harness.press('S');
		await harness.waitFor(frame => frame.includes('> Refresh interval       2 s'), 'the setup screen');
		harness.press(keys.right);
		await harness.waitFor(frame => frame.includes('> Refresh interval       3 s'), 'a longer interval');
		await vi.waitFor(() => {
			expect(changes.at(-1)).toEqual({intervalSeconds: 3});
		});
		harness.press(keys.left, keys.left);
		await harness.waitFor(frame => frame.includes('> Refresh interval       1 s'), 'a shorter interval');
		harness.press(keys.down, keys.right);
		await harness.waitFor(
			frame => frame.includes('> Sessions open          down to the foreground command'),
			'foreground',
		);
		await vi.waitFor(() => {
			expect(changes.at(-1)).toEqual({intervalSeconds: 1, expansion: 'foreground'});
		});
		harness.press(keys.right);
		await harness.waitFor(frame => frame.includes('> Sessions open          collapsed'), 'collapsed');
		harness.press(keys.escape);
		const tree = await harness.waitFor(frame => frame.includes('bob') && !frame.includes('Setup'), 'the tree');
		// Collapsed: one row per session (▸), no process rows.
		expect(tree).toMatch(/─▸ {2}alice /u);
		expect(tree).toMatch(/─▸ {2}bob /u);
		expect(tree.split('\n').filter(line => / {2,}\d+ (?:alice|bob) +S /u.test(line))).toEqual([]);
	});
});
