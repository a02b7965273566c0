// I/O counters of the few processes whose activity tells a terminal-less session's idle time.
import {isFailure, readText} from './read-file.js';
import {parseIoCharacters} from './parse/parse-proc-access.js';
import type {ProcessRecord} from './types.js';

/** Characters read plus written so far, by pid; a process whose io file is unreadable is left out. */
export function readProcessIo(procRoot: string, processes: Iterable<Pick<ProcessRecord, 'pid'>>): Map<number, number> {
	const characters = new Map<number, number>();
	for (const {pid} of processes) {
		const text = readText(`${procRoot}/${pid}/io`);
		const count = isFailure(text) ? undefined : parseIoCharacters(text);
		if (count !== undefined) {
			characters.set(pid, count);
		}
	}

	return characters;
}
