// Moving the explorer's cursor to a row a test finds on the screen.
import type {TmuxSession} from './tmux.js';
import {waitFor} from './wait-for.js';

/** The selection bar is drawn in inverse video. */
export const selectedRow = /\u001B\[(?:\d+;)*7m/u;

/**
 * Moves the cursor to the row `find` picks on the coloured screen. Rows can move between two
 * looks at the screen (a refresh re-sorts sessions by idle time), so it steps, waits for the
 * frame, looks again and corrects until the selection sits on the target.
 */
export async function moveSelectionTo(
	tmux: TmuxSession,
	find: (lines: readonly string[]) => number,
	what: string,
): Promise<void> {
	await waitFor(
		async () => {
			const lines = (await tmux.capturePane({colors: true})).split('\n');
			const target = find(lines);
			const current = lines.findIndex(line => selectedRow.test(line));
			if (target === -1 || current === -1) {
				return false;
			}

			if (target === current) {
				return true;
			}

			await tmux.sendKeys(
				...Array.from({length: Math.abs(target - current)}, () => (target > current ? 'Down' : 'Up')),
			);
			return false;
		},
		{description: `${what} to be selected`, timeoutMs: 20_000, intervalMs: 400},
	);
}
