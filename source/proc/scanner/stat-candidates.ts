// The stat lines a scan reads, and the schedstat readings ("run marks") that tell which watched
// processes may have changed since the last scan (quiet-processes.ts). A full scan decodes only
// the lines that may be SSH's; of the rest it looks at the parent and the name, in the bytes.
import {parseStatHead, parseStatLink, type StatFields, type StatHead, type StatLink} from '../parse/parse-stat.js';
import {isFailure, peekWholeBytes, readWholeText} from '../read-file.js';
import {listPids} from '../read-processes.js';
import {sshdCommandNames} from '../ssh-scope.js';
import type {ProcessRecord} from '../types.js';
import {createHeldFiles} from './held-files.js';
import {pidsThatRan, pidsToRead, type RunReading} from './quiet-processes.js';

/**
A watched process's stat line as last read and the record made from it: an idle process's line
does not change between refreshes, so neither its parsing nor its record is done again.
*/
export type LastReading = {
	readonly statText: string;
	readonly stat: StatFields;
	readonly fingerprint: string;
	readonly record: ProcessRecord;
	readonly userNames: ReadonlyMap<number, string>;
};

/** What the stat reader needs to know of the watched processes. */
export type WatchedLines = ReadonlyMap<number, {readonly last?: LastReading}>;

export type Candidate = {
	/** What decides membership: the whole line is parsed only for the processes kept. */
	readonly stat: StatHead;
	/** Kept to take the exec fingerprint and the other fields from, for the candidates kept. */
	readonly statText: string;
	/** The watched process's last reading, when this line reads the same. */
	readonly unchanged?: LastReading;
};

export type FullScanReading = {
	readonly candidates: Map<number, Candidate>;
	/** The parent link of every process read. */
	readonly links: readonly StatLink[];
	readonly vanishedCount: number;
};

export type StatReader = {
	/**
	Reads each watched process's schedstat, and returns the pids that may have run since the
	last scan and those whose stat lines a watch scan must read: the others' kept lines are current.
	*/
	readonly readRunMarks: (watched: WatchedLines) => {
		readonly ran: ReadonlySet<number>;
		readonly toRead: ReadonlySet<number>;
	};
	/** This scan's run mark of a watched process. */
	readonly runMarkOf: (pid: number) => string | undefined;
	/** A process's run mark as its details are about to be read: this scan's, or read now for a new one. */
	readonly detailsRunMark: (pid: number) => string | undefined;
	readonly readCandidate: (pid: number, watched: WatchedLines) => Candidate | undefined;
	/** Every process's line; decoded only for the watched ones, sshtop and those that may be SSH's. */
	readonly readAll: (watched: WatchedLines, selfPid: number) => FullScanReading;
	/** The watched processes' lines: read again for `toRead`, the kept ones otherwise. */
	readonly readWatched: (
		watched: WatchedLines,
		toRead: ReadonlySet<number>,
	) => {readonly candidates: Map<number, Candidate>; readonly statReads: number};
	/** Whether this reader may see a pid at all (hidepid hides other users' processes). */
	readonly isVisiblePid: (pid: number) => boolean;
	/** Forgets processes no longer watched and closes their files. */
	readonly release: (pids: readonly number[]) => void;
};

