// The explorer's state, held where every action can see the newest one: each action goes
// through explorerReducer at once, against the state as it is after the actions before it
// (several keys in one stdin chunk), and React hears only of actions that changed something.
// With useReducer, a quiet refresh that changes nothing would still re-render the root to find
// that out (React's eager bail-out applies only to an idle component); here it costs nothing.
import {useCallback, useRef, useState} from 'react';
import {explorerReducer, type ExplorerEvent, type ExplorerState} from '../state/explorer-state.js';

export function useExplorerState(initial: () => ExplorerState): [ExplorerState, (action: ExplorerEvent) => void] {
	const [state, setState] = useState(initial);
	const current = useRef(state);
	const dispatch = useCallback((action: ExplorerEvent) => {
		const next = explorerReducer(current.current, action);
		if (next !== current.current) {
			current.current = next;
			setState(next);
		}
	}, []);
	return [state, dispatch];
}
