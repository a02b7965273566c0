// One line of the tree. The text is already formatted, sanitised and fitted to the width,
// so a row re-renders only when its text, selection, tone or emphasis changes.
import {memo} from 'react';
import {Text} from 'ink';
import type {SpanStyle, TextSpan} from '../model/view/columns.js';

export type RowTone = 'plain' | 'own' | 'listener' | 'title';

export type TreeRowProps = {
	readonly text: string;
	readonly isSelected: boolean;
	readonly tone: RowTone;
	readonly hasColor: boolean;
	/** Shown only as the path to a filter match: drawn faint. */
	readonly isDimmed?: boolean;
	/** Filter matches inside `text`, in order and not overlapping. */
	readonly spans?: readonly TextSpan[];
};

// The selection bar, the matches and the faint context rows are written as SGR directly rather
// than through Ink's props: chalk drops every attribute when it thinks the terminal has no
// colour (TERM=dumb, some multiplexers), and a cursor or a match nobody can see is worse than
// no colour. Inverse, bold, underline and faint are not colours, so NO_COLOR keeps them; with
// colour a match is also yellow, a dead connection red and a stalled one yellow.
const inverse = (text: string) => `\u001B[7m${text}\u001B[27m`;
const faint = '\u001B[2m';
const faintEnd = '\u001B[22m';

/** SGR to open each span style; closing resets bold/faint, underline and colour. */
function opening(style: SpanStyle, color: boolean): string {
	switch (style) {
		case 'match': {
			return color ? '\u001B[1;4;33m' : '\u001B[1;4m';
		}

		case 'danger': {
			return color ? '\u001B[1;31m' : '\u001B[1m';
		}

		case 'warning': {
			return color ? '\u001B[1;33m' : '\u001B[1m';
		}

		case 'faint': {
			return faint;
		}
	}
}

function emphasise(text: string, spans: readonly TextSpan[], tone: RowTone, color: boolean, isDimmed: boolean): string {
	if (spans.length === 0) {
		return isDimmed ? `${faint}${text}${faintEnd}` : text;
	}

	// Closing a span resets what spans set: put back what the row itself had.
	const close = `\u001B[22;24${color ? ';39' : ''}m${isDimmed ? faint : ''}${color && tone === 'own' ? '\u001B[36m' : ''}`;
	let result = isDimmed ? faint : '';
	let position = 0;
	for (const [start, end, style = 'match'] of spans.toSorted((a, b) => a[0] - b[0])) {
		// Spans never overlap in practice (a match is never in the health column); skip any that would.
		if (start < position) {
			continue;
		}

		result += text.slice(position, start) + opening(style, color) + text.slice(start, end) + close;
		position = end;
	}

	return result + text.slice(position) + (isDimmed ? faintEnd : '');
}

export const TreeRowLine = memo(
	({text, isSelected, tone, hasColor, isDimmed = false, spans = []}: TreeRowProps) => {
		// Rows come padded to the width. Ink draws every cell of every line on each frame, so the
		// padding would cost as much as the text; only the selection bar needs it, to be full width.
		const body = isSelected ? text : text.trimEnd();
		const shown = emphasise(
			body,
			body === text ? spans : spans.filter(([start]) => start < body.length),
			tone,
			hasColor,
			isDimmed,
		);
		return (
			<Text
				wrap="truncate"
				bold={tone === 'listener' || tone === 'title'}
				color={hasColor && tone === 'own' ? 'cyan' : undefined}
			>
				{isSelected ? inverse(shown) : shown}
			</Text>
		);
	},
	(before, after) =>
		before.text === after.text &&
		before.isSelected === after.isSelected &&
		before.tone === after.tone &&
		before.hasColor === after.hasColor &&
		before.isDimmed === after.isDimmed &&
		sameSpans(before.spans, after.spans),
);
TreeRowLine.displayName = 'TreeRowLine';

/** Spans are rebuilt whenever the rows in view are formatted again (a scroll): compare what they say. */
function sameSpans(a: readonly TextSpan[] = [], b: readonly TextSpan[] = []): boolean {
	return (
		a === b ||
		(a.length === b.length &&
			a.every((span, index) => {
				const other = b[index]!;
				return span[0] === other[0] && span[1] === other[1] && span[2] === other[2];
			}))
	);
}
