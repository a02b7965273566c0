// Draws the whole frame again on a clean screen: after every change of the terminal's size (a
// terminal that reflowed or cut lines leaves stale text that Ink's line diff cannot know about)
// and whenever the count of requests grows (Ctrl-L).
import {useEffect, useRef} from 'react';
import {useStdout} from 'ink';
import type {TerminalSize} from './use-terminal-size.js';

const homeAndClear = '\u001B[H\u001B[2J';

export function useRepaint(size: TerminalSize, requests: number): void {
	// Ink's own write erases its frame, writes this, then writes the whole last frame again.
	const {write} = useStdout();
	const drawn = useRef({size, requests});
	useEffect(() => {
		const last = drawn.current;
		drawn.current = {size, requests};
		if (last.size !== size || last.requests !== requests) {
			write(homeAndClear);
		}
	}, [size, requests, write]);
}
