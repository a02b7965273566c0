// The refresh loop: calls the injected `load` now and then every interval, unless paused.
// Injection keeps /proc out of the UI and lets component tests feed fixture reports.
//
// A timed refresh is sent as quiet: the reducer keeps it only when it changes the screen, so
// an idle explorer costs one read per interval and no rendering. `flush` sends the newest
// report unconditionally; the explorer calls it before every key press and resize, so what
// the user acts on or scrolls to is never older than the last read.
import {useCallback, useEffect, useLayoutEffect, useRef} from 'react';
import {measureCpu, steadyCpuUsage, type CpuUsage} from '../../model/view/cpu.js';
import type {SessionReport} from '../../model/types.js';
import type {ExplorerEvent} from '../state/explorer-state.js';

export type UseSnapshotsOptions = {
	readonly load: () => SessionReport;
	readonly intervalSeconds: number;
	readonly isPaused: boolean;
	readonly dispatch: (action: ExplorerEvent) => void;
	/** A new value reloads now and restarts the interval (after an action, to show its effect). */
	readonly refreshToken?: number;
	/** Epoch ms of the loader's last full scan, read after each load for the header. */
	readonly lastFullScanAt?: () => number | undefined;
	/** The report the explorer started with: the first read is one interval later. */
	readonly initialReport?: SessionReport;
	/**
	Asked before each wait: true brings the next read forward to `earlyRefreshMs` (after a start
	from a scan hint, so the full scan that checks it comes just after the first frame).
	*/
	readonly wantsEarlyRefresh?: () => boolean;
};

/** Soon after the first frame is written, soon enough that a quick look still does the full scan. */
const earlyRefreshMs = 300;

type Arrival = {readonly report: SessionReport; readonly usage: CpuUsage; readonly lastFullScanAt: number | undefined};

export type Snapshots = {
	/** Sends the newest report as it is; the reducer ignores one it already has. */
	readonly flush: () => void;
};

export function useSnapshots({
	load,
	intervalSeconds,
	isPaused,
	dispatch,
	refreshToken = 0,
	lastFullScanAt,
	initialReport,
	wantsEarlyRefresh,
}: UseSnapshotsOptions): Snapshots {
	const previousReport = useRef<SessionReport | undefined>(initialReport);
	const shownUsage = useRef<CpuUsage | undefined>(undefined);
	const latest = useRef<Arrival | undefined>(undefined);
	const skipFirstLoad = useRef(initialReport !== undefined);
	const loadReference = useRef(load);
	const fullScanReference = useRef(lastFullScanAt);
	const earlyReference = useRef(wantsEarlyRefresh);
	// The refresh timer reads the latest of these without being restarted when they change.
	useLayoutEffect(() => {
		loadReference.current = load;
		fullScanReference.current = lastFullScanAt;
		earlyReference.current = wantsEarlyRefresh;
	});
	useEffect(() => {
		if (isPaused) {
			return;
		}

		let timer: NodeJS.Timeout | undefined;
		const wait = () =>
			earlyReference.current?.() ? Math.min(earlyRefreshMs, intervalSeconds * 1000) : intervalSeconds * 1000;
		const refresh = () => {
			try {
				const report = loadReference.current();
				const usage = steadyCpuUsage(shownUsage.current, measureCpu(previousReport.current, report));
				previousReport.current = report;
				shownUsage.current = usage;
				latest.current = {report, usage, lastFullScanAt: fullScanReference.current?.()};
				dispatch({type: 'report-arrived', ...latest.current, isQuiet: true});
			} catch (error: unknown) {
				// Nothing throws into React: a failed read is a note in the footer, and the next refresh tries again.
				dispatch({type: 'load-failed', message: error instanceof Error ? error.message : String(error)});
			}

			timer = setTimeout(refresh, wait());
		};

		if (skipFirstLoad.current) {
			skipFirstLoad.current = false;
			timer = setTimeout(refresh, wait());
		} else {
			refresh();
		}

		return () => {
			clearTimeout(timer);
		};
	}, [isPaused, intervalSeconds, dispatch, refreshToken]);
	const flush = useCallback(() => {
		if (latest.current !== undefined) {
			dispatch({type: 'report-arrived', ...latest.current});
		}
	}, [dispatch]);
	return {flush};
}
