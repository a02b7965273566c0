// One line built cell by cell, with the spans (filter matches, health colours) carried along.
import {fitToWidth, truncateToWidth, type Alignment} from './format.js';

/**
How a span is drawn: `match` a filter match; `danger` (dead peer), `warning` (stalled) and
`faint` (unknown) for the health column.
*/
export type SpanStyle = 'match' | 'danger' | 'warning' | 'faint';

/** Characters `start` to `end` of a row's text to emphasise (string indices, not cells); a filter match when no style is given. */
export type TextSpan = readonly [start: number, end: number, style?: SpanStyle];

export type FormattedRow = {
	readonly text: string;
	/** Where the filter's matches landed in `text`, after fitting: only what is still visible. */
	readonly spans: readonly TextSpan[];
};

/** Ranges in the texts a row displays (see filter-text.ts): which field, which characters. */
export type RowHighlight = {readonly field: string; readonly start: number; readonly end: number};

function commonPrefixLength(a: string, b: string): number {
	let length = 0;
	while (length < a.length && length < b.length && a[length] === b[length]) {
		length++;
	}

	return length;
}

/** Builds one line cell by cell, carrying highlight ranges from each cell's text to the line. */
export class LineBuilder {
	text = '';
	spans: TextSpan[] = [];
	private hasCell = false;

	add(
		raw: string,
		ranges: readonly RowHighlight[] = [],
		fit?: {readonly width: number; readonly alignment: Alignment},
		style?: SpanStyle,
	): this {
		// Cells are separated by one space; the tree prefix already ends where the first cell starts.
		if (this.hasCell) {
			this.text += ' ';
		}

		this.hasCell = true;

		let shown = raw;
		let kept = raw.length;
		let padding = 0;
		if (fit !== undefined) {
			shown = fitToWidth(raw, fit.width, fit.alignment);
			const truncated = truncateToWidth(raw, fit.width);
			kept = truncated === raw ? raw.length : commonPrefixLength(raw, truncated);
			padding = fit.alignment === 'right' ? shown.length - truncated.length : 0;
		}

		const base = this.text.length + padding;
		if (style !== undefined && kept > 0) {
			this.spans.push([base, base + Math.min(kept, raw.length), style]);
		}

		for (const range of ranges) {
			const start = Math.max(0, range.start);
			const end = Math.min(kept, range.end);
			if (end > start) {
				this.spans.push([base + start, base + end]);
			}
		}

		this.text += shown;
		return this;
	}

	prefix(text: string): this {
		this.text += text;
		return this;
	}

	finish(width: number | undefined): FormattedRow {
		const text = fitLine(this.text, width);
		const kept = commonPrefixLength(this.text, text);
		const spans = this.spans
			.map(([start, end, style]): TextSpan => [start, Math.min(end, kept), style])
			.filter(([start, end]) => end > start);
		return {text, spans};
	}
}

/** A whole line: cut and padded to `width`, or trimmed when unlimited (a pipe). */
export function fitLine(line: string, width: number | undefined): string {
	return width === undefined ? line.trimEnd() : fitToWidth(line, width);
}
