// Tells the app layer which preferences the operator changed in the explorer (sort, direction,
// interval, how sessions open, columns), so the next start keeps them. Only what was changed here
// is passed on: a value that came from a flag is never written to the file.
import {useEffect, useRef} from 'react';
import type {Preferences} from '../../model/view/preferences.js';

type Shown = Required<Pick<Preferences, 'sortKey' | 'isSortReversed' | 'intervalSeconds' | 'expansion'>> &
	Pick<Preferences, 'columns'>;

const keyOf = (value: unknown) => JSON.stringify(value ?? null);
const shownKeys: ReadonlyArray<keyof Shown> = ['sortKey', 'isSortReversed', 'intervalSeconds', 'expansion', 'columns'];

export function usePreferencePersistence(
	current: Shown,
	onChanged: ((changed: Preferences) => void) | undefined,
): void {
	const first = useRef(current);
	const changed = useRef(new Set<keyof Shown>());
	const {sortKey, isSortReversed, intervalSeconds, expansion, columns} = current;
	useEffect(() => {
		const now: Shown = {sortKey, isSortReversed, intervalSeconds, expansion, columns};
		for (const key of shownKeys) {
			if (keyOf(now[key]) !== keyOf(first.current[key])) {
				changed.current.add(key);
			}
		}

		// Once changed, a value is passed on every time, even when changed back to where it started.
		if (changed.current.size > 0) {
			onChanged?.(Object.fromEntries([...changed.current].map(key => [key, now[key]])));
		}
	}, [sortKey, isSortReversed, intervalSeconds, expansion, columns, onChanged]);
}
