// A report as Prometheus' text exposition format (version 0.0.4): what `sshtop metrics` prints
// and `sshtop serve` answers. The metric names and labels are a public contract (README).
// Label values come from processes and the network (user names, ttys, peers): they are made
// safe as on screen (sanitize.ts: controls and bidi become placeholders), then escaped as the
// format requires (backslash and double quote).
import type {ProcessNode, Session, SessionKind, SessionReport, SessionStage} from '../types.js';
import type {SessionHealth} from '../report/health.js';
import {idleSecondsAt} from '../report/idle.js';
import {sanitizeText} from '../view/sanitize.js';
import {formatEndpoint} from '../view/format.js';

export const metricsContentType = 'text/plain; version=0.0.4; charset=utf-8';

export type ScanFigures = {
	/** How long the scan behind this report took. */
	readonly durationSeconds: number;
	/** Scans this process has made, this one included. */
	readonly scansTotal: number;
};

export type MetricsOptions = {
	/** Adds one series per session (sshtop_session_info, sshtop_session_idle_seconds). */
	readonly perSession: boolean;
};

const kinds: readonly SessionKind[] = ['shell', 'command', 'sftp', 'forward', 'preauth'];
const healths: readonly SessionHealth[] = ['ok', 'stalled', 'dead-peer', 'unknown'];
const stages: readonly SessionStage[] = ['authenticating', 'established'];

type Labels = ReadonlyArray<readonly [string, string]>;

/** A label value as the format wants it: shown text made safe, then \ and " escaped. */
export function escapeLabelValue(value: string): string {
	return sanitizeText(value)
		.replaceAll('\\', '\\\\')
		.replaceAll('"', String.raw`\"`);
}

function sample(name: string, labels: Labels, value: number): string {
	const labelText =
		labels.length === 0 ? '' : `{${labels.map(([label, text]) => `${label}="${escapeLabelValue(text)}"`).join(',')}}`;
	return `${name}${labelText} ${Number.isFinite(value) ? String(value) : 'NaN'}`;
}

function family(name: string, type: 'gauge' | 'counter', help: string, samples: readonly string[]): string[] {
	return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples];
}

function healthOf(session: Session): SessionHealth {
	return session.health?.health ?? 'unknown';
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
	const counts = new Map<string, number>();
	for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
	return counts;
}

function processCount(node: ProcessNode): number {
	return 1 + node.children.reduce((total, child) => total + processCount(child), 0);
}

/**
Every kind × health × stage is written, zero when no session has it: a series that vanishes
when its last session ends would leave alerts and graphs on the last value seen.
*/
function sessionSamples(sessions: readonly Session[]): string[] {
	const counts = countBy(sessions, session => `${session.kind}\0${healthOf(session)}\0${session.stage}`);
	return kinds.flatMap(kind =>
		healths.flatMap(health =>
			stages.map(stage =>
				sample(
					'sshtop_sessions',
					[
						['kind', kind],
						['health', health],
						['stage', stage],
					],
					counts.get(`${kind}\0${health}\0${stage}`) ?? 0,
				),
			),
		),
	);
}

function idleMaxSamples(sessions: readonly Session[], now: number): string[] {
	return kinds.map(kind => {
		const idle = sessions
			.filter(session => session.kind === kind)
			.map(session => idleSecondsAt(session, now))
			.filter(seconds => seconds !== undefined);
		return sample('sshtop_session_idle_seconds_max', [['kind', kind]], Math.max(0, ...idle));
	});
}

function perSessionLines(sessions: readonly Session[], now: number): string[] {
	const info = sessions.map(session =>
		sample(
			'sshtop_session_info',
			[
				['id', session.id],
				['user', session.user],
				['peer', session.peer === undefined ? '' : formatEndpoint(session.peer)],
				['tty', session.ttys.join(',')],
				['kind', session.kind],
			],
			1,
		),
	);
	const idle = sessions.flatMap(session => {
		const seconds = idleSecondsAt(session, now);
		return seconds === undefined ? [] : [sample('sshtop_session_idle_seconds', [['id', session.id]], seconds)];
	});
	return [
		...family(
			'sshtop_session_info',
			'gauge',
			'One series per SSH session, always 1; its labels say whose it is.',
			info,
		),
		...family(
			'sshtop_session_idle_seconds',
			'gauge',
			'Seconds since the session last showed a sign of use (sessions whose idle time is known).',
			idle,
		),
	];
}

/** The exposition of one report, ending with a newline. */
export function renderMetrics(report: SessionReport, scan: ScanFigures, options: MetricsOptions): string {
	const {sessions} = report;
	const now = report.takenAt;
	// Sessions still authenticating have no user yet.
	const byUser = [
		...countBy(
			sessions.filter(session => session.stage === 'established'),
			session => session.user,
		),
	]
		.toSorted(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([user, count]) => sample('sshtop_sessions_by_user', [['user', user]], count));
	const {leftovers} = report;
	const lines = [
		...family(
			'sshtop_sessions',
			'gauge',
			'SSH sessions by kind, connection health and stage (authenticating or established).',
			sessionSamples(sessions),
		),
		...family('sshtop_sessions_by_user', 'gauge', 'Established SSH sessions by login user.', byUser),
		...family(
			'sshtop_session_idle_seconds_max',
			'gauge',
			'Longest idle time among the sessions of each kind, in seconds; 0 when none is known.',
			idleMaxSamples(sessions, now),
		),
		...(leftovers === undefined || report.leftoversReadable === false
			? []
			: family(
					'sshtop_leftover_processes',
					'gauge',
					'Processes still running after the SSH session that started them ended.',
					[
						sample(
							'sshtop_leftover_processes',
							[],
							leftovers.reduce((total, leftover) => total + processCount(leftover.tree), 0),
						),
					],
				)),
		...family('sshtop_listeners', 'gauge', 'sshd processes listening for connections.', [
			sample('sshtop_listeners', [], report.listeners.length),
		]),
		...family('sshtop_view_partial', 'gauge', '1 when sshtop could not see every process (not root, hidepid).', [
			sample('sshtop_view_partial', [], report.isPartial ? 1 : 0),
		]),
		...family('sshtop_scan_duration_seconds', 'gauge', 'How long the scan behind these figures took.', [
			sample('sshtop_scan_duration_seconds', [], scan.durationSeconds),
		]),
		...family('sshtop_scans_total', 'counter', 'Scans of /proc made by this sshtop process.', [
			sample('sshtop_scans_total', [], scan.scansTotal),
		]),
		...(options.perSession ? perSessionLines(sessions, now) : []),
	];
	return `${lines.join('\n')}\n`;
}
