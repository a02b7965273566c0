// Synchronous reads of small /proc files into one reused buffer: several times cheaper than
// fs.promises or readFileSync for the thousands of tiny files one refresh reads.
import {Buffer} from 'node:buffer';
import {closeSync, openSync, readSync} from 'node:fs';

export type ReadFailure = {readonly failure: string};

let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * The bytes stay valid only until the next read: decode or copy them at once.
 * `isWholeInOneRead`: the kernel produces the file in one piece (stat, status, cmdline,
 * environ, loadavg), so a read that does not fill the buffer is the end and the extra read
 * that would return 0 is skipped: a quarter of the syscalls of a stat file. Not for seq_file
 * tables such as /proc/net/tcp, which hand out one page per read.
 */
function readInto(path: string, isWholeInOneRead: boolean): Buffer | ReadFailure {
	let fd: number;
	try {
		fd = openSync(path, 'r');
	} catch (error) {
		return {failure: errorCode(error)};
	}

	try {
		let length = 0;
		for (;;) {
			if (length === scratch.length) {
				const larger = Buffer.allocUnsafe(scratch.length * 2);
				scratch.copy(larger);
				scratch = larger;
			}

			const space = scratch.length - length;
			const count = readSync(fd, scratch, length, space, null);
			length += count;
			if (count === 0 || (isWholeInOneRead && count < space)) {
				return scratch.subarray(0, length);
			}
		}
	} catch (error) {
		return {failure: errorCode(error)};
	} finally {
		closeSync(fd);
	}
}

export function readText(path: string): string | ReadFailure {
	const bytes = readInto(path, false);
	return Buffer.isBuffer(bytes) ? bytes.toString('utf8') : bytes;
}

export function readBytes(path: string): Buffer | ReadFailure {
	const bytes = readInto(path, false);
	return Buffer.isBuffer(bytes) ? Buffer.from(bytes) : bytes;
}

/** ReadText for a per-process file the kernel writes out in one read (stat, status, loadavg). */
export function readWholeText(path: string): string | ReadFailure {
	const bytes = readInto(path, true);
	return Buffer.isBuffer(bytes) ? bytes.toString('utf8') : bytes;
}

/**
 * The bytes of a file the kernel writes in one read, left in the shared buffer: valid only until
 * the next read. For a full scan, which looks at every process's stat line for two fields and
 * decodes only the few lines that may be SSH's.
 */
export function peekWholeBytes(path: string): Buffer | ReadFailure {
	return readInto(path, true);
}

/** ReadBytes for cmdline and environ, which the kernel copies out in one read. */
export function readWholeBytes(path: string): Buffer | ReadFailure {
	const bytes = readInto(path, true);
	return Buffer.isBuffer(bytes) ? Buffer.from(bytes) : bytes;
}

export function isFailure(value: unknown): value is ReadFailure {
	return typeof value === 'object' && value !== null && 'failure' in value;
}

export function errorCode(error: unknown): string {
	return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
		? error.code
		: 'EIO';
}

/** A process that exits while being read makes its files fail with these. */
export function meansVanished(failure: ReadFailure): boolean {
	return failure.failure === 'ENOENT' || failure.failure === 'ESRCH';
}
