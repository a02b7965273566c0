// The npm package's entry (dist/sshtop.js): runs the application bundle, dist/sshtop-app.cjs,
// with V8's code cache. Compiling the 650 KB bundle, and the functions the first frame calls,
// is a third of a start; with the cache, V8 reads the compiled code back instead. Node 20 has no
// module.enableCompileCache (Node 22), so this does what it does, for one script.
//
// The cache is compiled code that will run as whoever runs sshtop (often root): it is kept in
// that user's own cache directory, used only when that directory (not a symbolic link), the
// directory it is in and the file belong to this user and nobody else can write them (so
// `sudo` with another user's HOME keeps no cache there), and named after the bundle's size and mtime and the
// Node version. V8 itself rejects data made by another V8, other flags or another source length;
// a rejected or missing cache is written again once the program has run for a while.
// SSHTOP_CODE_CACHE=0 turns it off.
import {closeSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {homedir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import vm from 'node:vm';

const appFile = fileURLToPath(new URL('sshtop-app.cjs', import.meta.url));

/** Owned by this user and writable by nobody else: safe to run code from. */
function isPrivate(stats: {readonly uid: number; readonly mode: number}): boolean {
	return stats.uid === process.geteuid?.() && (stats.mode & 0o022) === 0;
}

/** A real directory (a symbolic link is not followed), private to this user. */
function isPrivateDirectory(directory: string): boolean {
	try {
		const stats = lstatSync(directory);
		return stats.isDirectory() && isPrivate(stats);
	} catch {
		return false;
	}
}

/** Owned by this user, whoever else may write it: a place this user's files may be created in. */
function isOwnDirectory(directory: string): boolean {
	try {
		const stats = lstatSync(directory);
		return stats.isDirectory() && stats.uid === process.geteuid?.();
	} catch {
		return false;
	}
}

function cacheDirectory(): string | undefined {
	if (process.env['SSHTOP_CODE_CACHE'] === '0') {
		return undefined;
	}

	const base = process.env['XDG_CACHE_HOME'] || path.join(homedir(), '.cache');
	return path.isAbsolute(base) ? path.join(base, 'sshtop') : undefined;
}

function readCache(file: string): Buffer | undefined {
	try {
		const fd = openSync(file, 'r');
		try {
			return isPrivate(fstatSync(fd)) && isPrivateDirectory(path.dirname(file)) && isOwnDirectory(path.dirname(path.dirname(file)))
				? readFileSync(fd)
				: undefined;
		} finally {
			closeSync(fd);
		}
	} catch {
		return undefined;
	}
}

function writeCache(file: string, data: Buffer): void {
	try {
		const directory = path.dirname(file);
		const base = path.dirname(directory);
		// ~/.cache may be created (0700), but only in a directory of this user's own.
		if (!isOwnDirectory(base)) {
			if (!isOwnDirectory(path.dirname(base))) {
				return;
			}

			mkdirSync(base, {mode: 0o700});
		}

		if (!isOwnDirectory(base)) {
			return;
		}

		try {
			mkdirSync(directory, {mode: 0o700});
		} catch {
			// There already; checked next.
		}

		if (!isPrivateDirectory(directory)) {
			return;
		}

		const temporary = `${file}.${process.pid}`;
		writeFileSync(temporary, data, {mode: 0o600});
		renameSync(temporary, file);
	} catch {
		// No cache: the next start compiles again, as it did this time.
	}
}

const source = readFileSync(appFile, 'utf8');
const directory = cacheDirectory();
const appStats = statSync(appFile);
// The explorer runs far more of the bundle than a one-shot command: each has its own cache, so
// an early `--version` does not leave the explorer a cache of little more than start-up.
const arguments_ = process.argv.slice(2);
const isExplorer = process.stdin.isTTY && process.stdout.isTTY
	&& !arguments_.some(argument => ['--json', '--version', '-V', '--help', '-h', 'reap'].includes(argument));
const cacheFile = directory === undefined
	? undefined
	: path.join(directory, `app-${appStats.size}-${Math.trunc(appStats.mtimeMs)}-node${process.version}-${process.arch}-${isExplorer ? 'explorer' : 'command'}.v8cache`);
const cachedData = cacheFile === undefined ? undefined : readCache(cacheFile);
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
			writeCache(cacheFile, script.createCachedData());
		}
	};

	setTimeout(save, 3000).unref();
	process.once('exit', save);
}

const module = {exports: {}};
(script.runInThisContext() as (...parameters: unknown[]) => void)(module.exports, createRequire(appFile), module, appFile, path.dirname(appFile));
