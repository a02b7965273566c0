// Passes key presses to the reducer, one per key. Holds no state and decides nothing:
// several keys can arrive in one stdin chunk (`jjj` typed fast or pasted), and the
// reducer resolves each against the key table with the state it has then, never a
// render's stale copy (after `?`, the next key in the chunk already sees the help open).
import {useCallback, useEffect} from 'react';
import {useInput, useStdin, type Key} from 'ink';
import type {ExplorerEvent} from '../state/explorer-state.js';

function keyForCharacter(character: string, key: Key): Key {
	return {
		...key,
		upArrow: false,
		downArrow: false,
		leftArrow: false,
		rightArrow: false,
		pageUp: false,
		pageDown: false,
		home: false,
		end: false,
		escape: false,
		return: character === '\r',
		shift: character !== character.toLowerCase(),
	};
}

const nothingFirst = () => undefined;

/** `beforeKey` runs before each key is dispatched (the explorer sends the newest report then). */
export function useExplorerKeys(dispatch: (action: ExplorerEvent) => void, beforeKey: () => void = nothingFirst): void {
	const handleInput = useCallback(
		(input: string, key: Key) => {
			beforeKey();
			const characters = [...input];
			if (characters.length > 1 && !key.ctrl && !key.meta) {
				for (const character of characters) {
					dispatch({type: 'key-pressed', input: character, key: keyForCharacter(character, key)});
				}

				return;
			}

			dispatch({type: 'key-pressed', input, key});
		},
		[dispatch, beforeKey],
	);
	useInput(handleInput);
	useFunctionKeys(dispatch, beforeKey);
}

// The function keys the key table names, as xterm and tmux, the Linux console and rxvt send them.
const functionKeySequences: ReadonlyMap<string, string> = new Map([
	['\u001BOP', 'F1'],
	['\u001B[[A', 'F1'],
	['\u001B[11~', 'F1'],
	['\u001BOQ', 'F2'],
	['\u001B[[B', 'F2'],
	['\u001B[12~', 'F2'],
	['\u001BOR', 'F3'],
	['\u001B[[C', 'F3'],
	['\u001B[13~', 'F3'],
	['\u001BOS', 'F4'],
	['\u001B[[D', 'F4'],
	['\u001B[14~', 'F4'],
	['\u001B[17~', 'F6'],
	['\u001B[20~', 'F9'],
	['\u001B[21~', 'F10'],
]);

/**
 * Ink's useInput gives every function key as an empty input with no flag set, so the few the
 * key table names (htop's F1–F10) are read from the raw key events and passed on as
 * their name: an input no typed text can produce, since typed text arrives one character at a time.
 */
function useFunctionKeys(dispatch: (action: ExplorerEvent) => void, beforeKey: () => void): void {
	const {internal_eventEmitter: events} = useStdin();
	useEffect(() => {
		const onInput = (data: unknown) => {
			const name = typeof data === 'string' ? functionKeySequences.get(data) : undefined;
			if (name !== undefined) {
				beforeKey();
				dispatch({type: 'key-pressed', input: name, key: keyForCharacter(name, noKey)});
			}
		};

		events.on('input', onInput);
		return () => {
			events.off('input', onInput);
		};
	}, [events, dispatch, beforeKey]);
}

/** A key event with no flag set: the base of every key built here and in tests. */
export const noKey: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};
