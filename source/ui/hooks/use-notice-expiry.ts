// Notices and the action status say what just happened: about ten seconds later they go, so
// the footer never describes a state that has since moved on (a key press clears them sooner).
import {useEffect} from 'react';
import type {ExplorerEvent} from '../state/explorer-state.js';

export const noticeLifetimeMs = 10_000;

export function useNoticeExpiry(
	notice: string | undefined,
	status: string | undefined,
	dispatch: (event: ExplorerEvent) => void,
): void {
	useEffect(() => {
		if (notice === undefined && status === undefined) {
			return;
		}

		const timer = setTimeout(() => {
			dispatch({type: 'notices-expired', notice, status});
		}, noticeLifetimeMs);
		return () => {
			clearTimeout(timer);
		};
	}, [notice, status, dispatch]);
}
