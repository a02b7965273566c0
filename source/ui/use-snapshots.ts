// The refresh loop: calls the injected `load` now and then every interval, unless paused.
// Injection keeps /proc out of the UI and lets component tests feed fixture reports.
import {useEffect, useRef} from 'react';
import {measureCpu} from '../model/cpu.js';
import type {SessionReport} from '../model/types.js';
import type {ExplorerAction} from './state.js';

export type SnapshotOptions = {
	readonly load: () => SessionReport;
	readonly intervalSeconds: number;
	readonly isPaused: boolean;
	readonly dispatch: (action: ExplorerAction) => void;
	/** A new value reloads now and restarts the interval (after an action, to show its effect). */
	readonly refreshToken?: number;
};

export function useSnapshots({load, intervalSeconds, isPaused, dispatch, refreshToken = 0}: SnapshotOptions): void {
	const previousReport = useRef<SessionReport | undefined>(undefined);
	const loadReference = useRef(load);
	loadReference.current = load;
	useEffect(() => {
		if (isPaused) {
			return;
		}

		let timer: NodeJS.Timeout | undefined;
		const refresh = () => {
			try {
				const report = loadReference.current();
				const usage = measureCpu(previousReport.current, report);
				previousReport.current = report;
				dispatch({type: 'report-arrived', report, usage});
			} catch (error: unknown) {
				// Nothing throws into React: a failed read is a note in the footer, and the next refresh tries again.
				dispatch({type: 'load-failed', message: error instanceof Error ? error.message : String(error)});
			}

			timer = setTimeout(refresh, intervalSeconds * 1000);
		};

		refresh();
		return () => {
			clearTimeout(timer);
		};
	}, [isPaused, intervalSeconds, dispatch, refreshToken]);
}
