// Tells the app layer when the operator changed the sort, so the next start keeps it (the
// preferences file is written only then, never for a sort that came from a flag).
import {useEffect, useRef} from 'react';
import type {SortKey} from '../../model/view/sort.js';

export function useSortPersistence(
	sortKey: SortKey,
	isSortReversed: boolean,
	onChanged: ((sort: {readonly sortKey: SortKey; readonly isSortReversed: boolean}) => void) | undefined,
): void {
	const first = useRef({sortKey, isSortReversed});
	useEffect(() => {
		if (first.current.sortKey === sortKey && first.current.isSortReversed === isSortReversed) {
			return;
		}

		first.current = {sortKey, isSortReversed};
		onChanged?.({sortKey, isSortReversed});
	}, [sortKey, isSortReversed, onChanged]);
}
