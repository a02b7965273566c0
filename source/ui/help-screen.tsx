// The help screen, generated from the key table the key hook uses. When the bindings do not
// fit the height, they flow into as many columns as needed (the frame must never grow past
// the terminal).
import {Box, Text} from 'ink';
import {fitToWidth} from '../model/view/format.js';
import {helpLines} from './keys/keymap.js';

export type HelpScreenProps = {
	readonly width: number;
	readonly height: number;
};

/** What the marks and figures in the tree mean, below the keys. */
export const helpNotes: readonly string[] = [
	'* marks the session sshtop runs in and every session it was opened from.  ? means unreadable (run as root to see it).',
	"[orphaned]: the connection's monitor is gone, its user side still holds it.  [unverified]: its sshd could not be checked.  [your outer hop]: your session was opened from it.",
	"IDLE 5m~: no terminal to watch, so idle is the time since the session's channels last carried data (its commands' I/O, a forward); keepalives do not count.",
	'HEALTH: ok · STALL the client stopped reading · DEAD the peer stopped acknowledging, or the connection is closing · ? unknown. The footer says why for the selected session.',
	'left behind: processes still running after their SSH connection ended, with where they came from (reading that needs root).',
];

/** Narrowest a column of keys may get before the notes give way to fewer columns. */
const minimumColumnWidth = 45;

export function HelpScreen({width, height}: HelpScreenProps) {
	const lines = helpLines();
	// Rows for the keys: what is left after the title and the notes, at least a few. When that
	// would squeeze the keys into narrow columns, the last notes give way (the keys matter more).
	const columnsFor = (noteLines: number) => Math.max(1, Math.ceil(lines.length / Math.max(3, height - 1 - noteLines)));
	let shownNotes = helpNotes.length;
	while (
		shownNotes > 0 &&
		columnsFor(shownNotes + 1) > 1 &&
		Math.floor((width - 2) / columnsFor(shownNotes + 1)) < minimumColumnWidth
	) {
		shownNotes--;
	}

	const notes = shownNotes === 0 ? [] : ['', ...helpNotes.slice(0, shownNotes)];
	const columnCount = columnsFor(notes.length);
	const rowCount = Math.ceil(lines.length / columnCount);
	const columnWidth = Math.floor((width - 2) / columnCount);
	const columns = Array.from({length: columnCount}, (_, column) => {
		const entries = lines.slice(column * rowCount, (column + 1) * rowCount);
		const keysWidth = Math.max(...entries.map(line => line.keys.length)) + 2;
		return entries.map(line => fitToWidth(`${fitToWidth(line.keys, keysWidth)}${line.help}`, columnWidth - 1));
	});
	const rows = Array.from({length: rowCount}, (_, row) => `  ${columns.map(column => column[row] ?? '').join(' ')}`);
	const text = ['Keys', ...rows, ...notes];
	return (
		<Box flexDirection="column">
			{text.slice(0, height).map((line, index) => (
				// eslint-disable-next-line react/no-array-index-key -- static, positional lines.
				<Text key={index} wrap="truncate" bold={index === 0}>
					{fitToWidth(line, width)}
				</Text>
			))}
		</Box>
	);
}
