// The scrolling tree: renders only the rows inside the viewport, so ten thousand
// processes cost what the screen can show.
import {useMemo} from 'react';
import {Box, Text} from 'ink';
import {formatRow, formatTitleLine, type ColumnLayout, type RowContext} from '../model/columns.js';
import {fitToWidth} from '../model/format.js';
import type {RowList, TreeRow} from '../model/rows.js';
import type {ProcessId} from '../model/types.js';
import {TreeRowLine, type RowTone} from './tree-row.js';

export type TreeViewProps = {
	readonly list: RowList;
	readonly layout: ColumnLayout;
	readonly context: RowContext;
	readonly scrollOffset: number;
	readonly height: number;
	readonly selectedId: ProcessId | undefined;
	readonly color: boolean;
	readonly width: number;
};

function toneOf(row: TreeRow): RowTone {
	if (row.kind === 'listener') {
		return 'listener';
	}

	return row.kind === 'session' && row.session.isOwn ? 'own' : 'plain';
}

export function TreeView({list, layout, context, scrollOffset, height, selectedId, color, width}: TreeViewProps) {
	const visible = useMemo(() => list.rows.slice(scrollOffset, scrollOffset + height), [list, scrollOffset, height]);
	if (list.rows.length === 0) {
		return <Text wrap='truncate'>{fitToWidth('No SSH sessions.', width)}</Text>;
	}

	return (
		<Box flexDirection='column'>
			<TreeRowLine text={formatTitleLine(layout)} isSelected={false} tone='title' color={color}/>
			{visible.map(row => (
				<TreeRowLine key={row.id} text={formatRow(row, layout, context)} isSelected={row.id === selectedId} tone={toneOf(row)} color={color}/>
			))}
		</Box>
	);
}
