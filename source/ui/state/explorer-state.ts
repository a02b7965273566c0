// The explorer's reducer (the ink-ui select split: the state is pure, the key hook only dispatches,
// the views only render). Each part of the state has its own module: the tree viewport, the filter
// line, the commands, the action dialogs (action-state.ts); this one routes events to them.
import {unknownCpuUsage} from '../../model/view/cpu.js';
import {defaultViewOptions} from '../../model/view/session-view.js';
import {commandFor} from '../keys/keymap.js';
import {actionEventArrived, createActionsState, pruneTags, typeIntoDialog, withoutStatus} from './action-state.js';
import {setSearchQuery} from './search-line.js';
import {runCommand} from './commands.js';
import {filterExpansionDefault, isTyping, setFilterQuery} from './filter-line.js';
import {keyContextOf} from './key-context.js';
import {createRenderCache} from './render-cache.js';
import {isSameScreen} from './screen-key.js';
import {clampOffset, followConnection, forgetGoneProcesses, reselect, selectedIndex} from './tree-viewport.js';
import {expansionOf, withAutoExpansion} from './expansion-setting.js';
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
		expansion: expansionOf(initial.expansion ?? 'auto'),
		isExpansionAuto: (initial.expansion ?? 'auto') === 'auto',
		columns: initial.columns,
		expansionSetting: initial.expansion ?? 'auto',
		intervalSeconds: initial.intervalSeconds ?? 2,
		isSetupOpen: false,
		setupCursor: 0,
		selection: undefined,
		scrollOffset: 0,
		viewportHeight: Math.max(1, viewportHeight),
		isPaused: false,
		isHelpOpen: false,
		notice: undefined,
		repaintRequests: 0,
		hasQuit: false,
		filterQuery: initial.filterQuery ?? '',
		isFilterOpen: false,
		filterExpansion: filterExpansionDefault,
		searchQuery: '',
		isSearchOpen: false,
		searchOrigin: undefined,
		searchMatchCount: undefined,
		isDetailOpen: false,
		paneOffset: 0,
		paneLineCount: 0,
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

/** The state without its footer notice and, unless an action is under way, without the action status. */
function withoutNotices(state: ExplorerState): ExplorerState {
	const actions = state.actions.request === undefined ? withoutStatus(state.actions) : state.actions;
	return state.notice === undefined && actions === state.actions ? state : {...state, notice: undefined, actions};
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
			const next = withAutoExpansion(
				reselect(followConnection(arrived, state.report), previous, selectRows(arrived)),
				state,
			);
			// Same screen: keep the state, so nothing re-renders and nothing is written.
			return event.isQuiet && isSameScreen(state, next) ? state : next;
		}

		case 'load-failed': {
			return {...state, notice: `Refresh failed: ${event.message}`};
		}

		case 'pane-measured': {
			if (event.lineCount === state.paneLineCount) {
				return state;
			}

			// Keys pressed before the pane was measured may have scrolled past its end.
			const last = Math.max(0, event.lineCount - state.viewportHeight);
			return {...state, paneLineCount: event.lineCount, paneOffset: Math.min(state.paneOffset, last)};
		}

		case 'notices-expired': {
			const notice = state.notice === event.notice ? undefined : state.notice;
			const actions =
				state.actions.status === event.status && state.actions.request === undefined
					? withoutStatus(state.actions)
					: state.actions;
			return notice === state.notice && actions === state.actions ? state : {...state, notice, actions};
		}

		case 'viewport-resized': {
			const height = Math.max(1, event.height);
			const width = event.width ?? state.width;
			if (height === state.viewportHeight && width === state.width) {
				return state;
			}

			const list = selectRows(state);
			return withAutoExpansion(
				{
					...state,
					width,
					viewportHeight: height,
					scrollOffset: clampOffset(state.scrollOffset, selectedIndex(state, list), list.rows.length, height),
				},
				state,
			);
		}

		case 'key-pressed': {
			// A notice says what happened before this key; after it, it would be stale.
			const pressed = withoutNotices(state);
			// The open filter and search lines take text: k, q and s are letters of the query then.
			if (pressed.isFilterOpen && isTyping(event.input, event.key)) {
				return setFilterQuery(pressed, pressed.filterQuery + event.input);
			}

			if (pressed.isSearchOpen && isTyping(event.input, event.key)) {
				return setSearchQuery(pressed, pressed.searchQuery + event.input);
			}

			// The signal-entry line of an action dialog takes text the same way.
			const typed = typeIntoDialog(pressed.actions, event.input, event.key);
			if (typed !== undefined) {
				return {...pressed, actions: typed};
			}

			const command = commandFor(event.input, event.key, keyContextOf(pressed));
			return command === undefined ? pressed : runCommand(pressed, command);
		}

		case 'command': {
			return runCommand(state, event.command);
		}

		case 'action-event': {
			return {...state, actions: actionEventArrived(state.actions, event.event)};
		}
	}
}
