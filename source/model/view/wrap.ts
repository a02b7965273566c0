// Word wrapping in terminal cells, for text that must be read whole on a narrow screen: help,
// the detail pane, the "terminal too small" message.
import {displayWidth, fitToWidth} from './format.js';

/**
Lines of at most `width` cells, broken at spaces; a word wider than a line is cut into pieces.
`indent` starts every line after the first (a hanging indent for a help entry's text).
*/
export function wrapText(text: string, width: number, indent = ''): string[] {
	if (width <= 0) {
		return [];
	}

	const lines: string[] = [];
	let line = '';
	const room = () => width - displayWidth(line);
	const lead = () => (lines.length === 0 ? '' : indent);
	for (const word of text.split(/ +/u).filter(Boolean)) {
		const separator = line === '' || line === lead() ? '' : ' ';
		if (displayWidth(separator + word) <= room()) {
			line += separator + word;
			continue;
		}

		if (line !== '' && line !== lead()) {
			lines.push(line);
			line = lead();
		}

		let rest = word;
		while (displayWidth(rest) > room()) {
			const piece = cutToWidth(rest, Math.max(1, room()));
			lines.push(line + piece);
			line = lead();
			rest = rest.slice(piece.length);
		}

		line += rest;
	}

	if (line !== '' && line !== lead()) {
		lines.push(line);
	}

	return lines.length === 0 ? [''] : lines;
}

/** The longest start of `text` that fits `width` cells (never splitting a character). */
function cutToWidth(text: string, width: number): string {
	let piece = '';
	for (const character of text) {
		if (displayWidth(piece + character) > width) {
			break;
		}

		piece += character;
	}

	// A character wider than the whole line still has to go somewhere.
	return piece === '' ? ([...text][0] ?? '') : piece;
}

/**
`  LABEL       value…`, the value wrapped under itself: the label column is `labelWidth` cells, and
a label as long as that pushes its first line right while wrapped lines still start at the column.
*/
export function wrapLabelled(label: string, value: string, width: number, labelWidth: number): string[] {
	const lead = `  ${displayWidth(label) < labelWidth ? fitToWidth(label, labelWidth) : `${label} `}`;
	const indent = ' '.repeat(labelWidth + 2);
	return wrapText(value, Math.max(1, width - displayWidth(lead))).map(
		(piece, index) => `${index === 0 ? lead : indent}${piece}`,
	);
}
