// The detail pane's text: everything sshtop knows about one row (a session, a process, a
// listener, a process left behind), as labelled lines wrapped to the terminal. Pure: what has
// to be read from /proc on demand (cwd, environment) comes in as `extras`.
import {failedLoginWindowSeconds} from '../identity/auth-ledger.js';
import type {IdlePolicy} from '../../proc/parse/parse-sshd-policy.js';
import type {ProcessDetails} from '../../proc/read-process-details.js';
import type {TcpFigures} from '../report/health.js';
import {idleSecondsAt} from '../report/idle.js';
import type {ProcessRecord, Session, SessionReport} from '../types.js';
import {ticksPerSecond} from './cpu.js';
import {formatBytes, formatDuration, formatEndpoint} from './format.js';
import {processOfRow, type TreeRow} from './rows.js';
import {sanitizeText} from './sanitize.js';
import {formatIdlePolicy} from './summary.js';
import {wrapLabelled, wrapText} from './wrap.js';

/** An action's result or a connection check, as the history keeps it. */
export type ActionNote = {
	readonly at: number;
	readonly sentence: string;
	readonly about?: {readonly pid: number; readonly startTicks: number} | {readonly sessionId: string};
};

export type DetailExtras = {
	/** Read when the pane opened, for the row's own process. */
	readonly process?: ProcessDetails;
	/** `sshd -T`'s keepalive settings of the listener the row belongs to. */
	readonly policy?: IdlePolicy;
	readonly history: readonly ActionNote[];
};

/** A command line is shown whole up to this many characters. */
const argvLimit = 4096;
const labelWidth = 14;

type Line = readonly [label: string, value: string] | string;

