// Parser for /proc/PID/cmdline: NUL-separated argv, possibly rewritten by setproctitle.
import {Buffer} from 'node:buffer';

/**
 * Splits raw cmdline bytes into arguments. Invalid UTF-8 becomes U+FFFD. Trailing NULs are
 * dropped: setproctitle (sshd does this) pads the old argv area with them.
 */
export function parseCmdline(bytes: Uint8Array): string[] {
	let end = bytes.length;
	while (end > 0 && bytes[end - 1] === 0) {
		end--;
	}

	if (end === 0) {
		return [];
	}

	return Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('utf8').split('\0');
}
