// How sessions open when the explorer starts (--expand, or the preferences' "expand").
import {describe, expect, test} from 'vitest';
import {unknownCpuUsage} from '../../../source/model/view/cpu.js';
import type {SessionReport} from '../../../source/model/types.js';
import {createInitialState, explorerReducer, selectRows} from '../../../source/ui/state/explorer-state.js';
import {report, shellSession} from '../../fixtures/builders.js';

/** `count` shells: each is 4 rows open (session, sshd, shell) and 1 closed. */
function shells(count: number): SessionReport {
	return report(Array.from({length: count}, (_, index) => shellSession(1000 + index * 10, {user: `user${index}`})));
}

const sessionRows = (state: ReturnType<typeof createInitialState>) =>
	selectRows(state).rows.filter(row => row.kind === 'session').length;

describe('sessions open as they fit (auto, the default)', () => {
	test('all open to their foreground commands when every row fits the screen', () => {
		const state = createInitialState(40, {report: shells(3)});
		expect(state.expansion.policy).toBe('foreground-path');
		expect(selectRows(state).rows.length).toBeGreaterThan(3);
	});

	test('one row each when their open rows would not fit, so every session is on screen', () => {
		const state = createInitialState(20, {report: shells(17)});
		expect(state.expansion.policy).toBe('none');
		expect(sessionRows(state)).toBe(17);
		expect(selectRows(state).rows.length).toBeLessThanOrEqual(20);
	});

	test('they open again when the terminal grows tall enough', () => {
		const state = createInitialState(20, {report: shells(17)});
		const taller = explorerReducer(state, {type: 'viewport-resized', height: 200});
		expect(taller.expansion.policy).toBe('foreground-path');
	});

	test('once the operator opens or closes a row, the sessions stay as they chose', () => {
		const state = createInitialState(20, {report: shells(17)});
		const chosen = explorerReducer(state, {type: 'command', command: 'expand'});
		expect(chosen.isExpansionAuto).toBe(false);
		const after = explorerReducer(chosen, {type: 'report-arrived', report: shells(2), usage: unknownCpuUsage});
		expect(after.expansion.policy).toBe('none');
	});
});

describe('a fixed setting', () => {
	test.each([
		['collapsed', 'none'],
		['foreground', 'foreground-path'],
		['all', 'all'],
	] as const)('%s starts with the policy %s and keeps it whatever fits', (expansion, policy) => {
		const state = createInitialState(20, {report: shells(17), expansion});
		expect(state.isExpansionAuto).toBe(false);
		expect(state.expansion.policy).toBe(policy);
	});
});
