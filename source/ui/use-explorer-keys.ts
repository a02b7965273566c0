// Passes key presses to the reducer, one per key. Holds no state and decides nothing:
// several keys can arrive in one stdin chunk (`jjj` typed fast or pasted), and the
// reducer resolves each against the key table with the state it has then, never a
// render's stale copy (after `?`, the next key in the chunk already sees the help open).
import {useCallback} from 'react';
import {useInput, type Key} from 'ink';
import type {ExplorerAction} from './state.js';

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

export function useExplorerKeys(dispatch: (action: ExplorerAction) => void): void {
	const handleInput = useCallback((input: string, key: Key) => {
		const characters = Array.from(input);
		if (characters.length > 1 && !key.ctrl && !key.meta) {
			for (const character of characters) {
				dispatch({type: 'key-pressed', input: character, key: keyForCharacter(character, key)});
			}

			return;
		}

		dispatch({type: 'key-pressed', input, key});
	}, [dispatch]);
	useInput(handleInput);
}
