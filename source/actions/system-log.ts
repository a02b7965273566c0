// Every action also goes to the system log (identifier sshtop, facility authpriv, one line per
// target), where central logging already collects sshd's own lines. Written with util-linux's
// logger(1): Node has no datagram Unix sockets, and logger speaks to /dev/log as syslog
// daemons and journald expect. Off with --no-syslog; skipped where /dev/log does not exist.
import process from 'node:process';
import {execFileSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {sanitizeText} from '../model/view/sanitize.js';
import type {AuditEntry} from './audit-log.js';

export const defaultSyslogSocket = '/dev/log';

/** Where the lines go: the socket, and whether the operator named it (then its absence is worth a warning). */
export type SystemLog = {readonly socket: string; readonly isExplicit: boolean};

export type SystemLogWrite =
	{readonly ok: true; readonly lines: number} | {readonly ok: false; readonly warning: string};

/** `--no-syslog` and `--syslog-socket PATH` as given: undefined when off. */
export function systemLogFrom(isOff: boolean, socket: string | undefined): SystemLog | undefined {
	if (isOff) return undefined;
	return socket === undefined ? {socket: defaultSyslogSocket, isExplicit: false} : {socket, isExplicit: true};
}

/** What is wrong with `--syslog-socket` as given, with `--no-syslog`; undefined when nothing. */
export function syslogSocketProblem(socket: string | undefined, isOff: boolean | undefined): string | undefined {
	if (socket === undefined) return undefined;
	if (isOff === true) return '--syslog-socket and --no-syslog contradict each other: give one';
	return socket.startsWith('/') ? undefined : `--syslog-socket takes an absolute path, not "${socket}"`;
}

/** A value as key=value writes it: made safe, quoted when it has a space or a quote. */
function field(key: string, value: string | number | null): string {
	const text = value === null ? '-' : sanitizeText(String(value));
	return /[\s"]/u.test(text) || text === '' ? `${key}="${text.replaceAll('"', String.raw`\"`)}"` : `${key}=${text}`;
}

/** One line per target, as the system log gets them. */
export function systemLogLines(entry: AuditEntry): string[] {
	return entry.targets.map(target =>
		[
			field('action', entry.action),
			field('signal', entry.signal.name),
			field('pid', target.pid),
			field('result', target.result),
			...(target.reason === null ? [] : [field('reason', target.reason)]),
			field('user', target.user),
			field('tty', target.tty),
			field('peer', target.peer),
			field('operator', entry.operator.user),
			field('operator_uid', entry.operator.uid),
			field('operator_peer', entry.operator.peer),
			field('command', target.command),
		].join(' '),
	);
}

/** Sends the entry's lines to the system log; reports what happened, never throws. */
export function writeSystemLog(log: SystemLog | undefined, entry: AuditEntry): SystemLogWrite {
	if (log === undefined || entry.targets.length === 0) return {ok: true, lines: 0};
	if (!existsSync(log.socket)) {
		return log.isExplicit
			? {ok: false, warning: `the system log socket ${log.socket} does not exist: nothing was logged there`}
			: {ok: true, lines: 0};
	}

	const lines = systemLogLines(entry);
	try {
		execFileSync(
			'logger',
			[
				'--socket-errors=on',
				'--socket',
				log.socket,
				'--tag',
				'sshtop',
				`--id=${process.pid}`,
				'--priority',
				'authpriv.notice',
			],
			{input: `${lines.join('\n')}\n`, stdio: ['pipe', 'ignore', 'pipe'], timeout: 5000},
		);
		return {ok: true, lines: lines.length};
	} catch (error) {
		const said =
			typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr).trim() : String(error);
		return {ok: false, warning: `could not write to the system log (${log.socket}): ${said || 'logger failed'}`};
	}
}
