// The patches in patches/ are what the program and these tests run: each must still apply to the
// installed version of its package (an upgrade fails here, and UPGRADING.md says what to do), and
// each patched module must do what its original does, only cheaper.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {pathToFileURL} from 'node:url';
import {build} from 'esbuild';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import stringWidth from 'string-width';
import {yogaReady} from 'yoga-layout';
import {originalsOf, patchParts, readPatches, root} from '../../scripts/dependency-patches.mjs';
import {narrowText} from '../../source/model/view/format.js';
import {ensureBuilt, testRunDirectory} from '../e2e/harness/sshtop.js';

const patches = readPatches();

/**
`ink+6.8.0.patch` → the package directory and version, as patch-package names them: a nested
copy is `wrap-ansi++string-width`, a scoped package `@alcalzone+ansi-tokenize`.
*/
function packageOf(patchName: string): {readonly directory: string; readonly version: string} {
	const match = /^(.+)\+(\d[^+]*)\.patch$/u.exec(patchName)!;
	const names = match[1]!.split('++').map(name => (name.startsWith('@') ? name.replace('+', '/') : name));
	return {directory: `node_modules/${names.join('/node_modules/')}`, version: match[2]!};
}

/** Every character a class such as `[\u0020-\u007E\u00B7]` matches. */
function charactersOf(characterClass: string): string[] {
	const characters: string[] = [];
	for (const [, from, to] of characterClass.matchAll(/\\u([\dA-F]{4})(?:-\\u([\dA-F]{4}))?/gu)) {
		for (let code = Number.parseInt(from!, 16); code <= Number.parseInt(to ?? from!, 16); code++) {
			characters.push(String.fromCodePoint(code));
		}
	}

	return characters;
}

/** Published copies of patched modules, written next to them so their own imports resolve alike. */
const written: string[] = [];
afterAll(() => {
	for (const file of written) {
		rmSync(file, {force: true});
	}
});

async function importOriginal<T>(part: string, relative: string): Promise<T> {
	const file = path.join(root, relative);
	const copy = path.join(path.dirname(file), `${path.basename(file, '.js')}.published-${process.pid}.js`);
	writeFileSync(copy, originalsOf([part]).get(file)!);
	written.push(copy);
	return (await import(pathToFileURL(copy).href)) as T;
}

describe('the patches in patches/', () => {
	it.each(patches.map(patch => patch.name))('%s was made for the installed version, and is applied', name => {
		const {directory, version} = packageOf(name);
		const manifest = JSON.parse(readFileSync(path.join(root, directory, 'package.json'), 'utf8')) as {version: string};
		expect(manifest.version, `${name}: see UPGRADING.md`).toBe(version);
		const {files} = patches.find(patch => patch.name === name)!;
		for (const [file, hunks] of files) {
			const text = readFileSync(path.join(root, file), 'utf8');
			for (const hunk of hunks) {
				expect(text.includes(hunk.after.join('\n')), `${file}: not patched (npm ci runs patch-package)`).toBe(true);
			}
		}
	});

	it('names every patched file in one of the parts the docs and the benchmark measure', () => {
		const patched = patches.flatMap(patch => [...patch.files.keys()]).toSorted();
		expect(Object.values(patchParts).flat().toSorted()).toEqual(patched);
	});
});

