// Between full scans, new processes are found by probing the pids the kernel handed out since the
// last scan (pid-range.ts): a process can only join a session tree by being born into it. A pid
// handed out and reused within one interval, or one the probe skipped, waits for the next full scan.
import {isFailure, readText} from '../read-file.js';
import {listPids} from '../read-processes.js';
import {forkMarginPids, probeRange} from './pid-range.js';

/** More pids to probe than this: list /proc and probe only those listed. */
const listAbove = 256;

export type NewPids =
	{readonly kind: 'pids'; readonly pids: readonly number[]} | {readonly kind: 'too-many'; readonly reason: string};

export type PidProbe = {
	/** The kernel's pid_max, read once; undefined when unreadable. */
	readonly pidMax: () => number | undefined;
	/** The pids to probe up to `lastPid` (from /proc/loadavg), or why a full scan must list /proc instead. */
	readonly newPids: (lastPid: number | undefined) => NewPids;
	/**
	Fewer pids to try: a pid that is not there costs a failed open and the exception Node makes of
	it, and thread ids answer too, so past a few hundred one listing of /proc (processes only) is
	cheaper. The newest few are tried anyway: a fork in progress is not listed yet.
	*/
	readonly thinOut: (pids: readonly number[], lastPid: number | undefined) => readonly number[];
	/**
	Tries each pid not in `isKnown` and not seen by the last scan; `read` says whether it could be
	read. Pids that could not be read yet are tried once more by the next watch scan.
	*/
	readonly probe: (
		pids: readonly number[],
		isKnown: (pid: number) => boolean,
		read: (pid: number) => boolean,
	) => {readonly attempts: number};
	/** Ends a scan: `seen`, the pids whose stat it read. */
	readonly scanDone: (isFullScan: boolean, lastPid: number | undefined, seen: ReadonlySet<number>) => void;
};

export function createPidProbe(procRoot: string, probeLimit: number): PidProbe {
	let previousLastPid: number | undefined;
	let wasFullScan = false;
	/** Pids whose stat the last scan read: the margin below the last pid re-probes only the others. */
	let seenLastScan: ReadonlySet<number> = new Set();
	/** New pids the last watch scan could not read (a fork in progress, or already gone). */
	let retryPids: readonly number[] = [];
	let pidMax: number | undefined | null = null;

	const readPidMax = (): number | undefined => {
		if (pidMax === null) {
			const text = readText(`${procRoot}/sys/kernel/pid_max`);
			pidMax = isFailure(text) ? undefined : Number(text.trim()) || undefined;
		}

		return pidMax;
	};

	return {
		pidMax: readPidMax,
		newPids(lastPid) {
			if (lastPid === undefined) {
				return {kind: 'too-many', reason: 'no last pid in loadavg'};
			}

			if (previousLastPid === undefined) {
				return {kind: 'too-many', reason: 'many new pids'};
			}

			// After a watch scan only the new pids that could not be read yet are probed again, once.
			const range = probeRange(previousLastPid, lastPid, readPidMax(), wasFullScan ? forkMarginPids : 0, probeLimit);
			return range.kind === 'too-many'
				? {kind: 'too-many', reason: 'many new pids'}
				: {kind: 'pids', pids: [...new Set([...retryPids, ...range.pids])]};
		},
		thinOut(pids, lastPid) {
			if (pids.length <= listAbove || lastPid === undefined) {
				return pids;
			}

			const listed = new Set(listPids(procRoot));
			return pids.filter(pid => listed.has(pid) || pid > lastPid - forkMarginPids);
		},
		probe(pids, isKnown, read) {
			const retried = new Set(retryPids);
			const unreadable: number[] = [];
			let attempts = 0;
			for (const pid of pids) {
				if (!isKnown(pid) && !(seenLastScan.has(pid) && previousLastPid !== undefined && pid <= previousLastPid)) {
					attempts++;
					if (!read(pid) && !retried.has(pid)) {
						unreadable.push(pid);
					}
				}
			}

			retryPids = unreadable;
			return {attempts};
		},
		scanDone(isFullScan, lastPid, seen) {
			if (isFullScan) {
				retryPids = [];
			}

			previousLastPid = lastPid;
			wasFullScan = isFullScan;
			seenLastScan = seen;
		},
	};
}
