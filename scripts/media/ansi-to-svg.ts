// A terminal screen, as `tmux capture-pane -e` prints it (text with SGR escapes), turned into
// an SVG picture: a dark terminal background, one <text> per screen line, one <tspan> per run
// of cells in the same style, background rectangles where a run has a background colour.
// Pure: no I/O. Every character is placed on the cell grid (an x per character), so the
// picture keeps its columns whatever monospace font the viewer substitutes.
import stringWidth from 'string-width';

/** 0–255: the terminal palette (0–15 from the theme, 16–255 the xterm cube and greys); a string: `#rrggbb`. */
export type TerminalColor = number | `#${string}`;

export type CellStyle = {
	readonly foreground: TerminalColor | undefined;
	readonly background: TerminalColor | undefined;
	readonly isBold: boolean;
	readonly isFaint: boolean;
	readonly isItalic: boolean;
	readonly isUnderlined: boolean;
	readonly isInverse: boolean;
	readonly isHidden: boolean;
	readonly isStruckThrough: boolean;
};

export const plainStyle: CellStyle = {
	foreground: undefined,
	background: undefined,
	isBold: false,
	isFaint: false,
	isItalic: false,
	isUnderlined: false,
	isInverse: false,
	isHidden: false,
	isStruckThrough: false,
};

/** Cells of one line that share a style: `text` starts at `column` and covers `cells` columns. */
export type StyledRun = {
	readonly text: string;
	readonly column: number;
	readonly cells: number;
	readonly style: CellStyle;
};

export type TerminalTheme = {
	readonly background: `#${string}`;
	readonly foreground: `#${string}`;
	/** The 16 ANSI colours: black, red, green, yellow, blue, magenta, cyan, white, then the bright ones. */
	readonly palette: ReadonlyArray<`#${string}`>;
};

/** A dark theme (Tokyo Night's terminal colours). */
export const darkTheme: TerminalTheme = {
	background: '#1a1b26',
	foreground: '#c0caf5',
	palette: [
		'#15161e',
		'#f7768e',
		'#9ece6a',
		'#e0af68',
		'#7aa2f7',
		'#bb9af7',
		'#7dcfff',
		'#a9b1d6',
		'#414868',
		'#ff899d',
		'#9fe044',
		'#faba4a',
		'#8db0ff',
		'#c7a9ff',
		'#a4daff',
		'#c0caf5',
	],
};

const hexByte = (value: number) =>
	Math.max(0, Math.min(255, Math.round(value)))
		.toString(16)
		.padStart(2, '0');

/** `#rrggbb` of a palette entry or a direct colour. */
export function resolveColor(color: TerminalColor, theme: TerminalTheme = darkTheme): `#${string}` {
	if (typeof color === 'string') {
		return color;
	}

	if (color < 16) {
		return theme.palette[color] ?? theme.foreground;
	}

	if (color < 232) {
		// The 6×6×6 cube: levels 0, 95, 135, 175, 215, 255.
		const level = (step: number) => (step === 0 ? 0 : 55 + step * 40);
		const index = color - 16;
		return `#${hexByte(level(Math.floor(index / 36)))}${hexByte(level(Math.floor(index / 6) % 6))}${hexByte(level(index % 6))}`;
	}

	const grey = 8 + (color - 232) * 10;
	return `#${hexByte(grey)}${hexByte(grey)}${hexByte(grey)}`;
}

/**
 * Reads an extended colour (`5;N` or `2;R;G;B`) from `values`; returns it and how many values it
 * used. Colon forms put a colour-space id before R (`2::R:G:B`); the caller drops it.
 */
function extendedColor(values: readonly number[]): {readonly color: TerminalColor | undefined; readonly used: number} {
	const [mode, ...rest] = values;
	if (mode === 5) {
		const index = rest[0];
		return {color: index !== undefined && index >= 0 && index <= 255 ? index : undefined, used: 2};
	}

	if (mode === 2) {
		const [red, green, blue] = rest;
		if (red === undefined || green === undefined || blue === undefined) {
			return {color: undefined, used: 1 + rest.length};
		}

		return {color: `#${hexByte(red)}${hexByte(green)}${hexByte(blue)}`, used: 4};
	}

	return {color: undefined, used: 1};
}

