// A titled window onto lines of text that do not fit: the help and the detail pane. The reducer
// keeps the offset; this clamps it to the text, so a pane never scrolls past its last line.
import {Box, Text} from 'ink';
import {fitToWidth} from '../model/view/format.js';

export type ScrollPaneProps = {
	readonly title: string;
	readonly lines: readonly string[];
	readonly width: number;
	/** Lines for the title and the text. */
	readonly height: number;
	/** The first line of text shown. */
	readonly offset: number;
};

export function ScrollPane({title, lines, width, height, offset}: ScrollPaneProps) {
	const room = Math.max(1, height - 1);
	const first = Math.max(0, Math.min(offset, lines.length - room));
	const shown = lines.slice(first, first + room);
	const position =
		lines.length <= room ? '' : `  (lines ${first + 1}–${first + shown.length} of ${lines.length}, ↑↓ PgUp PgDn)`;
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate">
				{fitToWidth(`${title}${position}`, width)}
			</Text>
			{shown.map((line, index) => (
				// eslint-disable-next-line react/no-array-index-key -- positional lines of a text.
				<Text key={first + index} wrap="truncate">
					{fitToWidth(line, width)}
				</Text>
			))}
		</Box>
	);
}
