// The exact strings the filter searches. Highlight ranges are offsets into these strings, so a
// row that shows a field should show it through these functions (or map the ranges itself).
import type {Endpoint, ProcessRecord} from './types.js';

/** A process's command line as shown in a row: argv joined by spaces, or `[comm]` when argv is empty (kernel threads, zombies). */
export function commandLine(process: Pick<ProcessRecord, 'argv' | 'comm'>): string {
	return process.argv.length > 0 ? process.argv.join(' ') : `[${process.comm}]`;
}

/** `10.0.0.5:50022`, or `[fe80::1]:50022` for IPv6, so the port stays readable. */
export function peerText(peer: Endpoint): string {
	return peer.address.includes(':') ? `[${peer.address}]:${peer.port}` : `${peer.address}:${peer.port}`;
}

/** A session's terminals as one string, in the session's own order: `pts/3 pts/7`. */
export function ttysText(ttys: readonly string[]): string {
	return ttys.join(' ');
}
