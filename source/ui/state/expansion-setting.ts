// How sessions open: the setting (`--expand`, the preferences, the setup screen) as an expansion
// policy, and `auto`, which opens sessions only while all of them fit.
import type {ExpansionSetting} from '../../model/view/preferences.js';
import {initialExpansion, type Expansion, type ExpansionPolicy} from '../../model/view/rows.js';
import {withExpansion} from './tree-viewport.js';
import {selectRows} from './view.js';
import type {ExplorerState} from './types.js';

const policies: Readonly<Record<ExpansionSetting, ExpansionPolicy>> = {
	auto: 'foreground-path',
	foreground: 'foreground-path',
	collapsed: 'none',
	all: 'all',
};

export function expansionOf(setting: ExpansionSetting): Expansion {
	return {...initialExpansion, policy: policies[setting]};
}

/**
`--expand auto`: sessions open down to their foreground commands while all their rows fit the
tree's rows, closed when they would not. The operator's own choices (overrides) are kept. Asked
again only when what it depends on changed since `before`: a quiet refresh keeps its sessions.
*/
export function withAutoExpansion(state: ExplorerState, before?: ExplorerState): ExplorerState {
	if (!state.isExpansionAuto || state.report === undefined) {
		return state;
	}

	if (
		before?.report?.sessions === state.report.sessions &&
		before.viewportHeight === state.viewportHeight &&
		before.expansion === state.expansion
	) {
		return state;
	}

	// While open, the rows on screen are the open rows: no second derivation.
	const open =
		state.expansion.policy === 'foreground-path'
			? state.expansion
			: {...state.expansion, policy: 'foreground-path' as const};
	const fits = selectRows({...state, expansion: open}).rows.length <= state.viewportHeight;
	const policy = fits ? 'foreground-path' : 'none';
	return policy === state.expansion.policy ? state : withExpansion(state, {...state.expansion, policy});
}

/** The setup screen's choice: applied at once, the operator's own opening and closing forgotten. */
export function withExpansionSetting(state: ExplorerState, setting: ExpansionSetting): ExplorerState {
	const changed = {...state, expansionSetting: setting, isExpansionAuto: setting === 'auto'};
	return withAutoExpansion(withExpansion(changed, expansionOf(setting)));
}
