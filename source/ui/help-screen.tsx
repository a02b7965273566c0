// The help screen, generated from the key table the key hook uses. When the bindings do not
// fit the height, they flow into as many columns as needed (the frame must never grow past
// the terminal).
import {Box, Text} from 'ink';
import {fitToWidth} from '../model/format.js';
import {helpLines} from './keymap.js';

export type HelpScreenProps = {
	readonly width: number;
	readonly height: number;
};

/** What the marks and figures in the tree mean, below the keys. */
export const helpNotes: readonly string[] = [
	'* marks the session sshtop runs in.  ? means unreadable (run as root to see it).',
];

export function HelpScreen({width, height}: HelpScreenProps) {
	const lines = helpLines();
	const notes = ['', ...helpNotes];
	// Rows for the keys: what is left after the title and the notes, at least a few.
	const rowsForKeys = Math.max(3, height - 1 - notes.length);
	const columnCount = Math.max(1, Math.ceil(lines.length / rowsForKeys));
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
		<Box flexDirection='column'>
			{text.slice(0, height).map((line, index) => (
				// eslint-disable-next-line react/no-array-index-key -- static, positional lines.
				<Text key={index} wrap='truncate' bold={index === 0}>{fitToWidth(line, width)}</Text>
			))}
		</Box>
	);
}
