// The patches in patches/ (applied to node_modules by patch-package when dependencies are
// installed), read back for the tests and the benchmarks: which files each one changes, and
// those files as published (the patch's hunks undone), so a test can compare a patched module
// with the original and a benchmark can build the program without one patch.
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const patchesDirectory = path.join(root, 'patches');

/**
What each patch is for, by the name the docs and the benchmark use, with the files (relative to
the project) whose changes make it up.
*/
export const patchParts = {
	'yoga-without-top-level-await': [
		'node_modules/yoga-layout/dist/src/index.js',
		'node_modules/yoga-layout/dist/src/index.d.ts',
	],
	'ink-without-top-level-await': ['node_modules/ink/build/reconciler.js'],
	'lazy-string-width': [
		'node_modules/string-width/index.js',
		'node_modules/wrap-ansi/node_modules/string-width/index.js',
	],
	'ink-row-reuse': ['node_modules/ink/build/output.js'],
	'ink-cell-diff': ['node_modules/ink/build/log-update.js'],
	'styled-chars-diff': ['node_modules/@alcalzone/ansi-tokenize/build/styledChars.js'],
};

/** The patch files, each with the files it changes and its hunks per file. */
export function readPatches(directory = patchesDirectory) {
	return readdirSync(directory)
		.filter(name => name.endsWith('.patch'))
		.map(name => ({name, files: parseUnifiedDiff(readFileSync(path.join(directory, name), 'utf8'))}));
}

/** `git diff` text → Map(file → hunks), each hunk the lines it expects and the lines it writes. */
export function parseUnifiedDiff(text) {
	const files = new Map();
	let hunks;
	let hunk;
	for (const line of text.split('\n')) {
		if (line.startsWith('diff --git ')) {
			hunk = undefined;
		} else if (line.startsWith('+++ b/')) {
			hunks = [];
			files.set(line.slice('+++ b/'.length), hunks);
		} else if (line.startsWith('@@')) {
			hunk = {before: [], after: []};
			hunks.push(hunk);
		} else if (hunk !== undefined && (line.startsWith(' ') || line.startsWith('-') || line.startsWith('+'))) {
			if (!line.startsWith('+')) {
				hunk.before.push(line.slice(1));
			}

			if (!line.startsWith('-')) {
				hunk.after.push(line.slice(1));
			}
		}
	}

	return files;
}

/**
A patched file's text as published: every hunk's written lines replaced by the lines it
expected. Throws when a hunk's lines are not in the file (the file is not the patched one).
*/
export function undoPatch(patchedText, hunks, file) {
	let text = patchedText;
	for (const {before, after} of hunks.toReversed()) {
		const written = after.join('\n');
		const at = text.lastIndexOf(written);
		if (at === -1) {
			throw new Error(`${file}: a hunk of its patch is not in it; is the patch applied?`);
		}

		text = text.slice(0, at) + before.join('\n') + text.slice(at + written.length);
	}

	return text;
}

/** The published text of each file of the named patch parts, by absolute path. */
export function originalsOf(partNames, directory = patchesDirectory) {
	const hunksByFile = new Map(readPatches(directory).flatMap(patch => [...patch.files]));
	const originals = new Map();
	for (const part of partNames) {
		const files = patchParts[part];
		if (files === undefined) {
			throw new Error(`no patch part named ${part}`);
		}

		for (const file of files) {
			const absolute = path.join(root, file);
			originals.set(absolute, undoPatch(readFileSync(absolute, 'utf8'), hunksByFile.get(file) ?? [], file));
		}
	}

	return originals;
}

/** An esbuild plugin that bundles these files as published instead of as patched. */
export function servingOriginals(originals) {
	return {
		name: 'serving-originals',
		setup(esbuild) {
			// eslint-disable-next-line require-unicode-regexp -- esbuild's filters are Go regular expressions: no flags.
			esbuild.onLoad({filter: /.*/}, ({path: file}) =>
				originals.has(file) ? {contents: originals.get(file), loader: file.endsWith('.ts') ? 'ts' : 'js'} : undefined,
			);
		},
	};
}
