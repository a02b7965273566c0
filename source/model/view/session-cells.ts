// The text of a session row's cells: user, pid of its top sshd, peer, ttys, login, idle (in seconds under a minute,
// `~` without a terminal), health, kind, CPU%, memory; and the words that mark an unusual session.
import type {SessionHealth} from '../report/health.js';
import {idleSecondsAt} from '../report/idle.js';
import type {Session} from '../types.js';
import {sessionMemoryBytes, type CpuUsage} from './cpu.js';
import {formatBytes, formatEndpoint, formatIdle, formatLoginTime, formatPercent} from './format.js';
import type {SpanStyle} from './line-builder.js';
import {sanitizeText} from './sanitize.js';

export type SessionColumn =
	'user' | 'who' | 'pid' | 'from' | 'tty' | 'login' | 'idle' | 'health' | 'kind' | 'cpu' | 'memory';

/**
The WHO column: the person behind the account, as sshd's log names them: the comment of the
authorized_keys line the key matched (usually `alice@laptop`), else the certificate's key ID,
else the key's fingerprint, shortened; a login without a key shows its method.
*/
export function whoOf(session: Session): string {
	const {auth, sourceFailures} = session;
	// Still authenticating: how often its address was refused lately says more than nothing.
	if (sourceFailures !== undefined) return sourceFailures === 0 ? '' : `✗${sourceFailures} failed`;
	if (auth === undefined) return '';
	if (auth.keyComment !== undefined) return sanitizeText(auth.keyComment);
	if (auth.certificate !== undefined) return sanitizeText(auth.certificate.id);
	if (auth.fingerprint !== undefined) return `${auth.fingerprint.slice(0, 'SHA256:'.length + 8)}…`;
	return auth.method;
}

/**
The HEALTH column: quiet when fine, loud when not. Upper case, so a dead or stalled connection
stands out without colour too; the explorer also colours them (red, yellow, faint).
*/
export const healthLabels: Readonly<Record<SessionHealth, string>> = {
	ok: 'ok',
	stalled: 'STALL',
	'dead-peer': 'DEAD',
	unknown: '?',
};

export const healthStyles: Readonly<Record<SessionHealth, SpanStyle | undefined>> = {
	ok: undefined,
	stalled: 'warning',
	'dead-peer': 'danger',
	unknown: 'faint',
};

/** Why a session's connection is not fine, for the status line: `DEAD: connection is closing (CLOSE_WAIT)`; nothing when it is. */
export function healthNote(session: Session): string | undefined {
	const {health} = session;
	if (health === undefined || health.health === 'ok') {
		return undefined;
	}

	const name = health.health === 'unknown' ? 'health unknown' : healthLabels[health.health];
	return [name, ...health.evidence.map(sentence => sanitizeText(sentence))].join(': ');
}

/**
Words before a session's command that say it is not an ordinary connection: `[orphaned]` (its
monitor is gone, the connection lives on), `[unverified]` (its sshd could not be checked),
`[outer hop]` (a session the operator's own was opened from).
*/
export function sessionTags(session: Session): ReadonlyArray<{readonly text: string; readonly style: SpanStyle}> {
	const tags: Array<{readonly text: string; readonly style: SpanStyle}> = [];
	if (session.isOrphaned) {
		tags.push({text: '[orphaned]', style: 'warning'});
	}

	if (!session.isVerified) {
		tags.push({text: '[unverified]', style: 'faint'});
	}

	if (session.isOwnChain && !session.isOwn) {
		tags.push({text: '[your outer hop]', style: 'warning'});
	}

	const forwards = forwardsTag(session);
	if (forwards !== undefined) {
		tags.push({text: forwards, style: 'faint'});
	}

	return tags;
}

/**
The forwards marker: `[fwd R:8080 L×2 agent]`: remote forwards by port (or socket name), X11,
the local or dynamic forward connections, an agent.
*/
export function forwardsTag(session: Session): string | undefined {
	const forwards = session.forwards ?? [];
	if (forwards.length === 0) return undefined;
	const parts = forwards.map(forward => {
		if (forward.kind === 'remote') {
			return forward.listen === undefined
				? `R:${sanitizeText(forward.path?.split('/').at(-1) ?? '?')}`
				: `R:${forward.listen.port}`;
		}

		if (forward.kind === 'x11') return 'X11';
		if (forward.kind === 'agent') return 'agent';
		return `L×${forward.connections}`;
	});
	return `[fwd ${parts.join(' ')}]`;
}

/**
A session's terminals in one short cell: `pts/7`, or `pts/7+2` for a connection that carries
three (a ControlMaster's multiplexed sessions); the detail pane lists them all.
*/
export function compactTtys(ttys: readonly string[]): string {
	const [first] = ttys;
	if (first === undefined) {
		return '-';
	}

	return sanitizeText(ttys.length === 1 ? first : `${first}+${ttys.length - 1}`);
}

/** Marks an idle time measured without a terminal (from the session's channels): `5m~`. */
export const channelIdleMark = '~';

export type RowContext = {
	readonly usage: CpuUsage;
	/** Epoch ms the durations are measured to: the report's time, so a frozen view stays frozen. */
	readonly now: number;
	/**
	Show idle times as they were at the start of the current wall-clock minute. Shown in whole
	minutes, each session's idle time would tick over at its own second, one redraw each; this
	way every row moves on together, once a minute (the live explorer).
	*/
	readonly isIdleByMinute?: boolean;
};

/** The idle time a row shows: see RowContext.isIdleByMinute. */
function shownIdleSeconds(seconds: number | undefined, context: RowContext): number | undefined {
	if (seconds === undefined || context.isIdleByMinute !== true) {
		return seconds;
	}

	// Under a minute the seconds show, as `w` shows them; past it, whole minutes that move on together.
	if (seconds < 60) {
		return seconds;
	}

	const sinceMinute = (context.now % 60_000) / 1000;
	return Math.max(60, seconds - sinceMinute);
}

/** The text of one of a session row's cells, before it is fitted to its column. */
export function sessionCell(session: Session, column: SessionColumn, context: RowContext): string {
	switch (column) {
		case 'user': {
			return sanitizeText(session.user);
		}

		case 'who': {
			return whoOf(session);
		}

		case 'pid': {
			return String(session.pid);
		}

		case 'from': {
			return sanitizeText(formatEndpoint(session.peer));
		}

		case 'tty': {
			return compactTtys(session.ttys);
		}

		case 'login': {
			return formatLoginTime(session.loginAt, context.now);
		}

		case 'idle': {
			const idleSeconds = idleSecondsAt(session, context.now);
			if (session.ttys.length === 0 && idleSeconds === undefined) {
				return '-';
			}

			return (
				formatIdle(shownIdleSeconds(idleSeconds, context)) +
				((session.idleSource === 'channels' || session.idleSource === 'network') && idleSeconds !== undefined
					? channelIdleMark
					: '')
			);
		}

		case 'health': {
			return session.health === undefined ? '-' : healthLabels[session.health.health];
		}

		case 'kind': {
			return session.kind;
		}

		case 'cpu': {
			return formatPercent(context.usage.bySession.get(session.id));
		}

		case 'memory': {
			return formatBytes(memoryOf(session));
		}
	}
}

// A session's tree is summed once per report, not on every key press that redraws its row.
const memoryBySession = new WeakMap<Session, number>();
function memoryOf(session: Session): number {
	let bytes = memoryBySession.get(session);
	if (bytes === undefined) {
		bytes = sessionMemoryBytes(session.tree);
		memoryBySession.set(session, bytes);
	}

	return bytes;
}
