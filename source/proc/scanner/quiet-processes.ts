// Which watched processes' stat lines a watch scan must read again. A process that has not run
// since the last scan mostly has the same stat line: its counters, state and memory move only
// while it runs. /proc/PID/schedstat (time on a CPU, time waiting for one, times scheduled) is a
// third of the kernel's cost of a stat line and shows whether the process ran. What changes in
// a stat line without its process running decides the rest:
// - its parent pid, when the parent exits (re-parenting): read again when the parent ran or is
//   not watched;
// - its terminal's foreground group (tpgid), which any process of the terminal's session can
//   set (a shell's `fg`): read again when any process on the same terminal ran or is gone;
// - the counters of its other threads: schedstat is the main thread's own, so a process with
//   more than one thread is always read.
// Nice, priority and memory given back to the kernel can change too; full scans read every
// stat line. A process that did not run did not change its title, files or user either: the
// scanner re-reads those only for processes that ran since they were last read.

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
