// The last action results, newest last, and the one-line status of the latest action.
import {memo} from 'react';
import {Box, Text} from 'ink';
import {type ConnectionOutcome, resultLabels, type TargetResultKind} from '../model/guard/results.js';
import {fitToWidth} from '../model/view/format.js';
import type {HistoryEntry} from './state/action-state.js';

export const historyPaneHeight = 6;

// In a list of mixed actions, "changed" alone would not say what changed.
const kindLabels: Readonly<Record<TargetResultKind | ConnectionOutcome, string>> = {
	...resultLabels,
	changed: 'process changed',
	closed: 'connection closed',
	'still-connected': 'STILL CONNECTED',
};

function clock(at: number): string {
	const date = new Date(at);
	return [date.getHours(), date.getMinutes(), date.getSeconds()].map(part => String(part).padStart(2, '0')).join(':');
}

export function historyLines(history: readonly HistoryEntry[], height: number): string[] {
	const title = `History (${history.length}; H hides)`;
	const entries = history
		.slice(-(height - 1))
		.map(
			entry => `  ${clock(entry.at)} ${entry.signal.padEnd(8)} ${kindLabels[entry.kind].padEnd(17)} ${entry.sentence}`,
		);
	return [title, ...(entries.length === 0 ? ['  No actions yet.'] : entries)];
}

export type HistoryPaneProps = {
	readonly history: readonly HistoryEntry[];
	readonly width: number;
};

export const HistoryPane = memo(({history, width}: HistoryPaneProps) => {
	const lines = historyLines(history, historyPaneHeight);
	return (
		<Box flexDirection="column" height={historyPaneHeight}>
			{lines.map((line, index) => (
				// eslint-disable-next-line react/no-array-index-key -- positional lines.
				<Text key={index} wrap="truncate" bold={index === 0}>
					{fitToWidth(line, width)}
				</Text>
			))}
		</Box>
	);
});
HistoryPane.displayName = 'HistoryPane';

export const StatusLine = memo(({text, width}: {readonly text: string; readonly width: number}) => (
	<Text wrap="truncate">{fitToWidth(text, width)}</Text>
));
StatusLine.displayName = 'StatusLine';
