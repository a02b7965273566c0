// The exact strings the filter searches: the ones the rows display (columns.ts), so a highlight
// range is an offset into the text on screen before it is fitted to its column.
import {formatEndpoint} from '../view/format.js';
import {sanitizeCommand, sanitizeText} from '../view/sanitize.js';
import type {Endpoint, ProcessRecord} from '../types.js';

/** As a process row shows it: argv joined by spaces, or `[comm]` without argv; control characters made visible. */
export function commandLine(process: Pick<ProcessRecord, 'argv' | 'comm'>): string {
	return sanitizeCommand(process.argv, process.comm);
}

/** `10.0.0.5:50022`, or `[fe80::1]:50022` for IPv6. */
export function peerText(peer: Endpoint): string {
	return sanitizeText(formatEndpoint(peer));
}

/** As the session row's TTY column shows them: `pts/3,pts/7`. */
export function ttysText(ttys: readonly string[]): string {
	return sanitizeText(ttys.join(','));
}

export function userText(user: string): string {
	return sanitizeText(user);
}
