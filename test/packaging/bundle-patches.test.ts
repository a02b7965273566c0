import process from 'node:process';
import {readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {afterAll, describe, expect, it} from 'vitest';
import stringWidth from 'string-width';
import {
	narrowCharacterClass,
	rewriteInkOutput,
	rewriteSliceAnsi,
	rewriteStringWidth,
	rewriteStyledChars,
	rewriteTokenize,
} from '../../scripts/bundle-patches.mjs';
import {narrowText} from '../../source/model/view/format.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const copies = ['node_modules/string-width/index.js', 'node_modules/wrap-ansi/node_modules/string-width/index.js'];

/** Every character the class matches, from its ranges and single characters. */
function charactersOf(characterClass: string): string[] {
	const body = characterClass.slice(1, -1);
	const characters: string[] = [];
	for (const [, from, to] of body.matchAll(/\\u([\dA-F]{4})(?:-\\u([\dA-F]{4}))?/gu)) {
		for (let code = Number.parseInt(from!, 16); code <= Number.parseInt(to ?? from!, 16); code++) {
			characters.push(String.fromCodePoint(code));
		}
	}

	return characters;
}

const samples = [
	'plain ascii',
	'├─ bash ▾ … · ← × —',
	'\u001B[31mred\u001B[39m └─',
	'日本語のユーザー',
	'👩‍💻 dev 🇫🇷',
	'e\u0301 combining',
	'\u200B zero width',
	'tab\there',
	'한국어 ᄀᄀ가',
	'ｱｲｳ half-width',
	'',
];

describe('the start-up patches applied to string-width in the bundle', () => {
	const written: string[] = [];
	afterAll(() => {
		for (const file of written) {
			rmSync(file, {force: true});
		}
	});

	it('treats as narrow only characters string-width itself counts one cell wide', () => {
		const characters = charactersOf(narrowCharacterClass);
		expect(characters.length).toBeGreaterThan(200);
		expect(characters.filter(character => stringWidth(character) !== 1)).toEqual([]);
	});

	it('uses the same narrow characters as the explorer’s own fast path', () => {
		expect(narrowText.source).toBe(`^${narrowCharacterClass}*$`);
	});

	it.each(copies)(
		'still finds what it rewrites in %s, and the rewritten module measures as the original does',
		async copy => {
			const file = path.join(root, copy);
			const original = (await import(pathToFileURL(file).href)) as {default: (text: string) => number};
			// Next to the original, so its own imports resolve the same way.
			const rewrittenFile = path.join(path.dirname(file), `index.sshtop-test-${process.pid}.mjs`);
			writeFileSync(rewrittenFile, rewriteStringWidth(readFileSync(file, 'utf8'), file));
			written.push(rewrittenFile);
			const rewritten = (await import(pathToFileURL(rewrittenFile).href)) as {default: (text: string) => number};
			for (const sample of [...samples, charactersOf(narrowCharacterClass).join('')]) {
				expect(rewritten.default(sample), sample).toBe(original.default(sample));
			}
		},
	);
});

describe('the patches that make Ink redraw a frame faster', () => {
	const written: string[] = [];
	afterAll(() => {
		for (const file of written) {
			rmSync(file, {force: true});
		}
	});

	/** Imports a rewritten copy of a dependency's module, next to the original so its imports resolve. */
	async function importRewritten<T>(
		relative: string,
		rewrite: (contents: string, file: string) => string,
		copy = '',
	): Promise<{original: T; rewritten: T}> {
		const file = path.join(root, relative);
		const rewrittenFile = path.join(
			path.dirname(file),
			`${path.basename(file, '.js')}.sshtop-test-${process.pid}${copy}.js`,
		);
		writeFileSync(rewrittenFile, rewrite(readFileSync(file, 'utf8'), file));
		written.push(rewrittenFile);
		return {
			original: (await import(pathToFileURL(file).href)) as T,
			rewritten: (await import(pathToFileURL(rewrittenFile).href)) as T,
		};
	}

	const styled = [
		'plain',
		'\u001B[1mbold\u001B[22m then \u001B[2mdim\u001B[22m',
		'\u001B[7m├─▾  root 127.0.0.1 pts/4 \u001B[27m tail',
		'\u001B[31m\u001B[1mred bold\u001B[39m still bold\u001B[22m',
		'\u001B[1m\u001B[2mboth intensities\u001B[22m none',
		'\u001B[38;5;208morange\u001B[0m reset \u001B[4munder',
		'\u001B[93m\u001B[41mfg bg\u001B[49m fg only\u001B[39m',
		'日本語 \u001B[32m👩‍💻\u001B[39m',
	];

	it('tokenize splits lines into the same tokens, walking narrow text without the segmenter', async () => {
		type Tokenize = {tokenize: (text: string, endChar?: number) => unknown[]};
		const {original, rewritten} = await importRewritten<Tokenize>(
			'node_modules/@alcalzone/ansi-tokenize/build/tokenize.js',
			rewriteTokenize,
		);
		const lines = [
			...styled,
			...samples,
			charactersOf(narrowCharacterClass).join(''),
			'line\r\nnext\rcr alone\n',
			'\u001B]8;;https://example.com\u0007link\u001B]8;;\u0007 after',
			'\u001B[1;4;33mmatch\u001B[22;24;39m ├─ \u00B7 a\u0300 grave',
			'\u007F del \u0085 next line \u00A0 no-break',
			'\uD83D lone surrogate \uDE00',
		];
		for (const line of lines) {
			expect(rewritten.tokenize(line), line).toEqual(original.tokenize(line));
			expect(rewritten.tokenize(line, 5), line).toEqual(original.tokenize(line, 5));
		}

		// A fresh copy, with Intl.Segmenter counted: the lines sshtop draws never build one.
		const {rewritten: fresh} = await importRewritten<Tokenize>(
			'node_modules/@alcalzone/ansi-tokenize/build/tokenize.js',
			rewriteTokenize,
			'-fresh',
		);
		const {Segmenter: RealSegmenter} = Intl;
		const intl = Intl as {Segmenter: typeof RealSegmenter};
		let built = 0;
		intl.Segmenter = class extends RealSegmenter {
			constructor(...parameters: ConstructorParameters<typeof RealSegmenter>) {
				super(...parameters);
				built++;
			}
		};
		try {
			fresh.tokenize(styled[2]!);
			fresh.tokenize(charactersOf(narrowCharacterClass).join(''));
			expect(built).toBe(0);
			fresh.tokenize('日本語 👩‍💻');
			fresh.tokenize('e\u0301');
			expect(built).toBe(1);
		} finally {
			intl.Segmenter = RealSegmenter;
		}
	});

	it('slice-ansi, building its segmenter on first use, tokenizes lines as the original does', async () => {
		type TokenizeAnsi = {default: (text: string, options?: {endCharacter?: number}) => unknown[]};
		const {original, rewritten} = await importRewritten<TokenizeAnsi>(
			'node_modules/slice-ansi/tokenize-ansi.js',
			rewriteSliceAnsi,
		);
		for (const line of [...styled, ...samples]) {
			expect(rewritten.default(line), line).toEqual(original.default(line));
			expect(rewritten.default(line, {endCharacter: 4}), line).toEqual(original.default(line, {endCharacter: 4}));
		}
	});

	it('styledCharsToString gives the same text for styled lines', async () => {
		type Tokenizer = {
			tokenize: (text: string) => unknown[];
			styledCharsFromTokens: (tokens: unknown[]) => unknown[];
			styledCharsToString: (chars: unknown[]) => string;
		};
		const index = (await import(
			pathToFileURL(path.join(root, 'node_modules/@alcalzone/ansi-tokenize/build/index.js')).href
		)) as Tokenizer;
		const {original, rewritten} = await importRewritten<Tokenizer>(
			'node_modules/@alcalzone/ansi-tokenize/build/styledChars.js',
			rewriteStyledChars,
		);
		for (const line of [...styled, styled.join('')]) {
			const chars = index.styledCharsFromTokens(index.tokenize(line));
			expect(rewritten.styledCharsToString(chars), line).toBe(original.styledCharsToString(chars));
		}
	});

	it('Ink’s Output gives the same frames with caches kept from one frame to the next', async () => {
		type OutputModule = {
			default: new (options: {width: number; height: number}) => {
				write: (x: number, y: number, text: string, options: {transformers: unknown[]}) => void;
				clip: (clip: Record<string, number>) => void;
				unclip: () => void;
				get: () => {output: string; height: number};
			};
		};
		const {original, rewritten} = await importRewritten<OutputModule>(
			'node_modules/ink/build/output.js',
			rewriteInkOutput,
		);
		const frame = (Output: OutputModule['default'], lines: readonly string[]) => {
			const output = new Output({width: 60, height: lines.length + 1});
			for (const [y, line] of lines.entries()) {
				output.write(y % 3, y, line, {transformers: []});
			}

			output.clip({x1: 2, x2: 20, y1: 0, y2: 3});
			output.write(0, lines.length, styled[2]!, {transformers: []});
			output.unclip();
			return output.get();
		};

		for (const lines of [styled, styled.slice(2), styled.toReversed(), styled]) {
			expect(frame(rewritten.default, lines)).toEqual(frame(original.default, lines));
		}

		// Frames that change one row at a time, with pieces side by side in a row, clipped, shifted
		// and transformed: the same text as Ink's own, frame after frame.
		const pieces = (seed: number) => {
			const {default: RewrittenOutput} = rewritten;
			const {default: OriginalOutput} = original;
			const output = new RewrittenOutput({width: 50, height: 6});
			const reference = new OriginalOutput({width: 50, height: 6});
			for (const target of [output, reference]) {
				target.write(0, 0, `load ${seed % 3}`, {transformers: []});
				target.write(10, 0, styled[seed % styled.length]!, {transformers: []});
				target.write(seed % 4, 1, `${styled[1]!}\n${styled[(seed + 2) % styled.length]!}`, {
					transformers: [(line: string) => `>${line}`],
				});
				target.clip({x1: 3, x2: 12 + (seed % 5), y1: 0, y2: 6});
				target.write(1, 3, styled[2]!, {transformers: []});
				target.unclip();
				target.write(0, 5, seed % 2 === 0 ? '' : styled[7]!, {transformers: []});
			}

			return [output.get(), reference.get()];
		};

		for (let seed = 0; seed < 30; seed++) {
			const [patched, reference] = pieces(seed);
			expect(patched, `frame ${seed}`).toEqual(reference);
		}

		// Two frames' worth of lines at most, however many frames went by with new text.
		for (let index = 0; index < 50; index++) {
			frame(
				rewritten.default,
				styled.map(line => `${line} ${index}`),
			);
		}

		type Caches = {
			styledChars: Map<string, unknown>;
			previousStyledChars: Map<string, unknown>;
			rows: Map<string, unknown>;
			previousRows: Map<string, unknown>;
		};
		const {default: RewrittenOutput} = rewritten;
		const {caches} = new RewrittenOutput({width: 1, height: 1}) as unknown as {caches: Caches};
		expect(caches.styledChars.size + caches.previousStyledChars.size).toBeLessThanOrEqual(2 * (styled.length + 1));
		expect(caches.rows.size + caches.previousRows.size).toBeLessThanOrEqual(2 * (styled.length + 1));
	});
});
