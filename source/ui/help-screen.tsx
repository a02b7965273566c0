// The help screen, generated from the key table the key hook uses.
import {Box, Text} from 'ink';
import {fitToWidth} from '../model/format.js';
import {helpLines} from './keymap.js';

export type HelpScreenProps = {
	readonly width: number;
	readonly height: number;
};

export function HelpScreen({width, height}: HelpScreenProps) {
	const lines = helpLines();
	const keysWidth = Math.max(...lines.map(line => line.keys.length)) + 2;
	const text = [
		'Keys',
		...lines.map(line => `  ${fitToWidth(line.keys, keysWidth)}${line.help}`),
		'',
		'* marks the session sshtop runs in.  ? means unreadable (run as root to see it).',
	];
	return (
		<Box flexDirection='column'>
			{text.slice(0, height).map((line, index) => (
				// eslint-disable-next-line react/no-array-index-key -- static, positional lines.
				<Text key={index} wrap='truncate' bold={index === 0}>{fitToWidth(line, width)}</Text>
			))}
		</Box>
	);
}
