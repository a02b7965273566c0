// sshd's log, read incrementally: a refresh with nothing new logged reads nothing; new lines are
// read from where the last read stopped; a new or rotated file is read from its end backwards,
// in growing windows (1 MiB, then 8, then 64 at most), only until every live session is
// answered. A 1 GB auth.log is never read whole.
import {closeSync, existsSync, openSync, readSync, statSync, type Stats} from 'node:fs';
import {Buffer} from 'node:buffer';
import {createAuthLedger, type AuthLedger} from '../model/identity/auth-ledger.js';
import {parseSshdLogLine, type SshdLogLine} from '../model/identity/sshd-log.js';

/** Where sshd's lines are, first that exists: --auth-log, then the syslog files Debian and Red Hat keep. */
export const defaultAuthLogs = ['/var/log/auth.log', '/var/log/secure'] as const;

export type AuthLogReader = {
	readonly path: string;
	/**
	Reads what is new. A first read stops growing its window once `isAnswered` says the ledger
	answers every live session and it reaches `earliestWanted` (epoch ms: the failed-login window),
	or once it reaches a line older than `oldestLoginAt` (epoch ms).
	*/
	readonly refresh: (
		isAnswered: (ledger: AuthLedger) => boolean,
		oldestLoginAt?: number,
		earliestWanted?: number,
	) => void;
	readonly ledger: () => AuthLedger;
	/** Bytes read from the log so far: what a refresh cost. */
	readonly bytesRead: () => number;
	/** Why the log could not be read at the last refresh; undefined when it was. */
	readonly problem: () => string | undefined;
};

const firstWindow = 1 << 20;
const largestWindow = 64 << 20;

/** The log to read: the one named, else the first default that exists; undefined when none does. */
export function authLogPath(named: string | undefined): string | undefined {
	return named ?? defaultAuthLogs.find(file => existsSync(file));
}

/**
The sshd lines of some text. Lines without a time stamp (`sshd -E`) that were written since the
last read are stamped with now when `isFresh`; read back from a new file, when they happened is unknown.
*/
function parsedLines(text: string, isFresh: boolean): SshdLogLine[] {
	const lines: SshdLogLine[] = [];
	const now = Date.now();
	for (const line of text.split('\n')) {
		const parsed = parseSshdLogLine(line, now);
		if (parsed !== undefined) lines.push(isFresh && parsed.time === undefined ? {...parsed, time: now} : parsed);
	}

	return lines;
}

/** The time of the first line that has one. */
function earliestTime(lines: readonly SshdLogLine[]): number | undefined {
	return lines.find(line => line.time !== undefined)?.time;
}

export function createAuthLogReader(path: string): AuthLogReader {
	let ledger = createAuthLedger();
	let inode: number | undefined;
	let offset = 0;
	let bytesRead = 0;
	let problem: string | undefined;

	function read(descriptor: number, from: number, to: number): Buffer {
		const buffer = Buffer.alloc(to - from);
		let done = 0;
		while (done < buffer.length) {
			const count = readSync(descriptor, buffer, done, buffer.length - done, from + done);
			if (count === 0) break;
			done += count;
		}

		bytesRead += done;
		return buffer.subarray(0, done);
	}

	/** The complete lines of a byte range, and where the part after its last newline starts. */
	function completeLines(bytes: Buffer, from: number, dropFirst: boolean): {text: string; end: number} {
		const last = bytes.lastIndexOf(0x0a);
		if (last === -1) return {text: '', end: from};
		const first = dropFirst ? bytes.indexOf(0x0a) + 1 : 0;
		return {text: first > last ? '' : bytes.subarray(first, last).toString('utf8'), end: from + last + 1};
	}

	return {
		path,
		ledger: () => ledger,
		bytesRead: () => bytesRead,
		problem: () => problem,
		refresh(isAnswered, oldestLoginAt, earliestWanted) {
			// One stat a refresh: the log is opened only when it grew or was replaced.
			let stat: Stats;
			let descriptor: number;
			try {
				stat = statSync(path);
				if (!stat.isFile()) throw new Error('not a regular file');
				problem = undefined;
				if (inode === stat.ino && stat.size === offset) return;
				descriptor = openSync(path, 'r');
			} catch (error) {
				problem = `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`;
				return;
			}

			try {
				if (inode === stat.ino && stat.size > offset) {
					const {text, end} = completeLines(read(descriptor, offset, stat.size), offset, false);
					ledger.add(parsedLines(text, true));
					offset = end;
					return;
				}

				// New, replaced or truncated: read back from the end until the sessions are answered.
				inode = stat.ino;
				for (let window = firstWindow; ; window *= 8) {
					const from = Math.max(0, stat.size - window);
					const {text, end} = completeLines(read(descriptor, from, stat.size), from, from > 0);
					const lines = parsedLines(text, false);
					const fresh = createAuthLedger();
					fresh.add(lines);
					ledger = fresh;
					offset = end;
					const earliest = earliestTime(lines);
					const reachesOldest = earliest !== undefined && oldestLoginAt !== undefined && earliest <= oldestLoginAt;
					// Lines without times (sshd -E) cannot say how far back they go.
					const reachesWanted = earliest === undefined || earliestWanted === undefined || earliest <= earliestWanted;
					if (from === 0 || window >= largestWindow || reachesOldest || (reachesWanted && isAnswered(fresh))) break;
				}
			} finally {
				closeSync(descriptor);
			}
		},
	};
}
