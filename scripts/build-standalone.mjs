// Builds dist/sshtop-linux-x64: one executable that runs without Node installed, made with
// Node 20's single executable application support (a copy of this node with the app injected).
//
// Node 20 runs the embedded main script as CommonJS and its require() sees only built-in
// modules, so the app is bundled a second time, as one CommonJS file (dist/sshtop.cjs).
// CommonJS has no top-level await, and two modules use it:
// - source/cli.tsx awaits main(): the entry below calls source/main.ts itself instead;
// - yoga-layout (Ink's layout engine) awaits its WebAssembly instance at load: the plugin below
//   turns that into a promise the entry awaits before anything renders. Ink touches Yoga only
//   when it lays out a frame, never while its modules load.
// - Ink's reconciler awaits React DevTools and its own package.json when DEV=true: the
//   executable has neither, so those two awaits are cut out and DEV is ignored.
// Each rewrite checks that the text it replaces is still there, so an upgrade that changes it
// fails this build instead of the executable.
import {build} from 'esbuild';
import {inject} from 'postject';
import {execFileSync} from 'node:child_process';
import {chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {lazyStringWidth, replaceOnce} from './bundle-patches.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const {version} = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const dist = `${root}dist/`;
const bundle = `${dist}sshtop.cjs`;
const blob = `${dist}sshtop-sea.blob`;
const seaConfig = `${dist}sea-config.json`;
const executable = `${dist}sshtop-linux-x64`;
// The fuse Node's binary carries; postject flips it to say "a blob is injected".
const sentinelFuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

if (process.platform !== 'linux' || process.arch !== 'x64') {
	throw new Error(`build:standalone makes a Linux x64 executable from the running node; this is ${process.platform} ${process.arch}`);
}

const withoutTopLevelAwait = {
	name: 'without-top-level-await',
	setup(esbuild) {
		esbuild.onLoad({filter: /[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/}, ({path}) => {
			let contents = readFileSync(path, 'utf8');
			contents = replaceOnce(contents, 'const Yoga = wrapAssembly(await loadYoga());\nexport default Yoga;', [
				'let Yoga;',
				'export const yogaReady = loadYoga().then(assembly => { Yoga = wrapAssembly(assembly); });',
				// A live binding: importers see Yoga once yogaReady has resolved.
				'export {Yoga as default};',
			].join('\n'), path);
			return {contents, loader: 'js'};
		});
		esbuild.onLoad({filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/}, ({path}) => {
			let contents = readFileSync(path, 'utf8');
			contents = replaceOnce(contents, "if (isDev()) {\n    try {\n        await import('./devtools.js');", "if (false) {\n    try {", path);
			contents = replaceOnce(contents, '? await loadPackageJson()', '? undefined', path);
			contents = replaceOnce(contents, 'const packageJson = isDev()', 'const packageJson = false', path);
			return {contents, loader: 'js'};
		});
	},
};

mkdirSync(dist, {recursive: true});

await build({
	stdin: {
		contents: [
			"import {yogaReady} from 'yoga-layout';",
			"import {runMain} from './source/main.ts';",
			'yogaReady.then(() => runMain(process.argv.slice(2)), error => {',
			'\tprocess.stderr.write(`sshtop: cannot load the layout engine: ${error?.message ?? error}\\n`);',
			'\tprocess.exitCode = 1;',
			'});',
		].join('\n'),
		resolveDir: root,
		sourcefile: 'standalone-entry.js',
		loader: 'js',
	},
	outfile: bundle,
	bundle: true,
	platform: 'node',
	format: 'cjs',
	target: 'node20',
	minify: true,
	legalComments: 'none',
	// As in build.mjs.
	define: {
		'process.env.NODE_ENV': '"production"',
		SSHTOP_VERSION: JSON.stringify(version),
	},
	alias: {'react-devtools-core': `${root}scripts/devtools-stub.mjs`, ws: `${root}scripts/ws-stub.mjs`},
	plugins: [withoutTopLevelAwait, lazyStringWidth],
	// A CommonJS bundle loads every module before the entry runs, and Ink reads CI at load
	// (see source/cli.tsx): the banner runs first.
	banner: {js: "if(process.stdout.isTTY){delete process.env.CI;delete process.env.CONTINUOUS_INTEGRATION;}"},
	// import.meta.url is read only where it is not needed here: by yoga's loader to find a .wasm
	// file (its WebAssembly is inlined) and by main.ts when SSHTOP_VERSION is not defined.
	logOverride: {'empty-import-meta': 'silent'},
	logLevel: 'warning',
});

writeFileSync(seaConfig, `${JSON.stringify({
	main: bundle,
	output: blob,
	disableExperimentalSEAWarning: true,
}, undefined, 2)}\n`);
execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], {stdio: 'inherit'});

// Linux binaries carry no code signature, so there is none to remove before injecting.
rmSync(executable, {force: true});
copyFileSync(process.execPath, executable);
chmodSync(executable, 0o755);
await inject(executable, 'NODE_SEA_BLOB', readFileSync(blob), {sentinelFuse});
rmSync(blob);
process.stdout.write(`built ${executable.slice(root.length)} (node ${process.version}, sshtop ${version})\n`);