function localTime(ms: number): string {
	const date = new Date(ms);
	const two = (value: number) => String(value).padStart(2, '0');
	return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

function ago(ms: number, now: number): string {
	return `${localTime(ms)} (${formatDuration((now - ms) / 1000)} ago)`;
}

function boundedArgv(process: ProcessRecord): string {
	const text = process.argv.length === 0 ? `[${process.comm}]` : process.argv.join(' ');
	const clean = sanitizeText(text);
	return clean.length <= argvLimit
		? clean
		: `${clean.slice(0, argvLimit)}… (${clean.length - argvLimit} more characters)`;
}

function tcpLines(tcp: TcpFigures | undefined): Line[] {
	if (tcp === undefined) {
		return [];
	}

	const since = (ms: number | undefined) => (ms === undefined ? '?' : `${formatDuration(ms / 1000)} ago`);
	return [
		['TCP state', tcp.state],
		['queues', `send ${formatBytes(tcp.sendQueueBytes)}, receive ${formatBytes(tcp.receiveQueueBytes)}`],
		[
			'timer',
			`${tcp.timer}, ${tcp.retransmits} retransmits now${tcp.retransmitsTotal === undefined ? '' : `, ${tcp.retransmitsTotal} in all`}`,
		],
		[
			'last packet',
			`sent ${since(tcp.lastSendMs)}, received ${since(tcp.lastReceiveMs)}, acked ${since(tcp.lastAckMs)}`,
		],
	];
}

/** What the session forwards, one line each. */
function forwardLines({forwards}: Session): Line[] {
	if (forwards === undefined) return [];
	if (forwards.length === 0) return [['forwards', 'none']];
	return forwards.map(forward => {
		const connections = `${forward.connections} connection${forward.connections === 1 ? '' : 's'}`;
		if (forward.kind === 'remote' || forward.kind === 'x11') {
			const where =
				forward.listen === undefined ? sanitizeText(forward.path ?? '?') : sanitizeText(formatEndpoint(forward.listen));
			return ['forward', `${forward.kind === 'x11' ? 'X11' : 'remote (-R)'} listening on ${where}, ${connections}`];
		}

		if (forward.kind === 'agent') return ['forward', `agent (-A) at ${sanitizeText(forward.path ?? '?')}`];
		return ['forward', `local or dynamic (-L/-D): ${connections} opened to their targets`];
	});
}

/** How the session logged in, as sshd's log says: method, key, its authorized_keys line and comment, certificate. */
function authLines({auth, sourceFailures, peer}: Session): Line[] {
	if (sourceFailures !== undefined) {
		const from = peer === undefined ? 'its address' : sanitizeText(peer.address);
		return [
			['failed logins', `${sourceFailures} from ${from} in the last ${formatDuration(failedLoginWindowSeconds)}`],
		];
	}

	if (auth === undefined) return [['login method', "unknown (sshd's log does not say)"]];
	return [
		['login method', auth.method],
		...(auth.fingerprint === undefined
			? []
			: [['key', `${sanitizeText(auth.keyType ?? '')} ${sanitizeText(auth.fingerprint)}`.trim()] as const]),
		...(auth.keySource === undefined
			? []
			: [['key line', `${sanitizeText(auth.keySource.file)}:${auth.keySource.line}`] as const]),
		...(auth.keyComment === undefined ? [] : [['key comment', sanitizeText(auth.keyComment)] as const]),
		...(auth.certificate === undefined
			? []
			: [
					[
						'certificate',
						`ID ${sanitizeText(auth.certificate.id)}, serial ${auth.certificate.serial}, CA ${sanitizeText(auth.certificate.caFingerprint)}`,
					] as const,
				]),
	];
}

function processLines(process: ProcessRecord, now: number, extras: DetailExtras | undefined): Line[] {
	const cpuSeconds = (process.userTicks + process.systemTicks) / ticksPerSecond;
	const lines: Line[] = [
		['command', boundedArgv(process)],
		['executable', process.executable === undefined ? '?' : sanitizeText(process.executable)],
		['user', `${sanitizeText(process.user)}${process.uid === undefined ? '' : ` (uid ${process.uid})`}`],
		['state', process.state],
		['started', ago(process.startedAt, now)],
		[
			'CPU time',
			`${formatDuration(cpuSeconds)} (user ${process.userTicks / ticksPerSecond}s, system ${process.systemTicks / ticksPerSecond}s)`,
		],
		[
			'memory',
			`${formatBytes(process.rssBytes)} resident, ${process.threads} thread${process.threads === 1 ? '' : 's'}`,
		],
		['parent', String(process.ppid)],
		['group', `process group ${process.processGroup}, session ${process.sessionId}`],
		[
			'terminal',
			process.tty === undefined
				? 'none'
				: `${sanitizeText(process.tty)}, foreground group ${process.foregroundProcessGroup}${process.foregroundProcessGroup === process.processGroup ? ' (this one)' : ''}`,
		],
	];
	if (process.ignoredSignals !== undefined || process.caughtSignals !== undefined) {
		lines.push(['signals', `ignored ${process.ignoredSignals ?? '?'}, caught ${process.caughtSignals ?? '?'} (masks)`]);
	}

	const details = extras?.process;
	if (details !== undefined) {
		lines.push(['cwd', 'value' in details.cwd ? sanitizeText(details.cwd.value) : details.cwd.reason]);
		if ('value' in details.sshVariables) {
			lines.push(
				...(details.sshVariables.value.length === 0
					? [['SSH_*', 'none'] as const]
					: details.sshVariables.value.map(([name, value]) => [sanitizeText(name), sanitizeText(value)] as const)),
			);
		} else {
			lines.push(['SSH_*', details.sshVariables.reason]);
		}
	}

	if (process.unreadable.length > 0) {
		lines.push(['unreadable', process.unreadable.join(', ')]);
	}

	return lines;
}

function policyText(extras: DetailExtras | undefined): string {
	return extras?.policy === undefined
		? 'unknown (sshd -T did not answer; asking it needs root)'
		: formatIdlePolicy(extras.policy);
}

function sessionLines(session: Session, report: SessionReport, extras: DetailExtras | undefined): Line[] {
	const now = report.takenAt;
	const idle = idleSecondsAt(session, now);
	const marks = [
		session.isOwn ? 'your own session' : '',
		session.isOwnChain && !session.isOwn ? 'your session was opened from it' : '',
		session.isOrphaned ? 'orphaned: its monitor is gone, its user side holds the connection' : '',
		session.isVerified ? '' : 'unverified: its sshd could not be checked',
	].filter(Boolean);
	const lines: Line[] = [
		`Session ${session.pid}: ${sanitizeText(session.user)} from ${sanitizeText(formatEndpoint(session.peer))}`,
		['kind', `${session.kind}, ${session.stage}`],
		['peer', sanitizeText(formatEndpoint(session.peer))],
		['local', sanitizeText(formatEndpoint(session.local))],
		['listener', session.listenerPid === undefined ? 'none (stopped or restarted)' : String(session.listenerPid)],
		[
			'terminals',
			session.ttys.length === 0
				? 'none'
				: `${session.ttys.map(tty => sanitizeText(tty)).join(', ')}${session.ttys.length > 1 ? ` (${session.ttys.length} channels with a terminal)` : ''}`,
		],
		['logged in', ago(session.loginAt, now)],
		...authLines(session),
		...forwardLines(session),
		['idle', idle === undefined ? 'unknown' : `${formatDuration(idle)} (${session.idleSource ?? 'tty'})`],
		[
			'foreground',
			session.foreground === undefined
				? 'none'
				: `${session.foreground.pid} ${sanitizeText(session.foreground.command)}`,
		],
		...(session.nestedClientPid === undefined
			? []
			: [['opened from', `ssh client ${session.nestedClientPid}`] as const]),
		...marks.map(mark => ['note', mark] as const),
	];
	const health: Line[] =
		session.health === undefined
			? []
			: [
					[
						'health',
						[session.health.health, ...session.health.evidence.map(sentence => sanitizeText(sentence))].join(': '),
					],
					...tcpLines(session.health.tcp),
				];
	return [
		...lines,
		...health,
		['sshd policy', policyText(extras)],
		'',
		`Its sshd (${session.tree.process.pid})`,
		...processLines(session.tree.process, now, extras),
	];
}

function historyLines(extras: DetailExtras | undefined, row: TreeRow): Line[] {
	const process = processOfRow(row);
	const sessionId = row.kind === 'session' ? row.session.id : undefined;
	const notes = (extras?.history ?? []).filter(note => {
		const {about} = note;
		if (about === undefined) {
			return false;
		}

		return 'sessionId' in about
			? about.sessionId === sessionId
			: about.pid === process?.pid && about.startTicks === process.startTicks;
	});
	return notes.length === 0
		? []
		: ['', 'Done to it', ...notes.map(note => [localTime(note.at), sanitizeText(note.sentence)] as const)];
}

function linesOf(row: TreeRow, report: SessionReport, extras: DetailExtras | undefined): Line[] {
	const now = report.takenAt;
	switch (row.kind) {
		case 'session': {
			return sessionLines(row.session, report, extras);
		}

		case 'process': {
			return [`Process ${row.process.pid}`, ...processLines(row.process, now, extras)];
		}

		case 'leftover': {
			return [
				`Process ${row.process.pid}, left behind by a logout`,
				[
					'came from',
					`${sanitizeText(formatEndpoint(row.leftover.peer))}${row.leftover.sshTty === undefined ? '' : ` on ${sanitizeText(row.leftover.sshTty)}`}`,
				],
				...processLines(row.process, now, extras),
			];
		}

		case 'listener': {
			const {listener} = row;
			return [
				`Listener ${listener.pid}`,
				['ports', listener.ports.map(String).join(', ') || '?'],
				['addresses', listener.addresses.map(address => sanitizeText(formatEndpoint(address))).join(', ') || '?'],
				['sessions', String(row.sessionCount)],
				['sshd policy', policyText(extras)],
				...(listener.process === undefined ? [] : processLines(listener.process, now, extras)),
			];
		}

		case 'leftover-group': {
			return [`${row.leftoverCount} processes left behind by logouts`, 'Select one of them for its details.'];
		}
	}
}

/** The pane's lines for `row`, each at most `width` cells. */
export function detailLines(
	row: TreeRow,
	report: SessionReport,
	extras: DetailExtras | undefined,
	width: number,
): string[] {
	return [...linesOf(row, report, extras), ...historyLines(extras, row)].flatMap(line =>
		typeof line === 'string' ? wrapText(line, width) : wrapLabelled(line[0], line[1], width, labelWidth),
	);
}

/** The listener a row belongs to, whose sshd policy applies to it. */
export function listenerIdOf(row: TreeRow, report: SessionReport): string | undefined {
	if (row.kind === 'listener') {
		return row.listener.id;
	}

	const sessionId = row.kind === 'session' ? row.session.id : row.kind === 'process' ? row.sessionId : undefined;
	const session = report.sessions.find(each => each.id === sessionId);
	return report.listeners.find(listener => listener.pid === session?.listenerPid)?.id;
}
