// The header text above the tree: host, uptime, load, sessions, listeners, idle policy.
import type {IdlePolicy} from '../../proc/parse/parse-sshd-policy.js';
import type {ProcessId, SessionReport} from '../types.js';
import {formatCoarseAge, formatDuration, formatLoad, formatUptime} from './format.js';
import {sanitizeText} from './sanitize.js';
import {sortDirection, type SortKey} from './sort.js';

export type SummaryOptions = {
	/** Idle policy per listener id, for the listeners whose sshd could be asked. */
	readonly policies?: ReadonlyMap<ProcessId, IdlePolicy>;
	readonly isPaused?: boolean;
	/** The session order in force, shown on the first line. */
	readonly sort?: {readonly key: SortKey; readonly reverse: boolean};
	/** Load averages with one decimal (the live view) rather than uptime's two. */
	readonly isCoarse?: boolean;
	/** Epoch ms of the last full /proc scan: said coarsely (`full scan <1m ago`), so the line does not change every refresh. */
	readonly lastFullScanAt?: number | undefined;
};

const sortNames: Readonly<Record<SortKey, string>> = {
	idle: 'idle',
	login: 'login time',
	cpu: 'CPU',
	memory: 'memory',
	user: 'user',
	peer: 'peer',
	pid: 'pid',
};

/** `sort: idle ↓`: the key and which way it runs (↓ largest first, ↑ smallest first). */
export function formatSort(key: SortKey, reverse: boolean): string {
	return `sort: ${sortNames[key]} ${sortDirection(key, reverse) === 'descending' ? '↓' : '↑'}`;
}

export function formatIdlePolicy(policy: IdlePolicy): string {
	const interval = policy.clientAliveIntervalSeconds;
	const probes =
		interval === 0
			? 'ClientAliveInterval 0 (off)'
			: `ClientAlive ${interval}s × ${policy.clientAliveCountMax} (drops after ${formatDuration(interval * policy.clientAliveCountMax)} unanswered)`;
	return `${probes}, TCPKeepAlive ${policy.tcpKeepAlive ? 'yes' : 'no'}`;
}

/** Sources named on the failed-login line; the rest are counted. */
const failedSourcesShown = 3;

/**
`failed logins 10m: 203.0.113.9 ×20 · 198.51.100.4 ×3 (+2 more sources)`; a log that could not be
read says so instead. Nothing when no log was read or nothing failed.
*/
export function failedLoginLine(report: SessionReport): string | undefined {
	if (report.authLog?.problem !== undefined) return `sshd log: ${sanitizeText(report.authLog.problem)}`;
	const sources = report.failedLogins?.sources ?? [];
	if (sources.length === 0) return undefined;
	const shown = sources
		.slice(0, failedSourcesShown)
		.map(source => `${sanitizeText(source.address)} ×${source.count}`)
		.join(' · ');
	const more = sources.length - failedSourcesShown;
	const rest = more > 0 ? ` (+${more} more source${more === 1 ? '' : 's'})` : '';
	return `failed logins ${formatDuration(report.failedLogins!.windowSeconds)}: ${shown}${rest}`;
}

export function summaryLines(report: SessionReport, options: SummaryOptions = {}): string[] {
	const status = options.isPaused ? '  [PAUSED — p resumes]' : '';
	const sort = options.sort === undefined ? '' : `  ${formatSort(options.sort.key, options.sort.reverse)}`;
	const lines = [
		`${sanitizeText(report.host)}  up ${formatUptime(report.uptimeSeconds)}  load ${formatLoad(report.loadAverage, options.isCoarse ? 1 : 2)}${sort}${status}`,
	];
	const authenticating = report.sessions.filter(session => session.stage === 'authenticating').length;
	const count = `${report.sessions.length} session${report.sessions.length === 1 ? '' : 's'}`;
	const isHidden = report.partialReasons.some(reason => reason.includes('hidepid'));
	const listeners =
		report.listeners.length === 0
			? isHidden
				? 'no sshd listener visible (hidepid)'
				: 'no sshd listener found'
			: `listening on ${report.listeners.map(listener => `${listener.ports.map(port => `:${port}`).join(',') || '?'} (pid ${listener.pid})`).join(', ')}`;
	const fullScan =
		options.lastFullScanAt === undefined
			? ''
			: `  ·  full scan ${formatCoarseAge((report.takenAt - options.lastFullScanAt) / 1000)} ago`;
	lines.push(`${count}${authenticating > 0 ? ` (${authenticating} authenticating)` : ''}  ·  ${listeners}${fullScan}`);
	// Listeners with the same policy share one line, so several sshds do not crowd out the tree.
	const listenersByPolicy = new Map<string, string[]>();
	for (const listener of report.listeners) {
		const policy = options.policies?.get(listener.id);
		if (policy !== undefined) {
			const name = listener.ports.map(port => `:${port}`).join(',') || `pid ${listener.pid}`;
			listenersByPolicy.set(formatIdlePolicy(policy), [
				...(listenersByPolicy.get(formatIdlePolicy(policy)) ?? []),
				name,
			]);
		}
	}

	for (const [policy, names] of listenersByPolicy) {
		const which = listenersByPolicy.size > 1 || names.length < report.listeners.length ? ` ${names.join(' ')}` : '';
		lines.push(`idle policy${which}: ${policy}`);
	}

	const failed = failedLoginLine(report);
	if (failed !== undefined) lines.push(failed);
	if (report.isPartial) {
		lines.push('Not running as root: some details are unreadable and shown as ?');
	}

	if (isHidden) {
		const hidePid = /hidepid=(\w+)/u.exec(report.partialReasons.join(' '))?.[1] ?? '?';
		lines.push(
			`Restricted view: /proc is mounted hidepid=${hidePid}; other users' sessions are hidden, yours are listed`,
		);
	}

	// What could not be looked at, said once: an empty list must not read as "nothing there".
	const notes = [
		...(report.leftoversReadable === false ? ['leftovers need root (other users’ environments are unreadable)'] : []),
		...(report.tcpInfoSource === 'proc-only' ? ['ss unavailable: health from /proc only'] : []),
	];
	if (notes.length > 0) {
		lines.push(notes.join('  ·  '));
	}

	return lines;
}
