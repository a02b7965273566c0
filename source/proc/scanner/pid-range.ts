// Which pids were handed out since the last refresh, from the last pid the kernel allocated
// (the fifth field of /proc/loadavg). Every process that can join an SSH session's tree after
// a refresh is a new process with one of these pids: processes are never re-parented into a
// session, only out of it. So a refresh probes these few pids instead of listing /proc.

/** The last allocated pid from /proc/loadavg ("0.10 0.20 0.30 1/123 4567"). */
export function parseLastPid(loadavgText: string): number | undefined {
	const field = loadavgText.trim().split(/\s+/u)[4];
	return field !== undefined && /^\d+$/u.test(field) ? Number(field) : undefined;
}

/**
 * Pids re-probed below the last pid a scan saw: a pid is allocated a moment before its process
 * appears in /proc, so forks still in progress then may not have been readable yet.
 */
export const forkMarginPids = 64;

export type ProbeRange =
	| {readonly kind: 'pids'; readonly pids: readonly number[]}
	/** Too many new pids (or an allocator that went backwards without a known pid_max): list /proc instead. */
	| {readonly kind: 'too-many'};

/**
 * The pids allocated after `previousLastPid` up to `lastPid`, counting back `marginPids` more:
 * a pid is allocated a moment before its process appears in /proc, so the last few pids seen
 * by the previous refresh may have been too young to read. The allocator wraps at pid_max back
 * to 301 (RESERVED_PIDS), skipping pids still in use.
 */
export function probeRange(
	previousLastPid: number,
	lastPid: number,
	pidMax: number | undefined,
	marginPids: number,
	limit: number,
): ProbeRange {
	const from = previousLastPid - marginPids + 1;
	if (lastPid >= previousLastPid) {
		const start = Math.max(1, from);
		return lastPid - start + 1 > limit ? {kind: 'too-many'} : {kind: 'pids', pids: range(start, lastPid)};
	}

	if (pidMax === undefined) {
		return {kind: 'too-many'};
	}

	const firstAfterWrap = 300;
	const count = pidMax - Math.max(1, from) + Math.max(0, lastPid - firstAfterWrap + 1);
	if (count > limit) {
		return {kind: 'too-many'};
	}

	return {kind: 'pids', pids: [...range(Math.max(1, from), pidMax - 1), ...range(firstAfterWrap, lastPid)]};
}

function range(first: number, last: number): number[] {
	const pids: number[] = [];
	for (let pid = first; pid <= last; pid++) {
		pids.push(pid);
	}

	return pids;
}
