// The explorer's reducer (the ink-ui select split: the state is pure, the key hook only dispatches,
// the views only render). Each part of the state has its own module: the tree viewport, the filter
// line, the commands, the action dialogs (action-state.ts); this one routes events to them.
import {unknownCpuUsage} from '../../model/view/cpu.js';
import {initialExpansion} from '../../model/view/rows.js';
import {defaultViewOptions} from '../../model/view/session-view.js';
import {commandFor} from '../keys/keymap.js';
import {actionEventArrived, createActionsState, pruneTags, typeIntoDialog} from './action-state.js';
import {runCommand} from './commands.js';
import {filterExpansionDefault, isTyping, setFilterQuery} from './filter-line.js';
import {keyContextOf} from './key-context.js';
import {createRenderCache} from './render-cache.js';
import {isSameScreen} from './screen-key.js';
import {clampOffset, followConnection, forgetGoneProcesses, reselect, selectedIndex} from './tree-viewport.js';
import {selectRows} from './view.js';
import type {ExplorerEvent, ExplorerState, InitialView} from './types.js';

export type {ExplorerEvent, ExplorerState, InitialView, Selection} from './types.js';
export {selectRows, selectView, type ExplorerView} from './view.js';
export {selectedIndex} from './tree-viewport.js';
export {keyContextOf} from './key-context.js';

export function createInitialState(viewportHeight: number, initial: InitialView = {}): ExplorerState {
	const state: ExplorerState = {
		report: undefined,
		usage: unknownCpuUsage,
		expansion: initialExpansion,
		selection: undefined,
		scrollOffset: 0,
		viewportHeight: Math.max(1, viewportHeight),
		isPaused: false,
		isHelpOpen: false,
		notice: undefined,
		hasQuit: false,
		filterQuery: initial.filterQuery ?? '',
		isFilterOpen: false,
		filterExpansion: filterExpansionDefault,
		sortKey: initial.sortKey ?? defaultViewOptions.sortKey,
		isSortReversed: initial.isSortReversed ?? false,
		actions: createActionsState({
			selfPid: initial.selfPid,
			isReadOnly: initial.isReadOnly === true || initial.readOnlyReason !== undefined,
			readOnlyReason: initial.readOnlyReason,
			auditWarning: initial.auditWarning,
		}),
		width: initial.width,
		lastFullScanAt: initial.lastFullScanAt,
		renderCache: createRenderCache(),
	};
	return initial.report === undefined
		? state
		: explorerReducer(state, {
				type: 'report-arrived',
				report: initial.report,
				usage: unknownCpuUsage,
				lastFullScanAt: initial.lastFullScanAt,
			});
}

export function explorerReducer(state: ExplorerState, event: ExplorerEvent): ExplorerState {
	switch (event.type) {
		case 'report-arrived': {
			// Already here: a key press re-sends the newest report, which a quiet refresh may have kept.
			if (event.report === state.report) {
				return state;
			}

			const previous = selectRows(state);
			const arrived = {
				...state,
				report: event.report,
				usage: event.usage,
				lastFullScanAt: event.lastFullScanAt ?? state.lastFullScanAt,
				expansion: forgetGoneProcesses(state.expansion, event.report),
				filterExpansion: forgetGoneProcesses(state.filterExpansion, event.report),
				actions: pruneTags(state.actions, event.report),
			};
			const next = reselect(followConnection(arrived, state.report), previous, selectRows(arrived));
			// Same screen: keep the state, so nothing re-renders and nothing is written.
			return event.isQuiet && isSameScreen(state, next) ? state : next;
		}

		case 'load-failed': {
			return {...state, notice: `Refresh failed: ${event.message}`};
		}

		case 'viewport-resized': {
			const height = Math.max(1, event.height);
			const width = event.width ?? state.width;
			if (height === state.viewportHeight && width === state.width) {
				return state;
			}

			const list = selectRows(state);
			return {
				...state,
				width,
				viewportHeight: height,
				scrollOffset: clampOffset(state.scrollOffset, selectedIndex(state, list), list.rows.length, height),
			};
		}

		case 'key-pressed': {
			// The open filter line takes text: j, k, q and s are letters of the query then.
			if (state.isFilterOpen && isTyping(event.input, event.key)) {
				return setFilterQuery(state, state.filterQuery + event.input);
			}

			// The signal-entry line of an action dialog takes text the same way.
			const typed = typeIntoDialog(state.actions, event.input, event.key);
			if (typed !== undefined) {
				return {...state, actions: typed};
			}

			const command = commandFor(event.input, event.key, keyContextOf(state));
			return command === undefined ? state : runCommand(state, command);
		}

		case 'command': {
			return runCommand(state, event.command);
		}

		case 'action-event': {
			return {...state, actions: actionEventArrived(state.actions, event.event)};
		}
	}
}
