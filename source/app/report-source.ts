// Feeds the explorer: one report per refresh, synchronously, with the slower `ss` reading
// refreshed in the background so a refresh never waits on a child process. Between full
// scans, a refresh reads only the SSH part of the process table (proc/scanner/scanner.ts).
// With a scan hint file, the first refresh starts from what the last run's last full scan kept
// (proc/scanner/scan-hint.ts), and each full scan (and a start from a hint) leaves the next run a new one.
import process from 'node:process';
import path from 'node:path';
import {buildReport, channelCommandPids, createReportBuilder, needsTcpInfo} from '../model/report/build-report.js';
import {readProcAccess} from '../proc/read-proc-access.js';
import {readProcessIo} from '../proc/read-process-io.js';
import type {SessionReport} from '../model/types.js';
import type {TcpInfo} from '../proc/parse/parse-ss.js';
import {createProcessScanner, type ScannerOptions, type ScanSummary} from '../proc/scanner/scanner.js';
import {readSnapshot} from '../proc/read-snapshot.js';
import {readTcpInfo, type TcpInfoReading} from '../proc/read-tcp-info.js';
import {formatScanHint, parseScanHint} from '../proc/scanner/scan-hint.js';
import type {Snapshot} from '../proc/types.js';
import {cacheDirectory, readPrivateFile, writePrivateFile} from '../private-cache.js';
import {createUnixSocketReader, sshdUnixInodes} from '../proc/read-unix-sockets.js';
import type {SessionAuthSource} from './session-auth.js';

export type ReportLoader = {
	(): SessionReport;
	/** Epoch milliseconds of the last full /proc scan (the header may say how long ago). */
	readonly lastFullScanAt: () => number | undefined;
	/** What the last refresh read: a full scan or a watch of the SSH processes. */
	readonly lastScan: () => ScanSummary | undefined;
	/** True after a start from a scan hint until the full scan that follows: refresh soon. */
	readonly wantsEarlyRefresh: () => boolean;
};

export type ReportLoaderOptions = ScannerOptions & {
	/**
	Least time between two `ss` readings (default 10 s). Each costs a child process, most of
	what an idle explorer spends at the default interval; between readings the ages ss gave
	are moved forward (aged() below), so idle times and stalls keep growing, and a change in a
	connection shows within this long. ss runs only while something on screen needs it
	(needsTcpInfo): a box of healthy terminal sessions never starts it.
	*/
	readonly tcpInfoIntervalMs?: number;
	/**
	How long after the first refresh the first `ss` runs (default 300 ms). Starting a child
	process (and loading execa) takes this thread a while the first frame should not wait for;
	the first refresh shows health from /proc/net/tcp alone.
	*/
	readonly firstTcpInfoDelayMs?: number;
	/** Reads ss; injectable for tests. */
	readonly readTcpInfo?: () => Promise<TcpInfoReading>;
	/**
	Where the scan hint is kept between runs (scanHintFile() below): read once here, replaced
	whenever the scanner has a new one. Used only when private to this user (private-cache.ts).
	*/
	readonly scanHintFile?: string;
	/** sshd's log, joined to the sessions (their `auth`); none when undefined. */
	readonly sessionAuth?: SessionAuthSource;
};

/** ~/.cache/sshtop/scan-hint.json; none with SSHTOP_SCAN_HINT=0 or without a usable cache home. */
export function scanHintFile(environment: NodeJS.ProcessEnv = process.env): string | undefined {
	const directory = environment['SSHTOP_SCAN_HINT'] === '0' ? undefined : cacheDirectory(environment);
	return directory === undefined ? undefined : path.join(directory, 'scan-hint.json');
}

