// The user's private cache and config directories (~/.cache/sshtop, ~/.config/sshtop): the
// launcher keeps V8's code cache in the first and the explorer its scan hint; the explorer keeps
// its preferences in the second. What is read from them is trusted only when that directory (not
// a symbolic link), the directory it is in and the file belong to this user and nobody else can
// write them, so `sudo` with another user's HOME neither reads nor leaves anything there.
import process from 'node:process';
import {type Buffer} from 'node:buffer';
import {closeSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import {homedir} from 'node:os';
import path from 'node:path';

/** Owned by this user and writable by nobody else. */
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

/** $XDG_CACHE_HOME/sshtop or ~/.cache/sshtop; undefined when the base is not an absolute path. */
export function cacheDirectory(environment: NodeJS.ProcessEnv = process.env): string | undefined {
	return xdgDirectory(environment['XDG_CACHE_HOME'], '.cache');
}

/** $XDG_CONFIG_HOME/sshtop or ~/.config/sshtop; undefined when the base is not an absolute path. */
export function configDirectory(environment: NodeJS.ProcessEnv = process.env): string | undefined {
	return xdgDirectory(environment['XDG_CONFIG_HOME'], '.config');
}

function xdgDirectory(variable: string | undefined, inHome: string): string | undefined {
	// An empty variable means unset (XDG Base Directory).
	const base = variable === undefined || variable === '' ? path.join(homedir(), inHome) : variable;
	return path.isAbsolute(base) ? path.join(base, 'sshtop') : undefined;
}

/** The file's bytes, or undefined when it is missing or not private to this user (nor its directory). */
export function readPrivateFile(file: string): Buffer | undefined {
	try {
		const fd = openSync(file, 'r');
		try {
			return isPrivate(fstatSync(fd)) &&
				isPrivateDirectory(path.dirname(file)) &&
				isOwnDirectory(path.dirname(path.dirname(file)))
				? readFileSync(fd)
				: undefined;
		} finally {
			closeSync(fd);
		}
	} catch {
		return undefined;
	}
}

/** Replaces the file (mode 0600) in one rename; does nothing where the directory is not this user's alone. */
export function writePrivateFile(file: string, data: string | Uint8Array): void {
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
		// Nothing kept: the next start does without, as this one may have.
	}
}
