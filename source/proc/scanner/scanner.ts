// The explorer's reader: keeps watching the SSH part of the process table from one refresh to
// the next for a small fraction of what listing and reading all of /proc costs.
//
// A full scan (schedule.ts) reads every process's stat line and picks the watched set
// (membership.ts). A watch scan in between re-reads only the watched processes' lines that may
// have changed (stat-candidates.ts, quiet-processes.ts) and probes the pids handed out since
// (pid-probe.ts). Details are read again only when they may have changed (detail-cache.ts), the
// socket table only when it may have (socket-table.ts). A start from the last run's scan hint
// (scan-hint.ts) makes its first read a watch scan of the hinted pids and the full scan the next.
import process from 'node:process';
import {hostname} from 'node:os';
import {parseLoadAverage, parseUptime} from '../parse/parse-system.js';
import {isFailure, readWholeText} from '../read-file.js';
import type {ProcessReadContext} from '../read-processes.js';
import {
	bootTimeSeconds,
	clockTicksPerSecond,
	pageSizeBytes,
	readSystemMark,
	readTtyActivity,
	createUserNamesReader,
} from '../read-snapshot.js';
import type {TcpInfoReading} from '../read-tcp-info.js';
import type {Snapshot} from '../types.js';
import {createDetailCache} from './detail-cache.js';
import {createEnvironmentReader, type EnvironmentReading} from './environments.js';
import {isMembershipUnchanged, membershipOf, type Membership} from './membership.js';
import {createPidProbe} from './pid-probe.js';
import {parseLastPid} from './pid-range.js';
import {hintedPids, type HintedSockets, type ScanHint} from './scan-hint.js';
import {createScanSchedule} from './schedule.js';
import {createSocketTable, hasSocketHolderRun} from './socket-table.js';
import {createStatReader, type Candidate} from './stat-candidates.js';

export type ScannerOptions = {
	readonly procRoot?: string;
	readonly devRoot?: string;
	readonly passwdPath?: string;
	/** Pid of the reader; the default is this process. */
	readonly selfPid?: number;
	readonly now?: () => number;
	/** Time between full scans; stretched so that full scans cost at most 0.25 % of a core (fullScanCostFactor). */
	readonly fullScanIntervalMs?: number;
	/** Shortest time between full scans brought forward by a change (a listener or session gone). */
	readonly earlyFullScanGapMs?: number;
	/** Details of a process younger than this (or exec'd less long ago) are re-read on every scan. */
	readonly youngMs?: number;
	/** Details older than this are read again. */
	readonly revalidateMs?: number;
	/** More new pids than this since the last scan: list /proc in a full scan instead of probing. */
	readonly probeLimit?: number;
	/** The interval between full scans is at least this many times the last one's duration; 0 turns it off. */
	readonly fullScanCostFactor?: number;
	/** Longest a watch scan reuses a TCP socket table that may have changed (socket-table.ts); the explorer's `ss` cadence by default. */
	readonly socketsMaxAgeMs?: number;
	/**
	Keep the watched processes' stat files open between scans (held-files.ts). Default: only for
	the real /proc, whose files fail once their process is gone; a directory of plain files that
	stands in for /proc in tests would keep showing a removed process through an open file.
	*/
	readonly holdStatFiles?: boolean;
	/**
	The SSH part of the table as the last run last found it (scan-hint.ts): when it is
	about this boot and few processes were forked since, the first read is a watch scan of those
	pids and the ones handed out since, and the full scan follows at the next read.
	*/
	readonly hint?: ScanHint;
};

export type ScanKind = 'full' | 'watch';

/** What the last read did, for the header and the benchmark. */
export type ScanSummary = {
	readonly kind: ScanKind;
	/** Why a full scan ran: `first`, `interval`, `listeners changed`, `many new pids`, `after a hinted start`, ...; `hint` for a first watch scan from a scan hint. */
	readonly reason: string | undefined;
	readonly durationMs: number;
	/** Processes in the snapshot. */
	readonly watchedCount: number;
	/** Stat files read: every process in a full scan; otherwise the probed ones and the watched ones that may have run (quiet-processes.ts). */
	readonly statReads: number;
	/** Processes whose status, cmdline, exe (and fds) were read, not taken from the cache. */
	readonly detailReads: number;
	/** Pids a watch scan tried to read because they were handed out since the last scan (or were not readable yet then). */
	readonly probeAttempts: number;
};

export type ProcessScanner = {
	readonly read: (tcpInfo?: TcpInfoReading) => Snapshot;
	/** Epoch milliseconds of the last full scan; undefined before the first read. */
	readonly lastFullScanAt: () => number | undefined;
	readonly lastScan: () => ScanSummary | undefined;
	/**
	A hint for the next run, from the last full scan or a start from a hint (whose pids are as
	sound as a watch scan's): undefined before one, or where /proc does not say which boot it is.
	A new object each time there is a new hint.
	*/
	readonly scanHint: () => ScanHint | undefined;
	/** After a start from a hint, until the full scan that follows it: the next read should come soon. */
	readonly isFullScanDue: () => boolean;
};

