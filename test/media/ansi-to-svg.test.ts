import {describe, expect, test} from 'vitest';
import {
	applySgr,
	darkTheme,
	escapeXml,
	parseLine,
	plainStyle,
	resolveColor,
	screenToSvg,
	type CellStyle,
} from '../../scripts/media/ansi-to-svg.js';

const esc = '\u001B';
const style = (change: Partial<CellStyle>): CellStyle => ({...plainStyle, ...change});
const runsOf = (line: string) =>
	parseLine(line).runs.map(({text, column, cells, style}) => ({text, column, cells, style}));

/** The <tspan> elements of an SVG, with their attributes and text. */
function tspans(svg: string): Array<{readonly attributes: string; readonly text: string}> {
	return [...svg.matchAll(/<tspan ([^>]*)>([^<]*)<\/tspan>/gu)].map(match => ({
		attributes: match[1]!,
		text: match[2]!,
	}));
}

describe('SGR sequences change the style of the cells after them', () => {
	test('bold, faint, italic, underline, inverse, strike-through, and each of them off again', () => {
		const on = applySgr(plainStyle, '1;2;3;4;7;9');
		expect(on).toEqual(
			style({isBold: true, isFaint: true, isItalic: true, isUnderlined: true, isInverse: true, isStruckThrough: true}),
		);
		expect(applySgr(on, '22;23;24;27;29')).toEqual(plainStyle);
	});

	test('an empty parameter list and 0 reset everything', () => {
		const busy = applySgr(plainStyle, '1;31;44');
		expect(applySgr(busy, '')).toEqual(plainStyle);
		expect(applySgr(busy, '0')).toEqual(plainStyle);
		expect(applySgr(busy, '0;7')).toEqual(style({isInverse: true}));
	});

	test('the 8 colours, their bright forms, and the defaults', () => {
		expect(applySgr(plainStyle, '31;42')).toEqual(style({foreground: 1, background: 2}));
		expect(applySgr(plainStyle, '96;103')).toEqual(style({foreground: 14, background: 11}));
		expect(applySgr(applySgr(plainStyle, '31;42'), '39;49')).toEqual(plainStyle);
	});

	test('256-colour and truecolour, with semicolons or colons', () => {
		expect(applySgr(plainStyle, '38;5;208')).toEqual(style({foreground: 208}));
		expect(applySgr(plainStyle, '48;2;10;20;255')).toEqual(style({background: '#0a14ff'}));
		expect(applySgr(plainStyle, '38:5:33')).toEqual(style({foreground: 33}));
		expect(applySgr(plainStyle, '38:2::255:128:0')).toEqual(style({foreground: '#ff8000'}));
		// What follows an extended colour is read as its own code again.
		expect(applySgr(plainStyle, '38;5;208;1')).toEqual(style({foreground: 208, isBold: true}));
		// An underline colour is consumed without changing the text colour.
		expect(applySgr(plainStyle, '58;5;9;32')).toEqual(style({foreground: 2}));
	});

	test('underline styles in colon form: 4:0 is off, others are on', () => {
		expect(applySgr(plainStyle, '4:3')).toEqual(style({isUnderlined: true}));
		expect(applySgr(style({isUnderlined: true}), '4:0')).toEqual(plainStyle);
	});

	test('palette entries resolve to the theme, the xterm cube and the grey ramp', () => {
		expect(resolveColor(1)).toBe(darkTheme.palette[1]);
		expect(resolveColor(16)).toBe('#000000');
		expect(resolveColor(196)).toBe('#ff0000');
		expect(resolveColor(231)).toBe('#ffffff');
		expect(resolveColor(232)).toBe('#080808');
		expect(resolveColor(255)).toBe('#eeeeee');
		expect(resolveColor('#123456')).toBe('#123456');
	});
});

describe('a captured line becomes style runs on the cell grid', () => {
	test('text between SGR sequences is one run per style, at its column', () => {
		expect(runsOf(`ab${esc}[1mcd${esc}[22mef`)).toEqual([
			{text: 'ab', column: 0, cells: 2, style: plainStyle},
			{text: 'cd', column: 2, cells: 2, style: style({isBold: true})},
			{text: 'ef', column: 4, cells: 2, style: plainStyle},
		]);
	});

	test('a sequence that changes nothing does not split a run', () => {
		expect(runsOf(`ab${esc}[39mcd`)).toEqual([{text: 'abcd', column: 0, cells: 4, style: plainStyle}]);
	});

	test('wide characters take two cells, and the next character starts after them', () => {
		expect(runsOf(`漢字${esc}[31mx`)).toEqual([
			{text: '漢字', column: 0, cells: 4, style: plainStyle},
			{text: 'x', column: 4, cells: 1, style: style({foreground: 1})},
		]);
	});

	test('box drawing and arrows are one cell each', () => {
		expect(runsOf('├─▾ ↑↓')[0]?.cells).toBe(6);
	});

	test('escape sequences other than SGR take no cells and change nothing: cursor moves, titles, bells', () => {
		expect(runsOf(`a${esc}[2J${esc}]0;title\u0007b${esc}]8;;https://x${esc}\\c${esc}7d`)).toEqual([
			{text: 'abcd', column: 0, cells: 4, style: plainStyle},
		]);
	});

	test('control characters XML cannot hold become U+FFFD; a tab moves to the next multiple of 8', () => {
		expect(runsOf('a\u0007b\u0000c\u009Bd\uD800')[0]?.text).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFD');
		expect(runsOf('ab\tc')[0]).toEqual({text: 'ab      c', column: 0, cells: 9, style: plainStyle});
	});

	test('the style carries over to the next line until it is reset', () => {
		const first = parseLine(`${esc}[1mbold`);
		expect(parseLine('still', first.style).runs[0]?.style).toEqual(style({isBold: true}));
	});
});

