// The scrolling tree: renders only the rows inside the viewport, so ten thousand
// processes cost what the screen can show.
import {useMemo} from 'react';
import {Box, Text} from 'ink';
import {formatTitleLine, type ColumnLayout, type RowContext} from '../model/view/columns.js';
import type {FilterResult} from '../model/filter/apply-filter.js';
import {fitToWidth} from '../model/view/format.js';
import type {RowList, TreeRow} from '../model/view/rows.js';
import type {ProcessId} from '../model/types.js';
import {TreeRowLine, type RowTone} from './tree-row.js';
import {visibleRows, type VisibleRowsInput} from './state/visible-rows.js';

export type TreeViewProps = {
	readonly list: RowList;
	readonly layout: ColumnLayout;
	readonly context: RowContext;
	readonly scrollOffset: number;
	readonly height: number;
	readonly selectedId: ProcessId | undefined;
	readonly hasColor: boolean;
	readonly width: number;
	/** The filter in force: its matches are emphasised, rows shown only as context are faint. */
	readonly filter?: FilterResult | undefined;
	/** What to say when there are no rows. */
	readonly emptyText?: string;
	/** Rows tagged for an action: marked with `+` after their tree glyph. */
	readonly taggedIds?: ReadonlySet<ProcessId>;
	/** The explorer's render cache, where formatted lines are kept. */
	readonly cache: VisibleRowsInput['cache'];
};

const noTags: ReadonlySet<ProcessId> = new Set();

function toneOf(row: TreeRow): RowTone {
	// Headings: a listener, and the group of what outlived its session.
	if (row.kind === 'listener' || row.kind === 'leftover-group') {
		return 'listener';
	}

	return row.kind === 'session' && row.session.isOwnChain ? 'own' : 'plain';
}

export function TreeView({
	list,
	layout,
	context,
	scrollOffset,
	height,
	selectedId,
	hasColor,
	width,
	filter,
	emptyText = 'No SSH sessions.',
	taggedIds = noTags,
	cache,
}: TreeViewProps) {
	// Only the rows in view are formatted; moving the cursor changes none of them.
	const visible = useMemo(
		() => visibleRows({list, layout, context, scrollOffset, height, filter, taggedIds, cache}),
		[list, scrollOffset, height, layout, context, filter, taggedIds, cache],
	);
	if (list.rows.length === 0) {
		return <Text wrap="truncate">{fitToWidth(emptyText, width)}</Text>;
	}

	return (
		<Box flexDirection="column">
			<TreeRowLine text={formatTitleLine(layout)} isSelected={false} tone="title" hasColor={hasColor} />
			{visible.map(({row, formatted, isDimmed}) => (
				<TreeRowLine
					key={row.id}
					text={formatted.text}
					spans={formatted.spans}
					isDimmed={isDimmed}
					isSelected={row.id === selectedId}
					tone={toneOf(row)}
					hasColor={hasColor}
				/>
			))}
		</Box>
	);
}
