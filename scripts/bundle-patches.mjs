// Start-up fixes applied to dependencies as they are bundled (scripts/build.mjs and
// build-standalone.mjs). Each rewrite checks that the text it replaces is still there, so an
// upgrade that changes it fails the build instead of the program.
import {readFileSync} from 'node:fs';

export function replaceOnce(text, search, replacement, file) {
	const at = text.indexOf(search);
	if (at === -1 || text.includes(search, at + 1)) {
		throw new Error(`build: expected "${search}" once in ${file}; did the dependency change?`);
	}

	return text.slice(0, at) + replacement + text.slice(at + search.length);
}

/**
An esbuild plugin that rewrites dependency files as they are loaded: `rewrites` pairs a filter on
a file's path with what makes its new text from its text and path.
*/
function rewritingPlugin(name, rewrites) {
	return {
		name,
		setup(esbuild) {
			for (const [filter, rewrite] of rewrites) {
				esbuild.onLoad({filter}, ({path}) => ({contents: rewrite(readFileSync(path, 'utf8'), path), loader: 'js'}));
			}
		},
	};
}

/**
The characters every terminal draws one cell wide that sshtop's screen is made of: printable
ASCII and the symbols it draws itself (tree lines, ▾ ▸, …, ·, arrows, ×, —). string-width
counts each as 1 (East Asian "ambiguous" is narrow by default; test/packaging checks it), and
source/model/format.ts keeps the same class for its own fast path.
*/
export const narrowCharacterClass = String.raw`[\u0020-\u007E\u00B7\u00D7\u2014\u2019\u2026\u2190-\u2193\u2500-\u257F\u258F\u25B4-\u25BF]`;

/**
The source of `const NAME = …` built on first use: an object with the one method the module
calls on it, which builds `construction` (JavaScript source) the first time it is called.
*/
function builtOnFirstUse(name, method, construction) {
	return `let ${name}Instance;\nconst ${name} = {${method}: text => (${name}Instance ??= ${construction}).${method}(text)};`;
}

/**
String-width builds an Intl.Segmenter (≈14 ms: ICU's break data) and an RGI_Emoji regular
expression (≈28 ms) when its module is evaluated, before anything is measured, and again for
the older copy wrap-ansi carries. Both are built on first use instead, and text made only of
narrow characters (every line sshtop draws, unless a process name or user brings other
scripts) is measured as its length without them.
*/
export function rewriteStringWidth(contents, file) {
	let text = replaceOnce(
		contents,
		'const segmenter = new Intl.Segmenter();',
		builtOnFirstUse('segmenter', 'segment', 'new Intl.Segmenter()'),
		file,
	);
	if (text.includes(String.raw`const rgiEmojiRegex = /^\p{RGI_Emoji}$/v;`)) {
		text = replaceOnce(
			text,
			String.raw`const rgiEmojiRegex = /^\p{RGI_Emoji}$/v;`,
			builtOnFirstUse('rgiEmojiRegex', 'test', String.raw`new RegExp('^\\p{RGI_Emoji}$', 'v')`),
			file,
		);
		text = replaceOnce(
			text,
			String.raw`if (/^[\u0020-\u007E]*$/.test(string)) {`,
			`if (/^${narrowCharacterClass}*$/.test(string)) {`,
			file,
		);
	}

	return text;
}

export const lazyStringWidth = rewritingPlugin('lazy-string-width', [
	[/[\\/]string-width[\\/]index\.js$/, rewriteStringWidth],
]);

/**
Slice-ansi (Ink's cutting of lines to a width) builds an Intl.Segmenter when its module is
evaluated, which loads ICU's grapheme break data (≈12 ms) before any frame; it is used only when
a line is cut, which sshtop's lines, fitted to the width beforehand, are not. Built on first use
instead (with narrowTokenize below, no start loads the break data for sshtop's own lines).
*/
export function rewriteSliceAnsi(contents, file) {
	return replaceOnce(
		contents,
		"const GRAPHEME_SEGMENTER = new Intl.Segmenter(undefined, {granularity: 'grapheme'});",
		builtOnFirstUse('GRAPHEME_SEGMENTER', 'segment', "new Intl.Segmenter(undefined, {granularity: 'grapheme'})"),
		file,
	);
}

export const lazySliceAnsi = rewritingPlugin('lazy-slice-ansi', [
	[/[\\/]slice-ansi[\\/]tokenize-ansi\.js$/, rewriteSliceAnsi],
]);

