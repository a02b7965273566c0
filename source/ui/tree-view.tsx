// The scrolling tree: renders only the rows inside the viewport, so ten thousand
// processes cost what the screen can show.
import {useMemo} from 'react';
import {Box, Text} from 'ink';
import {formatRowWithSpans, formatTitleLine, type ColumnLayout, type FormattedRow, type RowContext, type RowHighlight} from '../model/columns.js';
import type {FilterResult} from '../model/filter.js';
import {fitToWidth} from '../model/format.js';
import {rowPrefix, type RowList, type TreeRow} from '../model/rows.js';
import {processId, type ProcessId, type ProcessNode, type Session} from '../model/types.js';
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
	/** The filter in force: its matches are emphasised, rows shown only as context are faint. */
	readonly filter?: FilterResult | undefined;
	/** What to say when there are no rows. */
	readonly emptyText?: string;
	/** Rows tagged for an action: marked with `+` after their tree glyph. */
	readonly taggedIds?: ReadonlySet<ProcessId>;
};

const noTags: ReadonlySet<ProcessId> = new Set();

/** Puts the tag mark in the space between a row's tree glyph and its text; the width stays. */
function markTagged(text: string, row: TreeRow): string {
	const position = rowPrefix(row).length - 1;
	return position < 0 || position >= text.length ? text : `${text.slice(0, position)}+${text.slice(position + 1)}`;
}

function toneOf(row: TreeRow): RowTone {
	// Headings: a listener, and the group of what outlived its session.
	if (row.kind === 'listener' || row.kind === 'leftover-group') {
		return 'listener';
	}

	return row.kind === 'session' && row.session.isOwn ? 'own' : 'plain';
}

/** Id of the session's foreground process, whose command the session row shows. */
function foregroundIdOf(session: Session): ProcessId | undefined {
	const foregroundPid = session.foreground?.pid;
	if (foregroundPid === undefined) {
		return undefined;
	}

	const pending: ProcessNode[] = [session.tree];
	for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
		if (node.process.pid === foregroundPid) {
			return processId(node.process);
		}

		pending.push(...node.children);
	}

	return undefined;
}

function highlightsOf(row: TreeRow, filter: FilterResult | undefined): readonly RowHighlight[] {
	if (filter === undefined || !filter.isFiltering) {
		return [];
	}

	if (row.kind === 'process') {
		return filter.processHighlights.get(row.id) ?? [];
	}

	if (row.kind === 'session') {
		const foregroundId = foregroundIdOf(row.session);
		const foreground = foregroundId === undefined ? [] : (filter.processHighlights.get(foregroundId) ?? []).filter(range => range.field === 'command');
		return [...(filter.sessionHighlights.get(row.id) ?? []), ...foreground];
	}

	return [];
}

function isContext(row: TreeRow, filter: FilterResult | undefined): boolean {
	if (filter === undefined || !filter.isFiltering) {
		return false;
	}

	if (row.kind === 'process') {
		return filter.processMarks.get(row.id) === 'context';
	}

	return row.kind === 'session' && filter.sessionMarks.get(row.id) === 'context';
}

type ShownRow = {readonly row: TreeRow; readonly formatted: FormattedRow; readonly isDimmed: boolean};

export function TreeView({list, layout, context, scrollOffset, height, selectedId, color, width, filter, emptyText = 'No SSH sessions.', taggedIds = noTags}: TreeViewProps) {
	// Only the rows in view are formatted; moving the cursor changes none of them.
	const visible = useMemo((): ShownRow[] => list.rows.slice(scrollOffset, scrollOffset + height).map(row => {
		const formatted = formatRowWithSpans(row, layout, context, highlightsOf(row, filter));
		return {
			row,
			formatted: taggedIds.has(row.id) ? {...formatted, text: markTagged(formatted.text, row)} : formatted,
			isDimmed: isContext(row, filter),
		};
	}), [list, scrollOffset, height, layout, context, filter, taggedIds]);
	if (list.rows.length === 0) {
		return <Text wrap='truncate'>{fitToWidth(emptyText, width)}</Text>;
	}

	return (
		<Box flexDirection='column'>
			<TreeRowLine text={formatTitleLine(layout)} isSelected={false} tone='title' color={color}/>
			{visible.map(({row, formatted, isDimmed}) => (
				<TreeRowLine
					key={row.id}
					text={formatted.text}
					spans={formatted.spans}
					isDimmed={isDimmed}
					isSelected={row.id === selectedId}
					tone={toneOf(row)}
					color={color}
				/>
			))}
		</Box>
	);
}
