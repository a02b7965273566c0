// Tagged rows: actions then apply to every one. Tags follow identity across refreshes.
import type {ProcessId, SessionReport} from '../../model/types.js';
import {isPickPresent, type RowPick} from '../../model/guard/row-plans.js';
import type {ActionsState} from './action-state.js';

/** The rows an action applies to: the tag set when there is one, else the selected row. */
export function picksFor(actions: ActionsState, selected: RowPick | undefined): RowPick[] {
	if (actions.tags.length > 0) {
		return [...actions.tags];
	}

	return selected === undefined ? [] : [selected];
}

export function toggleTag(actions: ActionsState, pick: RowPick): ActionsState {
	const isTagged = actions.tags.some(tag => tag.id === pick.id);
	return {...actions, tags: isTagged ? actions.tags.filter(tag => tag.id !== pick.id) : [...actions.tags, pick]};
}

/** Tags follow identity across refreshes: a tagged row that is gone is untagged. */
export function pruneTags(actions: ActionsState, report: SessionReport): ActionsState {
	if (actions.tags.length === 0) {
		return actions;
	}

	const tags = actions.tags.filter(tag => isPickPresent(report, tag));
	return tags.length === actions.tags.length ? actions : {...actions, tags};
}

export function taggedIds(actions: ActionsState): ReadonlySet<ProcessId> {
	return new Set(actions.tags.map(tag => tag.id));
}