export function createStatReader(procRoot: string, isHolding: boolean): StatReader {
	const heldFiles = createHeldFiles(isHolding ? undefined : 0);
	/** Each watched process's schedstat text, read before its kept stat line was. */
	const runMarks = new Map<number, string>();
	const statPath = (pid: number) => `${procRoot}/${pid}/stat`;
	const schedstatPath = (pid: number) => `${procRoot}/${pid}/schedstat`;

	/**
	A watched process's schedstat text now (`now`, undefined when it cannot be compared with the
	last one) and what to compare the next one with (`next`). A held file is read only through its
	descriptor, which cannot show a new process that was given the same pid; one not held yet is
	opened, and held, for next time.
	*/
	const readRunMark = (pid: number): {readonly now: string | undefined; readonly next: string | undefined} => {
		const path = schedstatPath(pid);
		const held = isHolding ? heldFiles.readHeldText(path) : undefined;
		if (held === undefined) {
			const text = heldFiles.readWholeText(path, isHolding);
			const next = isFailure(text) ? undefined : text;
			return {now: isHolding ? undefined : next, next};
		}

		const now = isFailure(held) ? undefined : held;
		return {now, next: now};
	};

	const readRunMarks: StatReader['readRunMarks'] = watched => {
		const readings: RunReading[] = [];
		for (const [pid, entry] of watched) {
			const stat = entry.last?.stat;
			const before = runMarks.get(pid);
			const {now, next} = readRunMark(pid);
			if (next === undefined) {
				runMarks.delete(pid);
			} else {
				runMarks.set(pid, next);
			}

			readings.push({
				pid,
				ppid: stat?.ppid ?? 0,
				ttyNumber: stat?.ttyNumber ?? 0,
				threads: stat?.threads ?? 0,
				before,
				now,
			});
		}

		const ran = pidsThatRan(readings);
		return {ran, toRead: pidsToRead(readings, ran)};
	};

	// Not held from here: a pid whose details fail (gone, or a thread's) never becomes watched,
	// and only a watched pid's files are released.
	const detailsRunMark = (pid: number): string | undefined => {
		const taken = runMarks.get(pid);
		if (taken !== undefined) {
			return taken;
		}

		const text = heldFiles.readWholeText(schedstatPath(pid), false);
		return isFailure(text) ? undefined : text;
	};

	const candidateOf = (pid: number, text: string, watched: WatchedLines): Candidate | undefined => {
		const last = watched.get(pid)?.last;
		if (last?.statText === text) {
			return {stat: last.stat, statText: text, unchanged: last};
		}

		const stat = parseStatHead(text);
		return stat ? {stat, statText: text} : undefined;
	};

	const readCandidate: StatReader['readCandidate'] = (pid, watched) => {
		const text = heldFiles.readWholeText(statPath(pid), watched.has(pid));
		return isFailure(text) ? undefined : candidateOf(pid, text, watched);
	};

	/**
	A line of a process that is not watched: only its link fields, unless it may be SSH's (an
	sshd, a child of one seen so far, a child of PID 1, whose environment is looked at), or the
	line is not in the kernel's shape.
	*/
	const readLinkOrCandidate = (
		pid: number,
		mayBeSsh: ReadonlySet<number>,
		watched: WatchedLines,
	): StatLink | Candidate | undefined => {
		const bytes = peekWholeBytes(statPath(pid));
		if (isFailure(bytes)) {
			return undefined;
		}

		const link = parseStatLink(bytes);
		if (link !== undefined && link.ppid !== 1 && !mayBeSsh.has(link.ppid) && !sshdCommandNames.has(link.comm)) {
			return link;
		}

		return candidateOf(pid, bytes.toString('utf8'), watched);
	};

	const readAll: StatReader['readAll'] = (watched, selfPid) => {
		const candidates = new Map<number, Candidate>();
		const links: StatLink[] = [];
		let vanishedCount = 0;
		/** Pids decoded because they may be SSH's: their children are decoded too. */
		const mayBeSsh = new Set<number>();
		for (const pid of listPids(procRoot)) {
			const reading =
				watched.has(pid) || pid === selfPid ? readCandidate(pid, watched) : readLinkOrCandidate(pid, mayBeSsh, watched);
			if (reading === undefined) {
				vanishedCount++;
			} else if ('stat' in reading) {
				candidates.set(pid, reading);
				links.push(reading.stat);
				if (sshdCommandNames.has(reading.stat.comm) || mayBeSsh.has(reading.stat.ppid) || watched.has(pid)) {
					mayBeSsh.add(pid);
				}
			} else {
				links.push(reading);
			}
		}

		return {candidates, links, vanishedCount};
	};

	const readWatched: StatReader['readWatched'] = (watched, toRead) => {
		const candidates = new Map<number, Candidate>();
		let statReads = 0;
		for (const [pid, {last}] of watched) {
			const mustRead = last === undefined || toRead.has(pid);
			const candidate = mustRead
				? readCandidate(pid, watched)
				: {stat: last.stat, statText: last.statText, unchanged: last};
			if (candidate) {
				candidates.set(pid, candidate);
			}

			statReads += mustRead ? 1 : 0;
		}

		return {candidates, statReads};
	};

	return {
		readRunMarks,
		runMarkOf: pid => runMarks.get(pid),
		detailsRunMark,
		readCandidate,
		readAll,
		readWatched,
		isVisiblePid: pid => !isFailure(readWholeText(statPath(pid))),
		release(pids) {
			heldFiles.release(pids.flatMap(pid => [statPath(pid), schedstatPath(pid)]));
			for (const pid of pids) {
				runMarks.delete(pid);
			}
		},
	};
}

/**
Comm plus start_code and start_stack (fields 26 and 28 of stat): an exec replaces the address
space, and with ASLR the stack moves on every exec. Readers that may not trace the process see
zeros there and fall back to comm alone.
*/
export function execFingerprint(statText: string, comm: string): string {
	const fields = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
	return `${comm}\0${fields[23] ?? ''}\0${fields[25] ?? ''}`;
}
