import {memo} from 'react';
import {Box, Text} from 'ink';
import {fitToWidth} from '../model/format.js';

export type HeaderProps = {
	readonly lines: readonly string[];
	readonly width: number;
};

export const Header = memo(({lines, width}: HeaderProps) => (
	<Box flexDirection='column'>
		{lines.map((line, index) => (
			// eslint-disable-next-line react/no-array-index-key -- the header's lines are positional.
			<Text key={index} wrap='truncate' bold={index === 0}>{fitToWidth(line, width)}</Text>
		))}
	</Box>
));
Header.displayName = 'Header';
