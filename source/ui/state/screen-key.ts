// Whether a refresh would change the frame: everything a report can change on screen, as the
// text the view draws. A quiet refresh that changes nothing is dropped, so nothing re-renders.
import {formatTitleLine} from '../../model/view/columns.js';
import {summaryLines} from '../../model/view/summary.js';
import type {SessionReport} from '../../model/types.js';
import {taggedIds} from './action-state.js';
import {keyContextOf} from './key-context.js';
import {selectedIndex} from './tree-viewport.js';
import {selectView} from './view.js';
import {healthNoteOfRow, layoutOf, visibleRows} from './visible-rows.js';
import type {ExplorerState} from './types.js';

/**
Everything a report can change on screen, as text: the header's summary, the rows in view
exactly as drawn, and what the footer says about the selection. Two states with the same key
draw the same frame.
*/
function screenKey(state: ExplorerState, report: SessionReport, width: number): string {
	const {screenKeys} = state.renderCache;
	const cached = screenKeys.get(state);
	if (cached !== undefined) {
		return cached;
	}

	const {list, filter} = selectView(state);
	const index = selectedIndex(state, list);
	const parts = [
		...summaryLines(report, {
			isCoarse: true,
			isPaused: state.isPaused,
			sort: {key: state.sortKey, reverse: state.isSortReversed},
			lastFullScanAt: state.lastFullScanAt,
		}),
		`${list.rows.length} ${index} ${state.selection?.id} ${state.notice}`,
		healthNoteOfRow(index === undefined ? undefined : list.rows[index], report) ?? '',
		JSON.stringify(keyContextOf(state, list)),
		`${filter?.isFiltering ? filter.matchCount : ''} ${filter?.hint}`,
	];
	// Help and dialogs cover the tree: rows changing underneath them are not on screen.
	if (!state.isHelpOpen && state.actions.dialog === undefined) {
		const layout = layoutOf(report, width, state.renderCache, state.columns);
		parts.push(formatTitleLine(layout));
		const context = {usage: state.usage, now: report.takenAt, isIdleByMinute: true};
		const rows = visibleRows({
			list,
			layout,
			context,
			scrollOffset: state.scrollOffset,
			height: state.viewportHeight,
			filter,
			taggedIds: taggedIds(state.actions),
			cache: state.renderCache,
		});
		for (const {row, formatted, isDimmed} of rows) {
			parts.push(`${row.id} ${isDimmed} ${JSON.stringify(formatted.spans)} ${formatted.text}`);
		}
	}

	const key = parts.join('\n');
	screenKeys.set(state, key);
	return key;
}

/** Whether a refresh would leave the frame as it is (unknown before the first report and width). */
export function isSameScreen(shown: ExplorerState, next: ExplorerState): boolean {
	if (
		shown.report === undefined ||
		next.report === undefined ||
		shown.width === undefined ||
		shown.width !== next.width
	) {
		return false;
	}

	return screenKey(shown, shown.report, shown.width) === screenKey(next, next.report, next.width);
}