describe('Yoga and Ink without top-level await', () => {
	it('say when Yoga is ready, and lay out once it is (a live binding, read as Node reads it)', async () => {
		await expect(yogaReady).resolves.toBeUndefined();
		const script = [
			"const yoga = await import('yoga-layout');",
			'const before = yoga.default;',
			'await yoga.yogaReady;',
			'const node = yoga.default.Node.create();',
			'node.setWidth(42);',
			'node.calculateLayout(undefined, undefined);',
			// eslint-disable-next-line no-template-curly-in-string -- a script's source text.
			'console.log(`${before === undefined} ${node.getComputedWidth()}`);',
		].join('\n');
		const {stdout} = await execa(process.execPath, ['--input-type=module', '-e', script], {cwd: root});
		expect(stdout).toBe('true 42');
	});

	it.each(['yoga-without-top-level-await', 'ink-without-top-level-await'])(
		'%s: the module bundles as CommonJS, which it does not as published',
		async part => {
			const file = path.join(root, patchParts[part]![0]!);
			const asCommonJs = async (contents: string) =>
				build({stdin: {contents, sourcefile: file, loader: 'js'}, format: 'cjs', write: false, logLevel: 'silent'});
			await expect(asCommonJs(readFileSync(file, 'utf8'))).resolves.toBeDefined();
			await expect(asCommonJs(originalsOf([part]).get(file)!)).rejects.toThrow(/top-level await/iu);
		},
	);
});

describe('string-width measuring narrow text without its segmenter', () => {
	const copies = patchParts['lazy-string-width']!;
	const narrowClass = /\[\\u0020-\\u007E[^\]]*\]/u.exec(readFileSync(path.join(root, copies[0]!), 'utf8'))![0];
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
		charactersOf(narrowClass).join(''),
		'',
	];

	it('treats as narrow only what string-width counts one cell wide, as the explorer’s own fast path does', () => {
		const characters = charactersOf(narrowClass);
		expect(characters.length).toBeGreaterThan(200);
		expect(characters.filter(character => stringWidth(character) !== 1)).toEqual([]);
		expect(narrowText.source).toBe(`^${narrowClass}*$`);
	});

	it.each(copies)('%s measures every sample as the published module does', async relative => {
		const original = await importOriginal<{default: (text: string) => number}>('lazy-string-width', relative);
		const patched = (await import(pathToFileURL(path.join(root, relative)).href)) as {
			default: (text: string) => number;
		};
		for (const sample of samples) {
			expect(patched.default(sample), sample).toBe(original.default(sample));
		}
	});

	it('builds no Intl.Segmenter when loaded, nor for narrow text; one for the first other text', async () => {
		const script = [
			'let built = 0;',
			'const Real = Intl.Segmenter;',
			'Intl.Segmenter = class extends Real { constructor(...a) { super(...a); built++; } };',
			`const {default: width} = await import(${JSON.stringify(pathToFileURL(path.join(root, copies[0]!)).href)});`,
			"width('├─ bash ▾ … plain');",
			'const afterNarrow = built;',
			"width('日本語 👩‍💻');",
			// eslint-disable-next-line no-template-curly-in-string -- a script's source text.
			'console.log(`${afterNarrow} ${built}`);',
		].join('\n');
		const {stdout} = await execa(process.execPath, ['--input-type=module', '-e', script]);
		expect(stdout).toBe('0 1');
	});
});

describe('ansi-tokenize diffing the styles only of neighbours that differ', () => {
	type StyledChars = {
		styledCharsFromTokens: (tokens: unknown[]) => unknown[];
		styledCharsToString: (chars: unknown[]) => string;
	};
	const relative = patchParts['styled-chars-diff']![0]!;
	const tokenizer = 'node_modules/@alcalzone/ansi-tokenize/build/tokenize.js';
	const lines = [
		'plain',
		'├─▸  root 1275 127.0.0.1:47668 pts/26 · 15.2M sleep 1 → ×…',
		'\u001B[1mbold\u001B[22m then \u001B[2mdim\u001B[22m',
		'\u001B[7m├─▾  root 127.0.0.1 pts/4 \u001B[27m tail',
		'\u001B[31m\u001B[1mred bold\u001B[39m still bold\u001B[22m',
		'\u001B[1m\u001B[2mboth intensities\u001B[22m none',
		'\u001B[38;5;208morange\u001B[0m reset \u001B[4munder',
		'\u001B[93m\u001B[41mfg bg\u001B[49m fg only\u001B[39m',
		'ends styled \u001B[32mgreen',
		'日本語 \u001B[32m👩‍💻\u001B[39m',
		'',
	];

	it('writes the same text for every line as published', async () => {
		const original = await importOriginal<StyledChars>('styled-chars-diff', relative);
		const patched = (await import(pathToFileURL(path.join(root, relative)).href)) as StyledChars;
		const {tokenize} = (await import(pathToFileURL(path.join(root, tokenizer)).href)) as {
			tokenize: (text: string) => unknown[];
		};
		for (const line of lines) {
			const chars = original.styledCharsFromTokens(tokenize(line));
			expect(patched.styledCharsToString(chars), line).toBe(original.styledCharsToString(chars));
		}
	});
});