/**
Yoga-layout inlines its WebAssembly as a base64 data: URL and reads it with fetch() when fetch
exists. Touching Node's global fetch loads undici (~50 ms) and the fetch itself takes as long
again, all before the first frame. Emscripten's own fallback decodes the same bytes
synchronously: always take it.
*/
export const yogaWithoutFetch = rewritingPlugin('yoga-without-fetch', [
	[
		/[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/,
		(contents, path) =>
			replaceOnce(contents, 'function ya(){return w||"function"!=typeof fetch?', 'function ya(){return true?', path),
	],
]);

/**
CommonJS has no top-level await, and two modules use it:
- yoga-layout (Ink's layout engine) awaits its WebAssembly instance at load: this turns that into
  a promise the entry (appEntry in bundle-app.mjs) awaits before anything renders. Ink touches
  Yoga only when it lays out a frame, never while its modules load.
- Ink's reconciler awaits React DevTools and its own package.json when DEV=true: the bundle has
  neither, so those two awaits are cut out and DEV is ignored.
*/
export const withoutTopLevelAwait = rewritingPlugin('without-top-level-await', [
	[
		/[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/,
		(contents, path) =>
			replaceOnce(
				contents,
				'const Yoga = wrapAssembly(await loadYoga());\nexport default Yoga;',
				[
					'let Yoga;',
					'export const yogaReady = loadYoga().then(assembly => { Yoga = wrapAssembly(assembly); });',
					// A live binding: importers see Yoga once yogaReady has resolved.
					'export {Yoga as default};',
				].join('\n'),
				path,
			),
	],
	[
		/[\\/]ink[\\/]build[\\/]reconciler\.js$/,
		(contents, path) => {
			let text = replaceOnce(
				contents,
				"if (isDev()) {\n    try {\n        await import('./devtools.js');",
				'if (false) {\n    try {',
				path,
			);
			text = replaceOnce(text, '? await loadPackageJson()', '? undefined', path);
			return replaceOnce(text, 'const packageJson = isDev()', 'const packageJson = false', path);
		},
	],
]);

/**
Ink redraws a whole frame on every change, however small (a load average, one idle time), and
most of that is text it handled in the last frame. These rewrites keep its output identical and
skip the repeated work:
- a row's text is a function of what was written into it (each piece's column and text, in
  order): each row's pieces are recorded, and a row written as in the last frame reuses that
  frame's text instead of being rebuilt cell by cell, which was most of a frame;
- the styled characters of each line are kept for the next frame too, and the width caches
  across frames up to a few thousand texts (two generations of rows and lines: what the last
  frame drew and what this one draws; nothing older). They are only read once made, so
  sharing them between frames is safe;
- the empty cells a frame starts from are one shared object instead of a new one (and a new
  styles array) per cell: 10,000 objects a frame at 200×50. Cells are replaced, never changed;
- ansi-tokenize's styledCharsToString diffs the styles of every pair of neighbouring cells,
  three Sets a cell; cells with the same styles as their left neighbour (nearly all of them)
  have nothing to diff.
*/
export function rewriteInkOutput(contents, file) {
	let text = replaceOnce(
		contents,
		'class OutputCaches {',
		[
			'const cacheLimit = 4096;',
			"const blankCell = {type: 'char', value: ' ', fullWidth: false, styles: []};",
			'class OutputCaches {',
			'    previousStyledChars = new Map();',
			'    rows = new Map();',
			'    previousRows = new Map();',
			// Called after each frame; the static output Ink also builds draws nothing and leaves
			// this frame's rows and lines alone.
			'    endFrame() {',
			'        if (this.styledChars.size === 0 && this.rows.size <= 1) return;',
			'        this.previousStyledChars = this.styledChars;',
			'        this.styledChars = new Map();',
			'        this.previousRows = this.rows;',
			'        this.rows = new Map();',
			'        if (this.widths.size > cacheLimit) this.widths.clear();',
			'        if (this.blockWidths.size > cacheLimit) this.blockWidths.clear();',
			'    }',
			'    getRow(key, build) {',
			'        let cached = this.rows.get(key) ?? this.previousRows.get(key);',
			'        if (cached === undefined) cached = build();',
			'        this.rows.set(key, cached);',
			'        return cached;',
			'    }',
		].join('\n'),
		file,
	);
	text = replaceOnce(
		text,
		[
			'        let cached = this.styledChars.get(line);',
			'        if (cached === undefined) {',
			'            cached = styledCharsFromTokens(tokenize(line));',
		].join('\n'),
		[
			'        let cached = this.styledChars.get(line) ?? this.previousStyledChars.get(line);',
			'        if (cached !== undefined) {',
			'            this.styledChars.set(line, cached);',
			'        } else {',
			'            cached = styledCharsFromTokens(tokenize(line));',
		].join('\n'),
		file,
	);
	text = replaceOnce(text, 'caches = new OutputCaches();', 'caches = sharedCaches;', file);
	text = replaceOnce(
		text,
		'export default class Output {',
		'const sharedCaches = new OutputCaches();\nexport default class Output {',
		file,
	);
	text = replaceOnce(
		text,
		[
			'                row.push({',
			"                    type: 'char',",
			"                    value: ' ',",
			'                    fullWidth: false,',
			'                    styles: [],',
			'                });',
		].join('\n'),
		'                row.push(blankCell);',
		file,
	);
	text = replaceOnce(
		text,
		'        const output = [];\n',
		"        const output = [];\n        const rowKeys = new Array(this.height).fill('');\n",
		file,
	);
	text = replaceOnce(
		text,
		'                    const characters = this.caches.getStyledChars(line);',
		// eslint-disable-next-line no-template-curly-in-string -- source text written into Ink's output.js.
		'                    rowKeys[y + offsetY] += `${x}\\u0000${line}\\u0001`;\n                    const characters = this.caches.getStyledChars(line);',
		file,
	);
	text = replaceOnce(
		text,
		[
			'            .map(line => {',
			'            // See https://github.com/vadimdemedes/ink/pull/564#issuecomment-1637022742',
			'            const lineWithoutEmptyItems = line.filter(item => item !== undefined);',
			'            return styledCharsToString(lineWithoutEmptyItems).trimEnd();',
			'        })',
		].join('\n'),
		[
			"            .map((line, y) => this.caches.getRow(rowKeys[y] ?? '', () => {",
			'            const lineWithoutEmptyItems = line.filter(item => item !== undefined);',
			'            return styledCharsToString(lineWithoutEmptyItems).trimEnd();',
			'        }))',
		].join('\n'),
		file,
	);
	return replaceOnce(
		text,
		['        return {', '            output: generatedOutput,'].join('\n'),
		['        this.caches.endFrame();', '        return {', '            output: generatedOutput,'].join('\n'),
		file,
	);
}

export function rewriteStyledChars(contents, file) {
	let text = replaceOnce(
		contents,
		'export function styledCharsToString(chars) {',
		[
			'function sameCodes(a, b) {',
			'    if (a === b) return true;',
			'    if (a.length !== b.length) return false;',
			'    for (let i = 0; i < a.length; i++) {',
			'        if (a[i].code !== b[i].code || a[i].endCode !== b[i].endCode) return false;',
			'    }',
			'    return true;',
			'}',
			'export function styledCharsToString(chars) {',
		].join('\n'),
		file,
	);
	text = replaceOnce(
		text,
		'            ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));',
		'            if (!sameCodes(chars[i - 1].styles, char.styles)) ret += ansiCodesToString(diffAnsiCodes(chars[i - 1].styles, char.styles));',
		file,
	);
	return replaceOnce(
		text,
		'            ret += ansiCodesToString(diffAnsiCodes(char.styles, []));',
		'            if (char.styles.length > 0) ret += ansiCodesToString(diffAnsiCodes(char.styles, []));',
		file,
	);
}

/**
Ansi-tokenize splits every line Ink draws into graphemes with an Intl.Segmenter: building it loads
ICU's break data when the module is evaluated (≈12 ms of every start, before any frame), and
walking a line with it costs several times a plain loop, for each of a frame's ~4,000 characters.
A line made only of ASCII (carriage return aside: CR LF is one grapheme) and sshtop's own narrow
symbols, none of which combines with its neighbours, is one grapheme per code unit: such lines
are walked code unit by code unit, and the segmenter is built for the first line that is not.
*/
export function rewriteTokenize(contents, file) {
	let text = replaceOnce(
		contents,
		'const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });',
		[
			builtOnFirstUse('segmenter', 'segment', 'new Intl.Segmenter(undefined, { granularity: "grapheme" })'),
			// Controls but CR, then the narrow characters (printable ASCII included).
			String.raw`const oneUnitGraphemes = /^(?:[\u0000-\u000C\u000E-\u001F]|${narrowCharacterClass})*$/;`,
			'function graphemesOf(str) {',
			'    if (!oneUnitGraphemes.test(str)) return segmenter.segment(str);',
			'    const graphemes = new Array(str.length);',
			'    for (let index = 0; index < str.length; index++) graphemes[index] = { segment: str[index], index };',
			'    return graphemes;',
			'}',
		].join('\n'),
		file,
	);
	text = replaceOnce(text, 'of segmenter.segment(str)) {', 'of graphemesOf(str)) {', file);
	return text;
}

/** A start-up patch too (no ICU data before the first line that needs it): the bench's Ink hello gets it as well. */
export const narrowTokenize = rewritingPlugin('narrow-tokenize', [
	[/[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize\.js$/, rewriteTokenize],
]);

/**
The patches that only make a start cheaper, in the order they apply: the bench bundles its Ink
hello with the same list, so no ratio to it gains from them.
*/
export const startUpPatches = [yogaWithoutFetch, lazyStringWidth, lazySliceAnsi, narrowTokenize];

export const inkRowReuse = rewritingPlugin('ink-row-reuse', [[/[\\/]ink[\\/]build[\\/]output\.js$/, rewriteInkOutput]]);
export const styledCharsDiff = rewritingPlugin('styled-chars-diff', [
	[/[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]styledChars\.js$/, rewriteStyledChars],
]);

/** The patches that make frames cheaper to draw. */
export const framePatches = [inkRowReuse, styledCharsDiff];
