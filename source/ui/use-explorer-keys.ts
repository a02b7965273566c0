// Maps key presses to reducer commands. Holds no state: several keys can arrive in one
// stdin chunk (`jjj` typed fast or pasted), and each is dispatched in turn for the
// reducer to apply to the state it has then, not to a render's stale copy.
import {useCallback} from 'react';
import {useInput, type Key} from 'ink';
import {commandFor} from './keymap.js';
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

export function useExplorerKeys(dispatch: (action: ExplorerAction) => void, onQuit: () => void): void {
	const handleInput = useCallback((input: string, key: Key) => {
		const isChunk = Array.from(input).length > 1 && !key.ctrl && !key.meta;
		const presses = isChunk ? Array.from(input).map(character => [character, keyForCharacter(character, key)] as const) : [[input, key] as const];
		for (const [character, pressed] of presses) {
			const command = commandFor(character, pressed);
			if (command === 'quit') {
				onQuit();
				return;
			}

			if (command !== undefined) {
				dispatch({type: 'command', command});
			}
		}
	}, [dispatch, onQuit]);
	useInput(handleInput);
}