describe('Ink’s Output keeping the rows and styled lines of the last frame', () => {
	type OutputModule = {
		default: new (options: {width: number; height: number}) => {
			write: (x: number, y: number, text: string, options: {transformers: unknown[]}) => void;
			clip: (clip: Record<string, number>) => void;
			unclip: () => void;
			get: () => {output: string; height: number};
		};
	};
	const relative = patchParts['ink-row-reuse']![0]!;
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
	let original: OutputModule;
	let patched: OutputModule;
	beforeAll(async () => {
		original = await importOriginal<OutputModule>('ink-row-reuse', relative);
		patched = (await import(pathToFileURL(path.join(root, relative)).href)) as OutputModule;
	});

	it('draws the same frames as the published Output, frame after frame', () => {
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
			expect(frame(patched.default, lines)).toEqual(frame(original.default, lines));
		}

		// Rows that change one at a time, pieces side by side, clipped, shifted and transformed.
		for (let seed = 0; seed < 30; seed++) {
			const {default: PatchedOutput} = patched;
			const {default: PublishedOutput} = original;
			const [output, reference] = [
				new PatchedOutput({width: 50, height: 6}),
				new PublishedOutput({width: 50, height: 6}),
			];
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

			expect(output.get(), `frame ${seed}`).toEqual(reference.get());
		}
	});

	it('keeps two frames’ worth of rows and lines at most, however many frames went by', () => {
		for (let index = 0; index < 50; index++) {
			const {default: PatchedOutput} = patched;
			const output = new PatchedOutput({width: 60, height: styled.length});
			for (const [y, line] of styled.entries()) {
				output.write(0, y, `${line} ${index}`, {transformers: []});
			}

			output.get();
		}

		type Caches = Record<'styledChars' | 'previousStyledChars' | 'rows' | 'previousRows', Map<string, unknown>>;
		const {default: PatchedOutput} = patched;
		const {caches} = new PatchedOutput({width: 1, height: 1}) as unknown as {caches: Caches};
		expect(caches.styledChars.size + caches.previousStyledChars.size).toBeLessThanOrEqual(2 * (styled.length + 1));
		expect(caches.rows.size + caches.previousRows.size).toBeLessThanOrEqual(2 * (styled.length + 1));
	});
});

