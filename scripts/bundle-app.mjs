// The application as one minified CommonJS file (dist/sshtop-app.cjs), shared by the npm
// package (started by dist/sshtop.js, source/launch.ts) and the single executable (its main
// script, build-standalone.mjs). CommonJS because V8's code cache, which makes a start fast,
// is open to Node 20 programs for scripts only (vm.Script), and because a single executable's
// main script must be one. The dependencies are bundled as installed, with the patches in
// patches/ applied (UPGRADING.md).
import process from 'node:process';
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import {originalsOf, servingOriginals} from './dependency-patches.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const {version} = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

export const appBundle = `${root}dist/sshtop-app.cjs`;

/**
Runs before any bundled module. Ink reads CI once, when its module loads, and then renders only
the last frame at exit: an operator at a terminal always wants the live view.

Yoga's loader fetches its inlined WebAssembly with fetch() when fetch exists, and the first call
of Node's fetch loads undici before the first frame; without fetch the loader decodes the same
bytes itself. fetch is hidden (its property descriptor set aside) until Yoga is loaded.
*/
export const startBanner = [
	'if(process.stdout.isTTY){delete process.env.CI;delete process.env.CONTINUOUS_INTEGRATION;}',
	"globalThis.__sshtopFetch=Object.getOwnPropertyDescriptor(globalThis,'fetch');",
	"Object.defineProperty(globalThis,'fetch',{value:undefined,configurable:true,writable:true});",
].join('\n');

/** The entry: waits for Yoga (patched to load without top-level await), puts fetch back, runs the command. */
const appEntry = [
	"import {yogaReady} from 'yoga-layout';",
	"import {runMain} from './source/main.ts';",
	'const restoreFetch = () => {',
	"\tif (globalThis.__sshtopFetch) Object.defineProperty(globalThis, 'fetch', globalThis.__sshtopFetch);",
	'\tdelete globalThis.__sshtopFetch;',
	'};',
	'yogaReady.then(() => { restoreFetch(); return runMain(process.argv.slice(2)); }, error => {',
	// eslint-disable-next-line no-template-curly-in-string -- source text for the bundle's entry.
	'\tprocess.stderr.write(`sshtop: cannot load the layout engine: ${error?.message ?? error}\\n`);',
	'\tprocess.exitCode = 1;',
	'});',
].join('\n');

/**
Returns esbuild's metafile (every input file). `without`: what the benchmark leaves out to measure what it buys: names of patch parts
(dependency-patches.mjs), bundled as published, and `hidden-fetch`.
*/
export async function bundleApp({outfile = appBundle, without = []} = {}) {
	const originals = originalsOf(without.filter(name => name !== 'hidden-fetch'));
	const {metafile} = await build({
		stdin: {contents: appEntry, resolveDir: root, sourcefile: 'app-entry.js', loader: 'js'},
		outfile,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		// SSHTOP_NO_MINIFY=1 keeps names, for reading a --cpu-prof profile of the real bundle.
		minify: process.env.SSHTOP_NO_MINIFY !== '1',
		legalComments: 'none',
		define: {
			'process.env.NODE_ENV': '"production"',
			SSHTOP_VERSION: JSON.stringify(version),
		},
		alias: {
			// Ink imports react-devtools-core (and ws for it) only when DEV is set; marking them
			// external still crashes at load, and the bundle never connects to DevTools.
			'react-devtools-core': `${root}scripts/devtools-stub.mjs`,
			ws: `${root}scripts/ws-stub.mjs`,
		},
		plugins: originals.size === 0 ? [] : [servingOriginals(originals)],
		banner: {js: without.includes('hidden-fetch') ? startBanner.split('\n')[0] : startBanner},
		// Import.meta.url is read only where it is not needed here: by yoga's loader to find a .wasm
		// file (its WebAssembly is inlined) and by main.ts when SSHTOP_VERSION is not defined.
		logOverride: {'empty-import-meta': 'silent'},
		logLevel: 'warning',
		// Which files went in: the Debian package lists the libraries it carries.
		metafile: true,
	});
	return metafile;
}
