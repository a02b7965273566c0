// When the scanner lists all of /proc (a full scan) rather than watching the SSH part of it: the
// first read, every interval (stretched so that full scans stay a small share of a core), and
// soon after a change a watch scan cannot follow: the set of listening sockets changed (a new
// listener starts outside every watched tree), or the first read came from a scan hint.

/** Why the read after a start from a scan hint is a full scan; the explorer brings that read forward. */
export const afterHintReason = 'after a hinted start';

export type ScheduleOptions = {
	readonly fullScanIntervalMs: number;
	/** Shortest time between full scans brought forward by a change. */
	readonly earlyFullScanGapMs: number;
	/** The interval between full scans is at least this many times the last one's duration; 0 turns it off. */
	readonly fullScanCostFactor: number;
};

export type ScanSchedule = {
	/** Why the read starting now must be a full scan; undefined when a watch scan will do. */
	readonly fullScanReason: (startedAt: number) => string | undefined;
	/** The first read came from a scan hint: the next one looks at everything. */
	readonly startedFromHint: () => void;
	readonly scanDone: (scan: {
		readonly isFullScan: boolean;
		readonly startedAt: number;
		readonly durationMs: number;
		readonly listenKey: string;
	}) => void;
	readonly lastFullScanAt: () => number | undefined;
	/** After a start from a hint, until the full scan that follows it. */
	readonly isFullScanDue: () => boolean;
};

export function createScanSchedule({
	fullScanIntervalMs,
	earlyFullScanGapMs,
	fullScanCostFactor,
}: ScheduleOptions): ScanSchedule {
	let lastFullScanAt: number | undefined;
	let lastFullScanDurationMs = 0;
	/** A wish for a full scan stays until a full scan serves it. */
	let fullScanWanted: string | undefined = 'first';
	let listenKey: string | undefined;
	return {
		fullScanReason(startedAt) {
			const sinceFullScan = lastFullScanAt === undefined ? Number.POSITIVE_INFINITY : startedAt - lastFullScanAt;
			const wanted =
				fullScanWanted !== undefined && (fullScanWanted === 'first' || sinceFullScan >= earlyFullScanGapMs)
					? fullScanWanted
					: undefined;
			return (
				wanted ??
				(sinceFullScan >= Math.max(fullScanIntervalMs, lastFullScanDurationMs * fullScanCostFactor)
					? 'interval'
					: undefined)
			);
		},
		startedFromHint() {
			fullScanWanted = afterHintReason;
		},
		scanDone(scan) {
			if (scan.isFullScan) {
				fullScanWanted = undefined;
				lastFullScanAt = scan.startedAt;
				lastFullScanDurationMs = scan.durationMs;
			}

			if (listenKey !== undefined && scan.listenKey !== listenKey) {
				fullScanWanted = 'listeners changed';
			}

			listenKey = scan.listenKey;
		},
		lastFullScanAt: () => lastFullScanAt,
		isFullScanDue: () => fullScanWanted === afterHintReason,
	};
}