describe('Ink’s incremental renderer writing only the changed cells of a line', () => {
	type Render = ((text: string) => boolean) & {readonly clear: () => void};
	type LogUpdateModule = {
		default: {create: (stream: NodeJS.WritableStream, options: {incremental: boolean}) => Render};
	};
	const relative = patchParts['ink-cell-diff']![0]!;
	let original: LogUpdateModule;
	let patched: LogUpdateModule;
	beforeAll(async () => {
		original = await importOriginal<LogUpdateModule>('ink-cell-diff', relative);
		patched = (await import(pathToFileURL(path.join(root, relative)).href)) as LogUpdateModule;
	});

	/** Rows as the explorer draws them: a figure here and there changes from frame to frame, some rows coloured or selected. */
	function frame(index: number): string {
		const rows = Array.from({length: 12 + (index % 7 === 0 ? -3 : 0)}, (_, row) => {
			const memory = `${15 + ((row + (index % 4 === row % 4 ? index : 0)) % 7) / 10}M`;
			const command = (index + row) % 12 === 0 ? 'bash --noprofile --norc -i' : 'sleep 1';
			const line = `├─▸  root ${1200 + row} 127.0.0.1:${47_000 + row} pts/${row} 21:37 ${row % 4}m ok shell 0.0 ${memory.padStart(6)} ${command}`;
			if (row === Math.floor(index / 5) % 12) return `\u001B[7m${line}\u001B[27m`;
			if (row === 3) return `${line.slice(0, 40)}\u001B[31m\u001B[1mDEAD\u001B[22m\u001B[39m${line.slice(44)}`;
			if (row === 5) return `日本語 ${line.slice(0, 30 + (index % 4))} \u001B[38;5;208m👩‍💻\u001B[39m`;
			return row === 7 && index % 2 === 0 ? line.slice(0, 50) : line;
		});
		return `${rows.join('\n')}\n`;
	}

	it('leaves every cell and colour as the published renderer does, for much fewer bytes', async () => {
		const {FakeTerminalOutput} = await import('../ui/fake-terminal.js');
		const {correctInkOutput} = await import('../../source/ui/terminal-stream.js');
		const terminals = [new FakeTerminalOutput(160, 20), new FakeTerminalOutput(160, 20)] as const;
		// As the explorer writes: through the stream that corrects Ink's row after a trailing newline.
		const renders = [
			patched.default.create(correctInkOutput(terminals[0] as unknown as NodeJS.WriteStream).stream, {
				incremental: true,
			}),
			original.default.create(correctInkOutput(terminals[1] as unknown as NodeJS.WriteStream).stream, {
				incremental: true,
			}),
		];
		for (let index = 0; index < 40; index++) {
			for (const render of renders) render(frame(index));
			expect(terminals[0].cells(), `frame ${index}`).toEqual(terminals[1].cells());
		}

		const [patchedBytes, publishedBytes] = terminals.map(terminal => terminal.bytesWritten());
		expect(patchedBytes).toBeLessThan(publishedBytes! / 2);
	});

	it('writes a line whole again after a clear, and one with escapes other than colours', async () => {
		const {FakeTerminalOutput} = await import('../ui/fake-terminal.js');
		const {correctInkOutput} = await import('../../source/ui/terminal-stream.js');
		const terminal = new FakeTerminalOutput(80, 10);
		const render = patched.default.create(correctInkOutput(terminal as unknown as NodeJS.WriteStream).stream, {
			incremental: true,
		});
		render('one 1\ntwo 2\n');
		render('one 1\ntwo 3\n');
		expect(terminal.chunks.at(-1)).not.toContain('two');
		render.clear();
		render('one 1\ntwo 3\n');
		render('one 1\n\u001B]8;;https://example.org\u0007two\u001B]8;;\u0007 4\n');
		expect(terminal.chunks.at(-1)).toContain('two');
		expect(terminal.screen().slice(0, 2)).toEqual(['one 1', expect.stringContaining('two')]);
	});
});

describe('the bundle hides fetch while Yoga loads', () => {
	it('starts without loading undici (Yoga decodes its inlined WebAssembly itself)', async () => {
		await ensureBuilt();
		const script = [
			"process.argv.splice(2, 0, '--version');",
			`require(${JSON.stringify(path.join(root, 'dist/sshtop-app.cjs'))});`,
			// eslint-disable-next-line no-template-curly-in-string -- a script's source text.
			"process.on('exit', () => process.stderr.write(`undici ${process.moduleLoadList.some(entry => entry.includes('undici'))}`));",
		].join('\n');
		const file = path.join(mkdtempSync(path.join(testRunDirectory(), 'undici-')), 'start.cjs');
		writeFileSync(file, script);
		const {stdout, stderr} = await execa(process.execPath, [file]);
		expect(stdout).toMatch(/^\d+\.\d+\.\d+/u);
		expect(stderr).toBe('undici false');
	}, 120_000);
});
