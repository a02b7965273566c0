// The npm package's entry (dist/sshtop.js): runs the application bundle, dist/sshtop-app.cjs,
// with V8's code cache. Compiling the bundle, and the functions the first frame calls, is a
// large part of a start; with the cache, V8 reads the compiled code back instead. Node 20 has no
// module.enableCompileCache (Node 22), so this does what it does, for one script.
//
// The cache is compiled code that will run as whoever runs sshtop (often root): it is kept in
// that user's private cache directory (private-cache.ts says who must own what) and named after
// the bundle's size and mtime and the Node version. V8 itself rejects data made by another V8,
// other flags or another source length; a rejected or missing cache is written again once the
// program has run for a while. SSHTOP_CODE_CACHE=0 turns it off.
import process from 'node:process';
import {readdirSync, readFileSync, rmSync, statSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import vm from 'node:vm';
import {cacheDirectory, readPrivateFile, writePrivateFile} from './private-cache.js';

const appFile = fileURLToPath(new URL('sshtop-app.cjs', import.meta.url));

const source = readFileSync(appFile, 'utf8');
const directory = process.env['SSHTOP_CODE_CACHE'] === '0' ? undefined : cacheDirectory();
const appStats = statSync(appFile);
// The explorer runs far more of the bundle than a one-shot command: each has its own cache, so
// an early `--version` does not leave the explorer a cache of little more than start-up.
const arguments_ = process.argv.slice(2);
const isExplorer =
	process.stdin.isTTY &&
	process.stdout.isTTY &&
	!arguments_.some(argument => ['--json', '--version', '-V', '--help', '-h', 'reap'].includes(argument));
const cachePrefix = `app-${appStats.size}-${Math.trunc(appStats.mtimeMs)}-node${process.version}-${process.arch}-`;
const cacheFile =
	directory === undefined
		? undefined
		: path.join(directory, `${cachePrefix}${isExplorer ? 'explorer' : 'command'}.v8cache`);
const cachedData = cacheFile === undefined ? undefined : readPrivateFile(cacheFile);
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
	filename: appFile,
	...(cachedData === undefined ? {} : {cachedData}),
	importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});

if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
	// After the first frame and a refresh, the cache holds the code they ran too; a short run
	// (--json, --version) writes it as it exits.
	let isWritten = false;
	const save = () => {
		if (!isWritten) {
			isWritten = true;
			writePrivateFile(cacheFile, script.createCachedData());
			removeOtherCaches(path.dirname(cacheFile));
		}
	};

	setTimeout(save, 3000).unref();
	process.once('exit', save);
}

/** Caches of other builds or Node versions: each upgrade would otherwise leave one behind for good. */
function removeOtherCaches(cacheDirectory: string): void {
	try {
		for (const name of readdirSync(cacheDirectory)) {
			if (/^app-.*\.v8cache$/u.test(name) && !name.startsWith(cachePrefix)) {
				rmSync(path.join(cacheDirectory, name), {force: true});
			}
		}
	} catch {
		// Not ours to tidy (not written either): nothing to do.
	}
}

const module = {exports: {}};
const wrapper: unknown = script.runInThisContext();
if (typeof wrapper !== 'function') {
	throw new TypeError(`sshtop: ${appFile} did not load as a CommonJS module`);
}

Reflect.apply(wrapper, undefined, [module.exports, createRequire(appFile), module, appFile, path.dirname(appFile)]);