/** The style after one SGR sequence (`ESC [ parameters m`), e.g. `1;38;5;208` or `4:3`. */
export function applySgr(style: CellStyle, parameters: string): CellStyle {
	const groups = parameters === '' ? [''] : parameters.split(';');
	let next: CellStyle = style;
	const set = (change: Partial<CellStyle>) => {
		next = {...next, ...change};
	};

	for (let index = 0; index < groups.length; index++) {
		const [head = '', ...sub] = groups[index]!.split(':');
		const code = head === '' ? 0 : Number(head);
		if (code === 38 || code === 48 || code === 58) {
			let color: TerminalColor | undefined;
			if (sub.length > 0) {
				// Colon form: everything is in this group. ISO 8613-6 puts a colour-space id before R.
				const values = sub.map(Number);
				const rgb = values[0] === 2 && values.length >= 5 ? [2, ...values.slice(-3)] : values;
				color = extendedColor(rgb).color;
			} else {
				const values = groups.slice(index + 1).map(Number);
				const read = extendedColor(values);
				color = read.color;
				index += read.used;
			}

			if (code === 38) {
				set({foreground: color});
			} else if (code === 48) {
				set({background: color});
			}

			continue;
		}

		switch (code) {
			case 0: {
				next = plainStyle;

				break;
			}

			case 1: {
				set({isBold: true});

				break;
			}

			case 2: {
				set({isFaint: true});

				break;
			}

			case 3: {
				set({isItalic: true});

				break;
			}

			case 4: {
				set({isUnderlined: sub[0] !== '0'});

				break;
			}

			case 7: {
				set({isInverse: true});

				break;
			}

			case 8: {
				set({isHidden: true});

				break;
			}

			case 9: {
				set({isStruckThrough: true});

				break;
			}

			case 21: {
				set({isUnderlined: true});

				break;
			}

			case 22: {
				set({isBold: false, isFaint: false});

				break;
			}

			case 23: {
				set({isItalic: false});

				break;
			}

			case 24: {
				set({isUnderlined: false});

				break;
			}

			case 27: {
				set({isInverse: false});

				break;
			}

			case 28: {
				set({isHidden: false});

				break;
			}

			case 29: {
				set({isStruckThrough: false});

				break;
			}

			default: {
				if (code >= 30 && code <= 37) {
					set({foreground: code - 30});
				} else if (code === 39) {
					set({foreground: undefined});
				} else if (code >= 40 && code <= 47) {
					set({background: code - 40});
				} else if (code === 49) {
					set({background: undefined});
				} else if (code >= 90 && code <= 97) {
					set({foreground: code - 90 + 8});
				} else if (code >= 100 && code <= 107) {
					set({background: code - 100 + 8});
				}
			}
		}
		// Anything else (blink, fonts, overline…) changes nothing a picture shows.
	}

	return next;
}

const sameStyle = (a: CellStyle, b: CellStyle) =>
	a.foreground === b.foreground &&
	a.background === b.background &&
	a.isBold === b.isBold &&
	a.isFaint === b.isFaint &&
	a.isItalic === b.isItalic &&
	a.isUnderlined === b.isUnderlined &&
	a.isInverse === b.isInverse &&
	a.isHidden === b.isHidden &&
	a.isStruckThrough === b.isStruckThrough;

// CSI (SGR when it ends in m), OSC (up to BEL or ST), or any other escape (ESC 7, ESC ( B…).

const escapeSequence =
	// eslint-disable-next-line no-control-regex -- escape sequences are what it parses.
	/\u001B\[([0-?]*)[ -/]*([@-~])|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)?|\u001B[ -/]*[0-~]?/gu;
// Characters XML 1.0 does not allow, and C1 controls: shown as U+FFFD.
// eslint-disable-next-line no-control-regex
const notXmlText = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|\p{Surrogate}/u;
const graphemes = new Intl.Segmenter('en', {granularity: 'grapheme'});

/** One line of captured screen text → style runs on the cell grid. Tabs go to the next multiple of 8. */
export function parseLine(
	line: string,
	initialStyle: CellStyle = plainStyle,
): {readonly runs: StyledRun[]; readonly style: CellStyle} {
	const runs: StyledRun[] = [];
	let style = initialStyle;
	let column = 0;
	let current: {text: string; column: number; cells: number; style: CellStyle} | undefined;
	const add = (text: string, cells: number) => {
		if (current !== undefined && sameStyle(current.style, style) && current.column + current.cells === column) {
			current.text += text;
			current.cells += cells;
		} else {
			current = {text, column, cells, style};
			runs.push(current);
		}

		column += cells;
	};

	const addText = (text: string) => {
		for (const {segment} of graphemes.segment(text)) {
			if (segment === '\t') {
				const cells = 8 - (column % 8);
				add(' '.repeat(cells), cells);
			} else if (notXmlText.test(segment)) {
				add('\uFFFD', 1);
			} else {
				const cells = stringWidth(segment);
				if (cells === 0 && current !== undefined && current.column + current.cells === column) {
					// A lone zero-width character (a combining mark after an escape, say) joins the cell before.
					current.text += segment;
				} else if (cells > 0) {
					add(segment, cells);
				}
			}
		}
	};

	let last = 0;
	for (const match of line.matchAll(escapeSequence)) {
		addText(line.slice(last, match.index));
		last = match.index + match[0].length;
		if (match[2] === 'm' && match[0].startsWith('\u001B[')) {
			style = applySgr(style, match[1] ?? '');
		}
	}

	addText(line.slice(last));
	return {runs, style};
}

export type SvgOptions = {
	readonly columns: number;
	readonly rows: number;
	/** Read by screen readers and shown as a tooltip. */
	readonly title?: string;
	readonly theme?: TerminalTheme;
	readonly cellWidth?: number;
	readonly cellHeight?: number;
	readonly fontSize?: number;
	readonly padding?: number;
};

