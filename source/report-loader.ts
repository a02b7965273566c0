// Feeds the explorer: one report per refresh, synchronously, with the slower `ss` reading
// refreshed in the background so a refresh never waits on a child process.
import {buildReport} from './model/sessions.js';
import type {SessionReport} from './model/types.js';
import type {TcpInfo} from './proc/parse-ss.js';
import {readSnapshot} from './proc/read-snapshot.js';
import {readTcpInfo, type TcpInfoReading} from './proc/read-tcp-info.js';

export function createReportLoader(): () => SessionReport {
	let latest: {reading: TcpInfoReading; readAt: number} | undefined;
	let isReading = false;
	let previous: SessionReport | undefined;
	const refreshTcpInfo = () => {
		if (isReading) {
			return;
		}

		isReading = true;
		void readTcpInfo()
			.then(reading => {
				latest = {reading, readAt: Date.now()};
			})
			.finally(() => {
				isReading = false;
			});
	};

	return () => {
		refreshTcpInfo();
		const tcpInfo = latest ? aged(latest.reading, Date.now() - latest.readAt) : undefined;
		const report = buildReport(readSnapshot(tcpInfo ? {tcpInfo} : {}), previous);
		previous = report;
		return report;
	};
}

/** The ages ss reported, moved forward to now (data that arrived since shows up next refresh). */
function aged(reading: TcpInfoReading, elapsedMs: number): TcpInfoReading {
	if (reading.source !== 'ss' || elapsedMs <= 0) {
		return reading;
	}

	const age = (value: number | undefined) => (value === undefined ? undefined : value + elapsedMs);
	const infos = new Map<number, TcpInfo>();
	for (const [inode, info] of reading.infos) {
		infos.set(inode, {...info, lastSendMs: age(info.lastSendMs), lastReceiveMs: age(info.lastReceiveMs), lastAckMs: age(info.lastAckMs)});
	}

	return {source: 'ss', infos};
}

/** A single report for the one-shot outputs, with a fresh `ss` reading. */
export async function loadReportOnce(): Promise<SessionReport> {
	return buildReport(readSnapshot({tcpInfo: await readTcpInfo()}));
}
