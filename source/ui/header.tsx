import {memo} from 'react';
import {Box, Text} from 'ink';
import {truncateToWidth} from '../model/view/format.js';

export type HeaderProps = {
	readonly lines: readonly string[];
	readonly width: number;
};

export const Header = memo(({lines, width}: HeaderProps) => (
	<Box flexDirection="column">
		{lines.map((line, index) => (
			// Cut to the width, not padded to it: Ink draws every cell of a line on each frame.
			// eslint-disable-next-line react/no-array-index-key -- the header's lines are positional.
			<Text key={index} wrap="truncate" bold={index === 0}>
				{truncateToWidth(line, width)}
			</Text>
		))}
	</Box>
));
Header.displayName = 'Header';
