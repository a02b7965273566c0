// Which watched processes' stat lines a watch scan must read again. A process that did not run
// since the last scan (its /proc/PID/schedstat reads the same) has the same stat line, except for
// what others change: its parent (re-parenting: read when the parent ran or went), its terminal's
// foreground group (read when any process on that terminal ran or went) and its other threads'
// counters (a process with more than one thread is always read). Full scans read every line.

export type RunReading = {
	readonly pid: number;
	/** From the stat line the scanner keeps. */
	readonly ppid: number;
	/** 0 without a controlling terminal. */
	readonly ttyNumber: number;
	readonly threads: number;
	/** The schedstat text taken before the kept stat line was read; undefined when there is none. */
	readonly before: string | undefined;
	/** The schedstat text now; undefined when it could not be read, or not from the same process. */
	readonly now: string | undefined;
};

/** PID 1 never exits, so its children are never re-parented. */
const initPid = 1;

/** The pids that may have run between their two readings. */
export function pidsThatRan(readings: readonly RunReading[]): Set<number> {
	return new Set(
		readings
			.filter(reading => mayHaveRunSince(reading.before, reading.now, reading.threads))
			.map(reading => reading.pid),
	);
}

/** The pids whose stat lines must be read; every other reading's kept stat line is current. */
export function pidsToRead(
	readings: readonly RunReading[],
	ran: ReadonlySet<number> = pidsThatRan(readings),
): Set<number> {
	const watchedPids = new Set<number>();
	const activeTtys = new Set<number>();
	for (const reading of readings) {
		watchedPids.add(reading.pid);
		if (ran.has(reading.pid) && reading.ttyNumber !== 0) {
			activeTtys.add(reading.ttyNumber);
		}
	}

	const toRead = new Set(ran);
	for (const reading of readings) {
		const isParentSettled = reading.ppid === initPid || (watchedPids.has(reading.ppid) && !ran.has(reading.ppid));
		if (!isParentSettled || (reading.ttyNumber !== 0 && activeTtys.has(reading.ttyNumber))) {
			toRead.add(reading.pid);
		}
	}

	return toRead;
}

/** Whether a process may have run between two schedstat readings (undefined: not read, or not comparable). */
export function mayHaveRunSince(before: string | undefined, now: string | undefined, threads: number): boolean {
	return before === undefined || now === undefined || now !== before || threads !== 1 || !hasRunTime(now);
}

/**
 * A kernel without scheduler statistics prints `0 0 0` for every process, which would make
 * every process look idle for ever; any process that ever ran has a time on a CPU above 0.
 */
function hasRunTime(schedstat: string): boolean {
	const time = schedstat.slice(0, schedstat.indexOf(' '));
	return time !== '' && /^\d+$/u.test(time) && !/^0+$/u.test(time);
}