describe('the SVG', () => {
	const options = {columns: 10, rows: 3};

	test('is a whole terminal screen: columns × cells plus padding, a dark background', () => {
		const svg = screenToSvg('hi', {...options, cellWidth: 10, cellHeight: 20, padding: 5});
		expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="110" height="70" viewBox="0 0 110 70"/u);
		expect(svg).toContain(`<rect width="100%" height="100%" rx="6" fill="${darkTheme.background}"/>`);
		expect(svg).toContain('xml:space="preserve"');
	});

	test('places every character on the grid, wide ones two cells apart', () => {
		const [span] = tspans(screenToSvg('a漢b', {...options, cellWidth: 10, padding: 0}));
		expect(span).toEqual({attributes: 'x="0 10 30"', text: 'a漢b'});
	});

	test('a run starts at its column; blank runs without decoration draw no text', () => {
		const spans = tspans(screenToSvg(`ab   ${esc}[1mcd`, {...options, cellWidth: 10, padding: 0}));
		expect(spans).toEqual([
			{attributes: 'x="0 10 20 30 40"', text: 'ab   '},
			{attributes: 'x="50 60" font-weight="bold"', text: 'cd'},
		]);
		expect(tspans(screenToSvg(`${esc}[1m   `, options))).toEqual([]);
	});

	test('colours and attributes become fill, font-weight, font-style, opacity and decoration', () => {
		const spans = tspans(
			screenToSvg(`${esc}[31ma${esc}[0;1;3;4mb${esc}[0;2mc${esc}[0;38;2;1;2;3md`, {
				...options,
				cellWidth: 10,
				padding: 0,
			}),
		);
		expect(spans.map(span => span.attributes)).toEqual([
			`x="0" fill="${darkTheme.palette[1]}"`,
			'x="10" font-weight="bold" font-style="italic" text-decoration="underline"',
			'x="20" fill-opacity="0.6"',
			'x="30" fill="#010203"',
		]);
	});

	test('inverse video swaps the colours: a background rectangle in the text colour, text in the background colour', () => {
		const svg = screenToSvg(`x${esc}[7msel${esc}[27m`, {...options, cellWidth: 10, cellHeight: 20, padding: 0});
		expect(svg).toContain(`<rect x="10" y="0" width="30" height="20" fill="${darkTheme.foreground}"/>`);
		expect(tspans(svg)[1]).toEqual({attributes: `x="10 20 30" fill="${darkTheme.background}"`, text: 'sel'});
	});

	test('a background colour is a rectangle behind the run, even when the run is blank', () => {
		const svg = screenToSvg(`\n${esc}[44m  ${esc}[49m`, {...options, cellWidth: 10, cellHeight: 20, padding: 0});
		expect(svg).toContain(`<rect x="0" y="20" width="20" height="20" fill="${darkTheme.palette[4]}"/>`);
	});

	test('escapes <, & and > in text, and quotes in the title', () => {
		expect(escapeXml('<a href="x">&\'</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
		const svg = screenToSvg('<script>alert(1)</script> & ]]>', {columns: 40, rows: 1, title: 'a "title" <b>'});
		expect(svg).not.toContain('<script>');
		expect(tspans(svg)[0]?.text).toBe('&lt;script&gt;alert(1)&lt;/script&gt; &amp; ]]&gt;');
		expect(svg).toContain('<title>a &quot;title&quot; &lt;b&gt;</title>');
		expect(svg).toContain('aria-label="a &quot;title&quot; &lt;b&gt;"');
	});

	test('hostile text cannot end the document or inject markup: only our own elements are in it', () => {
		const hostile = `</text></svg><svg onload="alert(1)">${esc}]0;\u0007pwned\u0000\u001F${esc}[38;5;999m${esc}[38;2;999;300;256mX`;
		const svg = screenToSvg(hostile, {columns: 80, rows: 1});
		const elements = [...svg.matchAll(/<([a-z]+)[\s>/]/gu)].map(match => match[1]);
		expect(new Set(elements)).toEqual(new Set(['svg', 'rect', 'g', 'text', 'tspan']));

		expect(svg).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/u);
		expect(svg.match(/<\/svg>/gu)).toHaveLength(1);
		// Out-of-range colours become the default or are clamped, never raw input.
		expect(svg).not.toContain('999');
		expect(tspans(svg).at(-1)).toEqual({attributes: expect.stringContaining('fill="#ffffff"') as string, text: 'X'});
	});

	test('lines beyond the screen height and cells beyond its width are not drawn', () => {
		const svg = screenToSvg('one\ntwo\nthree\nfour', {columns: 2, rows: 3, cellWidth: 10, padding: 0});
		expect(tspans(svg).map(span => span.text)).toEqual(['on', 'tw', 'th']);
		expect(svg).not.toContain('four');
	});
});
