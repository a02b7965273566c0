import {readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {afterAll, describe, expect, it} from 'vitest';
import stringWidth from 'string-width';
// @ts-expect-error -- a plain .mjs build script, without type declarations.
import {narrowCharacterClass, rewriteStringWidth} from '../../scripts/bundle-patches.mjs';
import {narrowText} from '../../source/model/format.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const copies = ['node_modules/string-width/index.js', 'node_modules/wrap-ansi/node_modules/string-width/index.js'];

/** Every character the class matches, from its ranges and single characters. */
function charactersOf(characterClass: string): string[] {
	const body = characterClass.slice(1, -1);
	const characters: string[] = [];
	for (const [, from, to] of body.matchAll(/\\u([\dA-F]{4})(?:-\\u([\dA-F]{4}))?/g)) {
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

	it.each(copies)('still finds what it rewrites in %s, and the rewritten module measures as the original does', async copy => {
		const file = path.join(root, copy);
		const original = await import(pathToFileURL(file).href) as {default: (text: string) => number};
		// Next to the original, so its own imports resolve the same way.
		const rewrittenFile = path.join(path.dirname(file), `index.sshtop-test-${process.pid}.mjs`);
		writeFileSync(rewrittenFile, rewriteStringWidth(readFileSync(file, 'utf8'), file));
		written.push(rewrittenFile);
		const rewritten = await import(pathToFileURL(rewrittenFile).href) as {default: (text: string) => number};
		for (const sample of [...samples, charactersOf(narrowCharacterClass).join('')]) {
			expect(rewritten.default(sample), sample).toBe(original.default(sample));
		}
	});
});
