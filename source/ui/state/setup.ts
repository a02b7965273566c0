// The setup screen (htop's F2): the refresh interval, how sessions open and which session columns
// show, changed in place and kept in the preferences file.
import {columnPriority, columnTitles, type SessionColumn} from '../../model/view/columns.js';
import {expansionSettings, stepInterval, type ExpansionSetting} from '../../model/view/preferences.js';
import {withExpansionSetting} from './expansion-setting.js';
import type {ExplorerState} from './types.js';

export type SetupItem =
	| {readonly kind: 'interval'}
	| {readonly kind: 'expansion'}
	| {readonly kind: 'column'; readonly column: SessionColumn};

export const setupItems: readonly SetupItem[] = [
	{kind: 'interval'},
	{kind: 'expansion'},
	...columnPriority.map(column => ({kind: 'column', column}) as const),
];

const expansionWords: Readonly<Record<ExpansionSetting, string>> = {
	auto: 'auto (open while all fit)',
	foreground: 'down to the foreground command',
	collapsed: 'collapsed',
	all: 'everything open',
};

function isShown(state: ExplorerState, column: SessionColumn): boolean {
	return state.columns === undefined || state.columns.includes(column);
}

function settingText(state: ExplorerState, item: SetupItem): string {
	switch (item.kind) {
		case 'interval': {
			return `Refresh interval       ${state.intervalSeconds} s`;
		}

		case 'expansion': {
			return `Sessions open          ${expansionWords[state.expansionSetting]}`;
		}

		case 'column': {
			return `Column ${columnTitles[item.column].padEnd(16)}${isShown(state, item.column) ? '[x] shown' : '[ ] hidden'}`;
		}
	}
}

/** One line per setting, the selected one marked: `> Refresh interval     2 s`. */
export function setupLines(state: ExplorerState): string[] {
	return setupItems.map((item, index) => `${index === state.setupCursor ? '> ' : '  '}${settingText(state, item)}`);
}

export function moveSetupCursor(state: ExplorerState, direction: 1 | -1): ExplorerState {
	const setupCursor = Math.max(0, Math.min(setupItems.length - 1, state.setupCursor + direction));
	return setupCursor === state.setupCursor ? state : {...state, setupCursor};
}

/** Space, Enter, → and + change the selected setting forward; ← and - back. */
export function changeSetup(state: ExplorerState, direction: 1 | -1): ExplorerState {
	const item = setupItems[state.setupCursor];
	switch (item?.kind) {
		case 'interval': {
			return {...state, intervalSeconds: stepInterval(state.intervalSeconds, direction)};
		}

		case 'expansion': {
			const index = expansionSettings.indexOf(state.expansionSetting);
			const next = expansionSettings[(index + direction + expansionSettings.length) % expansionSettings.length]!;
			return withExpansionSetting(state, next);
		}

		case 'column': {
			const shown = columnPriority.filter(column =>
				column === item.column ? !isShown(state, column) : isShown(state, column),
			);
			// Someone has to be named: a row with no USER column shows no one.
			if (!shown.includes('user')) {
				return state;
			}

			return {...state, columns: shown.length === columnPriority.length ? undefined : shown};
		}

		case undefined: {
			return state;
		}
	}
}