const defaults = {
	fullScanIntervalMs: 30_000,
	earlyFullScanGapMs: 5000,
	youngMs: 10_000,
	revalidateMs: 60_000,
	probeLimit: 4096,
	fullScanCostFactor: 400,
	socketsMaxAgeMs: 10_000,
};

export function createProcessScanner(options: ScannerOptions = {}): ProcessScanner {
	const procRoot = options.procRoot ?? '/proc';
	const devRoot = options.devRoot ?? '/dev';
	const userNames = createUserNamesReader(options.passwdPath ?? '/etc/passwd');
	const selfPid = options.selfPid ?? process.pid;
	const now = options.now ?? Date.now;
	const probeLimit = options.probeLimit ?? defaults.probeLimit;
	const isRoot = (process.geteuid?.() ?? 0) === 0;

	const schedule = createScanSchedule({
		fullScanIntervalMs: options.fullScanIntervalMs ?? defaults.fullScanIntervalMs,
		earlyFullScanGapMs: options.earlyFullScanGapMs ?? defaults.earlyFullScanGapMs,
		fullScanCostFactor: options.fullScanCostFactor ?? defaults.fullScanCostFactor,
	});
	const pidProbe = createPidProbe(procRoot, probeLimit);
	const stats = createStatReader(procRoot, options.holdStatFiles ?? procRoot === '/proc');
	const environments = createEnvironmentReader(procRoot);
	const details = createDetailCache({
		procRoot,
		stats,
		youngMs: options.youngMs ?? defaults.youngMs,
		revalidateMs: options.revalidateMs ?? defaults.revalidateMs,
	});
	const socketTable = createSocketTable(procRoot, options.socketsMaxAgeMs ?? defaults.socketsMaxAgeMs, isRoot);
	let {hint} = options;
	let latestHint: ScanHint | undefined;
	let lastScan: ScanSummary | undefined;
	let membership: Membership | undefined;

	/** A start from a hint: the pids it names and those handed out since, or undefined to scan as usual. */
	const startFromHint = (lastPid: number | undefined) => {
		const startHint = hint;
		hint = undefined;
		const hinted =
			startHint === undefined
				? undefined
				: hintedPids(startHint, readSystemMark(procRoot), lastPid, pidProbe.pidMax(), probeLimit);
		if (startHint === undefined || hinted?.kind !== 'pids') {
			return undefined;
		}

		// A hint cannot show an old process that exec'd sshd since: the next read looks at everything.
		schedule.startedFromHint();
		return {
			hintedPids: hinted.hinted,
			handedOut: hinted.handedOut,
			sockets: new Map<number, HintedSockets>(startHint.sockets.map(entry => [entry.pid, entry])),
		};
	};

	/** Why this read is a full scan (undefined: a watch scan), a start from a hint, and the new pids to probe. */
	const planRead = (startedAt: number, lastPid: number | undefined) => {
		const reason = schedule.fullScanReason(startedAt);
		const hinted = reason === 'first' ? startFromHint(lastPid) : undefined;
		if (hinted) {
			// A hint's own pids are not thinned out: most are still there.
			return {reason: undefined, hinted, probe: pidProbe.thinOut(hinted.handedOut, lastPid)};
		}

		if (reason !== undefined) {
			return {reason, hinted, probe: []};
		}

		const fresh = pidProbe.newPids(lastPid);
		return fresh.kind === 'too-many'
			? {reason: fresh.reason, hinted, probe: []}
			: {reason: undefined, hinted, probe: pidProbe.thinOut(fresh.pids, lastPid)};
	};

	/** Every process's line in a full scan; otherwise the watched ones that may have changed and the probed pids. */
	const readCandidates = (
		isFullScan: boolean,
		watched: ReturnType<typeof details.watched>,
		toRead: ReadonlySet<number>,
		probe: readonly number[],
	) => {
		if (isFullScan) {
			const {candidates, links, vanishedCount} = stats.readAll(watched, selfPid);
			return {
				candidates,
				links,
				vanishedCount,
				statReads: links.length + vanishedCount,
				probed: new Set<number>(),
				probeAttempts: 0,
			};
		}

		const {candidates, statReads} = stats.readWatched(watched, toRead);
		const probed = new Set<number>();
		const {attempts} = pidProbe.probe(
			probe,
			pid => candidates.has(pid),
			pid => {
				const candidate = stats.readCandidate(pid, watched);
				if (candidate) {
					candidates.set(pid, candidate);
					probed.add(pid);
				}

				return candidate !== undefined;
			},
		);
		return {
			candidates,
			links: [],
			vanishedCount: 0,
			statReads: statReads + probed.size,
			probed,
			probeAttempts: attempts,
		};
	};

	/**
	Possible leftovers: PID 1's children whose environment names an SSH connection, and a normal
	user's processes whose parent is hidden.
	*/
	const readEnvironments = (candidates: ReadonlyMap<number, Candidate>, visible: ReadonlySet<number> | undefined) => {
		const readings = new Map<number, EnvironmentReading>();
		for (const candidate of candidates.values()) {
			const {ppid} = candidate.stat;
			const isParentHidden = visible !== undefined && ppid > 1 && !visible.has(ppid) && !stats.isVisiblePid(ppid);
			const environment = environments.environmentOf(candidate, isParentHidden);
			if (environment !== undefined) {
				readings.set(candidate.stat.pid, environment);
			}
		}

		return readings;
	};

	const read = (tcpInfo?: TcpInfoReading): Snapshot => {
		const startedAt = now();
		const startedAtPrecise = performance.now();
		const loadavgText = readWholeText(`${procRoot}/loadavg`);
		const lastPid = isFailure(loadavgText) ? undefined : parseLastPid(loadavgText);
		const bootSeconds = bootTimeSeconds(procRoot);
		const context: ProcessReadContext = {
			procRoot,
			userNames: userNames(),
			bootTime: bootSeconds * 1000,
			clockTicksPerSecond,
			pageSizeBytes: pageSizeBytes(),
		};

		const {reason, hinted, probe} = planRead(startedAt, lastPid);
		const isFullScan = reason !== undefined;
		const watched = details.watched();
		// Before any stat line is read: a run between the two reads shows at the next scan.
		const {ran, toRead} = stats.readRunMarks(watched);
		// Before the watched set is replaced: its entries know which processes hold sockets.
		const hasHolderRun = hasSocketHolderRun(watched, ran, selfPid);
		const scan = readCandidates(isFullScan, watched, toRead, hinted ? [...hinted.hintedPids, ...probe] : probe);
		const {candidates, links, vanishedCount, probed, probeAttempts} = scan;
		let {statReads} = scan;
		const seen = new Set(isFullScan ? links.map(link => link.pid) : candidates.keys());
		pidProbe.scanDone(isFullScan, lastPid, seen);
		if (!candidates.has(selfPid)) {
			const self = stats.readCandidate(selfPid, watched);
			if (self) {
				candidates.set(selfPid, self);
			}
		}

		const environmentReadings = readEnvironments(
			candidates,
			isRoot ? undefined : new Set([...candidates.keys(), ...links.map(link => link.pid), ...watched.keys()]),
		);
		if (
			membership === undefined ||
			isFullScan ||
			probed.size > 0 ||
			!isMembershipUnchanged(watched, candidates, environmentReadings)
		) {
			membership = membershipOf(
				isFullScan ? links : [...candidates.values()].map(candidate => candidate.stat),
				environmentReadings,
				selfPid,
			);
		}

		// A member a full scan did not decode: its parent came after it in pid order (the pids
		// wrapped, or it was re-parented), or a PID 1 child's environment made it one.
		if (isFullScan) {
			for (const pid of membership.sortedMembers) {
				const candidate = candidates.has(pid) ? undefined : stats.readCandidate(pid, watched);
				if (candidate) {
					candidates.set(pid, candidate);
					statReads++;
				}
			}

			environments.keepOnly(seen);
		}

		const {processes, detailReads, gone} = details.refresh({
			startedAt,
			context,
			membership,
			candidates,
			environments: environmentReadings,
			probed,
			hintedSockets: hinted?.sockets,
		});
		stats.release(gone);
		const sockets = socketTable.socketsFor({isFullScan, processes, startedAt, hasHolderRun});
		const durationMs = performance.now() - startedAtPrecise;
		schedule.scanDone({isFullScan, startedAt, durationMs, listenKey: socketTable.listenKey() ?? ''});

		// Also after a start from a hint: a run that ends before its full scan (a quick look)
		// leaves the next one a hint that is not older than it, rather than one that falls further
		// behind with every run.
		if (isFullScan || hinted) {
			const mark = lastPid === undefined ? undefined : readSystemMark(procRoot);
			latestHint =
				mark === undefined || lastPid === undefined
					? undefined
					: {...mark, lastPid, pids: [...details.watched().keys()], sockets: details.hintedSockets()};
		}

		lastScan = {
			kind: isFullScan ? 'full' : 'watch',
			reason: hinted ? 'hint' : reason,
			durationMs,
			watchedCount: processes.length,
			statReads,
			detailReads,
			probeAttempts,
		};
		const uptimeText = readWholeText(`${procRoot}/uptime`);
		const hostText = readWholeText(`${procRoot}/sys/kernel/hostname`);
		return {
			takenAt: startedAt,
			host: (isFailure(hostText) ? undefined : hostText.trim() || undefined) ?? hostname(),
			bootTime: bootSeconds * 1000,
			uptimeSeconds: (isFailure(uptimeText) ? undefined : parseUptime(uptimeText)) ?? 0,
			loadAverage: (isFailure(loadavgText) ? undefined : parseLoadAverage(loadavgText)) ?? [0, 0, 0],
			processes,
			vanishedCount,
			sockets,
			ttyActivity: readTtyActivity(devRoot, processes),
			selfPid,
			readerUid: process.geteuid?.() ?? 0,
			...(tcpInfo ? {tcpInfo} : {}),
		};
	};

	return {
		read,
		lastFullScanAt: schedule.lastFullScanAt,
		lastScan: () => lastScan,
		scanHint: () => latestHint,
		isFullScanDue: schedule.isFullScanDue,
	};
}