/** Text content and attribute values, safe in XML. */
export function escapeXml(text: string): string {
	return text
		.replaceAll('&', '&amp;')
		.replaceAll('<', '&lt;')
		.replaceAll('>', '&gt;')
		.replaceAll('"', '&quot;')
		.replaceAll("'", '&apos;');
}

const number = (value: number) => String(Math.round(value * 100) / 100);

type ResolvedRun = StyledRun & {readonly fill: `#${string}`; readonly backgroundFill: `#${string}` | undefined};

function resolveRun(run: StyledRun, theme: TerminalTheme): ResolvedRun {
	const {style} = run;
	let foreground = style.foreground === undefined ? theme.foreground : resolveColor(style.foreground, theme);
	let background = style.background === undefined ? undefined : resolveColor(style.background, theme);
	if (style.isInverse) {
		[foreground, background] = [background ?? theme.background, foreground];
	}

	return {...run, fill: foreground, backgroundFill: background};
}

/** The part of a run that fits left of `columns` (a wide character that would straddle it is dropped). */
function clipRun(run: StyledRun, columns: number): StyledRun {
	if (run.column + run.cells <= columns) {
		return run;
	}

	let text = '';
	let cells = 0;
	for (const {segment} of graphemes.segment(run.text)) {
		const width = Math.max(1, stringWidth(segment));
		if (run.column + cells + width > columns) {
			break;
		}

		text += segment;
		cells += width;
	}

	return {...run, text, cells};
}

/** X of every character of a run: one per grapheme, so wide characters take two cells. */
function characterPositions(run: StyledRun, left: number, cellWidth: number): string | undefined {
	const positions: string[] = [];
	let {column} = run;
	for (const {segment} of graphemes.segment(run.text)) {
		// A grapheme of several code points cannot take one x per code point; place the run by its start.
		if ([...segment].length > 1 || segment.length > 1) {
			return undefined;
		}

		positions.push(number(left + column * cellWidth));
		column += Math.max(1, stringWidth(segment));
	}

	return positions.join(' ');
}

/** The captured screen as an SVG document. `screen` is the capture, lines separated by \n. */
export function screenToSvg(screen: string, options: SvgOptions): string {
	const {
		columns,
		rows,
		title,
		theme = darkTheme,
		cellWidth = 8.4,
		cellHeight = 17,
		fontSize = 14,
		padding = 12,
	} = options;
	const width = columns * cellWidth + 2 * padding;
	const height = rows * cellHeight + 2 * padding;
	const backgrounds: string[] = [];
	const texts: string[] = [];
	let style = plainStyle;
	for (const [row, line] of screen.split('\n').slice(0, rows).entries()) {
		const parsed = parseLine(line, style);
		style = parsed.style;
		const top = padding + row * cellHeight;
		const baseline = top + cellHeight * 0.76;
		const spans: string[] = [];
		for (const run of parsed.runs.map(run => resolveRun(clipRun(run, columns), theme)).filter(run => run.cells > 0)) {
			const x = padding + run.column * cellWidth;
			if (run.backgroundFill !== undefined) {
				backgrounds.push(
					`<rect x="${number(x)}" y="${number(top)}" width="${number(run.cells * cellWidth)}" height="${number(cellHeight)}" fill="${run.backgroundFill}"/>`,
				);
			}

			const {style: runStyle} = run;
			const decorations = [
				runStyle.isUnderlined ? 'underline' : '',
				runStyle.isStruckThrough ? 'line-through' : '',
			].filter(Boolean);
			if (runStyle.isHidden || (run.text.trim() === '' && decorations.length === 0)) {
				continue;
			}

			const attributes = [
				`x="${characterPositions(run, padding, cellWidth) ?? number(x)}"`,
				run.fill === theme.foreground ? '' : `fill="${run.fill}"`,
				runStyle.isBold ? 'font-weight="bold"' : '',
				runStyle.isFaint ? 'fill-opacity="0.6"' : '',
				runStyle.isItalic ? 'font-style="italic"' : '',
				decorations.length > 0 ? `text-decoration="${decorations.join(' ')}"` : '',
			].filter(Boolean);
			spans.push(`<tspan ${attributes.join(' ')}>${escapeXml(run.text)}</tspan>`);
		}

		if (spans.length > 0) {
			texts.push(`<text y="${number(baseline)}" xml:space="preserve">${spans.join('')}</text>`);
		}
	}

	const label = title === undefined ? '' : `<title>${escapeXml(title)}</title>`;
	return [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${number(width)}" height="${number(height)}" viewBox="0 0 ${number(width)} ${number(height)}" role="img"${title === undefined ? '' : ` aria-label="${escapeXml(title)}"`}>`,
		label,
		`<rect width="100%" height="100%" rx="6" fill="${theme.background}"/>`,
		...backgrounds,
		`<g font-family="'DejaVu Sans Mono', Menlo, 'SF Mono', Consolas, 'Liberation Mono', monospace" font-size="${fontSize}" fill="${theme.foreground}">`,
		...texts,
		'</g>',
		'</svg>',
		'',
	]
		.filter(Boolean)
		.join('\n');
}
