// Files the scanner reads on every refresh, kept open between refreshes and read again from
// offset 0: the kernel writes /proc/PID/stat afresh for each read, so one pread replaces an
// open, a read and a close. A descriptor stays bound to the
// process it was opened for: once that process is gone its reads fail, even if its pid has
// been handed to a new process, so a held file can never describe a different process.
import {Buffer} from 'node:buffer';
import {closeSync, openSync, readSync} from 'node:fs';
import {errorCode, isFailure, readText, readWholeText as readWholeFile, type ReadFailure} from '../read-file.js';

export type HeldFiles = {
	/** Reads a file the kernel writes in one read; held open after when `hold` is true. */
	readonly readWholeText: (path: string, hold: boolean) => string | ReadFailure;
	/**
	Reads a file only through the descriptor already held for it: text from the very process it
	was opened for, a failure once that process is gone (the file is closed then), undefined
	when the file is not held.
	*/
	readonly readHeldText: (path: string) => string | ReadFailure | undefined;
	/** Closes these files when held (the files of processes no longer watched). */
	readonly release: (paths: Iterable<string>) => void;
	readonly size: () => number;
};

/**
Beyond this many, files are opened and closed on each read as before: a quarter of the
process's descriptor limit (Node raises the soft limit to the hard one at start), at most 8192.
*/
export function heldFilesLimit(limitsText: string | undefined): number {
	const soft = /^Max open files\s+(\d+|unlimited)/mu.exec(limitsText ?? '')?.[1];
	const descriptors = soft === undefined ? 1024 : soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
	return Math.min(8192, Math.floor(descriptors / 4));
}

/** `limit` 0 holds nothing: every read opens and closes its file. */
export function createHeldFiles(limit = heldFilesLimit(readLimits())): HeldFiles {
	const held = new Map<string, number>();
	let buffer = Buffer.allocUnsafe(4096);

	const readAt0 = (fd: number): string => {
		for (;;) {
			const count = readSync(fd, buffer, 0, buffer.length, 0);
			if (count < buffer.length) {
				return buffer.toString('utf8', 0, count);
			}

			buffer = Buffer.allocUnsafe(buffer.length * 2);
		}
	};

	const readHeldText = (path: string): string | ReadFailure | undefined => {
		const heldFd = held.get(path);
		if (heldFd === undefined) {
			return undefined;
		}

		let failure = 'ESRCH';
		try {
			const text = readAt0(heldFd);
			if (text !== '') {
				return text;
			}
		} catch (error) {
			failure = errorCode(error);
		}

		held.delete(path);
		closeSync(heldFd);
		return {failure};
	};

	const readWholeText = (path: string, hold: boolean): string | ReadFailure => {
		const heldText = readHeldText(path);
		if (typeof heldText === 'string') {
			return heldText;
		}

		// Not held, or its process is gone: the path may name a new process now; open it afresh.
		if (!hold || held.size >= limit) {
			return readWholeFile(path);
		}

		let fd: number;
		try {
			fd = openSync(path, 'r');
		} catch (error) {
			return {failure: errorCode(error)};
		}

		try {
			const text = readAt0(fd);
			held.set(path, fd);
			return text;
		} catch (error) {
			closeSync(fd);
			return {failure: errorCode(error)};
		}
	};

	return {
		readWholeText,
		readHeldText,
		release(paths) {
			for (const path of paths) {
				const fd = held.get(path);
				if (fd !== undefined) {
					held.delete(path);
					closeSync(fd);
				}
			}
		},
		size: () => held.size,
	};
}

function readLimits(): string | undefined {
	const text = readText('/proc/self/limits');
	return isFailure(text) ? undefined : text;
}
