// One line of the tree. The text is already formatted, sanitised and fitted to the width,
// so a row re-renders only when its text, selection or tone changes.
import {memo} from 'react';
import {Text} from 'ink';

export type RowTone = 'plain' | 'own' | 'listener' | 'title';

export type TreeRowProps = {
	readonly text: string;
	readonly isSelected: boolean;
	readonly tone: RowTone;
	readonly color: boolean;
};

// The selection bar is written as SGR 7 directly rather than through Ink's `inverse`: chalk
// drops every attribute when it thinks the terminal has no colour (TERM=dumb, some
// multiplexers), and a cursor nobody can see is worse than no colour. Inverse is not a
// colour, so NO_COLOR keeps it.
const inverse = (text: string) => `\u001B[7m${text}\u001B[27m`;

export const TreeRowLine = memo(({text, isSelected, tone, color}: TreeRowProps) => (
	<Text
		wrap='truncate'
		bold={tone === 'listener' || tone === 'title'}
		color={color && tone === 'own' ? 'cyan' : undefined}
	>
		{isSelected ? inverse(text) : text}
	</Text>
));
TreeRowLine.displayName = 'TreeRowLine';
