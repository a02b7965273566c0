// Bundles the CLI into one minified ESM file: start-up time is dominated by module loading.
import {build} from 'esbuild';
import {fileURLToPath} from 'node:url';
import {readFileSync} from 'node:fs';

const root = fileURLToPath(new URL('..', import.meta.url));
const {version} = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

function replaceOnce(text, search, replacement, file) {
	const at = text.indexOf(search);
	if (at === -1 || text.includes(search, at + 1)) {
		throw new Error(`build: expected "${search}" once in ${file}; did the dependency change?`);
	}

	return text.slice(0, at) + replacement + text.slice(at + search.length);
}

// yoga-layout inlines its WebAssembly as a base64 data: URL and reads it with fetch() when
// fetch exists. Touching Node's global fetch loads undici (~50 ms) and the fetch itself takes
// as long again, all before the first frame. Emscripten's own fallback decodes the same bytes
// synchronously: always take it. (build-standalone.mjs has its own rewrite of this file.)
const yogaWithoutFetch = {
	name: 'yoga-without-fetch',
	setup(esbuild) {
		esbuild.onLoad({filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/}, ({path}) => {
			const contents = replaceOnce(readFileSync(path, 'utf8'), 'function ya(){return w||"function"!=typeof fetch?', 'function ya(){return true?', path);
			return {contents, loader: 'js'};
		});
	},
};

await build({
	entryPoints: [`${root}source/cli.tsx`],
	outfile: `${root}dist/sshtop.js`,
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	minify: true,
	legalComments: 'none',
	define: {
		'process.env.NODE_ENV': '"production"',
		SSHTOP_VERSION: JSON.stringify(version),
	},
	// Ink imports react-devtools-core only when DEV is set; marking it external still crashes at load.
	alias: {'react-devtools-core': `${root}scripts/devtools-stub.mjs`},
	plugins: [yogaWithoutFetch],
	// Some CommonJS dependencies call require() on Node built-ins.
	banner: {
		js: "#!/usr/bin/env node\nimport {createRequire as __sshtopCreateRequire} from 'node:module';const require=__sshtopCreateRequire(import.meta.url);",
	},
	logLevel: 'warning',
});