export function createReportLoader(options: ReportLoaderOptions = {}): ReportLoader {
	const hintFile = options.scanHintFile;
	const hintText =
		options.hint === undefined && hintFile !== undefined ? readPrivateFile(hintFile)?.toString('utf8') : undefined;
	const hint = options.hint ?? (hintText === undefined ? undefined : parseScanHint(hintText));
	const scanner = createProcessScanner({...options, ...(hint === undefined ? {} : {hint})});
	const buildNextReport = createReportBuilder();
	const readUnixSockets = createUnixSocketReader(options.procRoot ?? '/proc');
	const procRoot = options.procRoot ?? '/proc';
	const access = readProcAccess(procRoot);
	const tcpInfoIntervalMs = options.tcpInfoIntervalMs ?? 10_000;
	const readSs = options.readTcpInfo ?? readTcpInfo;
	let latest: {reading: TcpInfoReading; readAt: number} | undefined;
	let isReading = false;
	let startedAt = Number.NEGATIVE_INFINITY;
	let previous: SessionReport | undefined;
	let firstTimer: NodeJS.Timeout | undefined;
	let writtenHint: ReturnType<typeof scanner.scanHint>;
	const refreshTcpInfo = () => {
		if (previous === undefined && firstTimer === undefined) {
			firstTimer = setTimeout(() => {
				if (previous === undefined || needsTcpInfo(previous)) {
					refreshTcpInfo();
				}
			}, options.firstTcpInfoDelayMs ?? 300);
			// Never the reason the process stays alive (a one-off load, a test).
			firstTimer.unref();
			return;
		}

		if (isReading || Date.now() - startedAt < tcpInfoIntervalMs) {
			return;
		}

		isReading = true;
		startedAt = Date.now();
		void readSs()
			.then(reading => {
				latest = {reading, readAt: Date.now()};
			})
			.finally(() => {
				isReading = false;
			});
	};

	// Ages moved forward for longer than this could hide packets that came since: once ss has
	// not been needed for a while, its last reading is dropped rather than aged on.
	const staleAfterMs = 2 * tcpInfoIntervalMs + 5000;
	const load = () => {
		if (previous === undefined || needsTcpInfo(previous)) {
			refreshTcpInfo();
		}

		const age = latest === undefined ? Number.POSITIVE_INFINITY : Date.now() - latest.readAt;
		const tcpInfo = latest !== undefined && age <= staleAfterMs ? aged(latest.reading, age) : undefined;
		const snapshot = scanner.read(tcpInfo);
		// The commands whose I/O tells a terminal-less session's idle time, as the last report knew them.
		const ioPids = previous === undefined ? [] : channelCommandPids(previous);
		const report = buildNextReport({
			...snapshot,
			access,
			// Read again only when the sshds' non-TCP sockets changed (a new session, a new forward).
			unixSockets: readUnixSockets(sshdUnixInodes(snapshot.processes, snapshot.sockets)),
			...(ioPids.length === 0
				? {}
				: {
						processIo: readProcessIo(
							procRoot,
							ioPids.map(pid => ({pid})),
						),
					}),
		});
		previous = report;
		const nextHint = scanner.scanHint();
		if (hintFile !== undefined && nextHint !== undefined && nextHint !== writtenHint) {
			writtenHint = nextHint;
			writePrivateFile(hintFile, formatScanHint(nextHint));
		}

		return options.sessionAuth === undefined ? report : options.sessionAuth.attach(report);
	};

	return Object.assign(load, {
		lastFullScanAt: scanner.lastFullScanAt,
		lastScan: scanner.lastScan,
		wantsEarlyRefresh: scanner.isFullScanDue,
	});
}

/** The ages ss reported, moved forward to now (data that arrived since shows up next refresh). */
function aged(reading: TcpInfoReading, elapsedMs: number): TcpInfoReading {
	if (reading.source !== 'ss' || elapsedMs <= 0) {
		return reading;
	}

	const age = (value: number | undefined) => (value === undefined ? undefined : value + elapsedMs);
	const infos = new Map<number, TcpInfo>();
	for (const [inode, info] of reading.infos) {
		infos.set(inode, {
			...info,
			lastSendMs: age(info.lastSendMs),
			lastReceiveMs: age(info.lastReceiveMs),
			lastAckMs: age(info.lastAckMs),
		});
	}

	return {source: 'ss', infos};
}

/**
One snapshot with a fresh `ss` reading, and its report: for the one-shot outputs and reap.
`sessionAuth` joins sshd's log to the sessions.
*/
export async function loadSnapshotOnce(
	sessionAuth?: SessionAuthSource,
): Promise<{readonly snapshot: Snapshot; readonly report: SessionReport}> {
	const read = readSnapshot({tcpInfo: await readTcpInfo()});
	const snapshot = {
		...read,
		unixSockets: createUnixSocketReader()(sshdUnixInodes(read.processes, read.sockets)),
	};
	const report = buildReport(snapshot);
	return {snapshot, report: sessionAuth === undefined ? report : sessionAuth.attach(report)};
}

export async function loadReportOnce(sessionAuth?: SessionAuthSource): Promise<SessionReport> {
	const {report} = await loadSnapshotOnce(sessionAuth);
	return report;
}
