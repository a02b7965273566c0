// Joins sshd's log to the live sessions: each report's sessions get `auth` where the log says how
// they logged in, with the comment of the authorized_keys line their key matched (read when this
// process may). A session whose auth did not change stays the same object, and so does the
// sessions array: the explorer keeps what it derived from them.
import {readFileSync, statSync} from 'node:fs';
import type {SessionAuth} from '../model/identity/auth-ledger.js';
import {keyCommentOf} from '../model/identity/authorized-keys.js';
import type {Session, SessionReport} from '../model/types.js';
import {authLogPath, createAuthLogReader, type AuthLogReader} from '../proc/read-auth-log.js';

export type SessionAuthSource = {
	readonly reader: AuthLogReader;
	/** The report with each session's auth attached. */
	readonly attach: (report: SessionReport) => SessionReport;
};

/** An authorized_keys file larger than this is not read for a comment. */
const largestKeysFile = 1 << 20;

function isSameAuth(a: SessionAuth | undefined, b: SessionAuth | undefined): boolean {
	if (a === undefined || b === undefined) return a === b;
	return (
		a.method === b.method &&
		a.user === b.user &&
		a.fingerprint === b.fingerprint &&
		a.keyType === b.keyType &&
		a.keyComment === b.keyComment &&
		a.keySource?.file === b.keySource?.file &&
		a.keySource?.line === b.keySource?.line &&
		a.certificate?.id === b.certificate?.id &&
		a.certificate?.serial === b.certificate?.serial &&
		a.certificate?.caFingerprint === b.certificate?.caFingerprint
	);
}

function createCommentReader(): (file: string, line: number) => string | undefined {
	const cache = new Map<string, {readonly changedAt: number; readonly lines: readonly string[]}>();
	return (file, line) => {
		try {
			const stat = statSync(file);
			if (!stat.isFile() || stat.size > largestKeysFile) return undefined;
			let read = cache.get(file);
			if (read?.changedAt !== stat.mtimeMs) {
				read = {changedAt: stat.mtimeMs, lines: readFileSync(file, 'utf8').split('\n')};
				cache.set(file, read);
			}

			const text = read.lines[line - 1];
			return text === undefined ? undefined : keyCommentOf(text);
		} catch {
			return undefined;
		}
	};
}

/** Reads `--auth-log PATH`, else /var/log/auth.log or /var/log/secure; undefined when there is none. */
export function createSessionAuthSource(named: string | undefined): SessionAuthSource | undefined {
	const path = authLogPath(named);
	if (path === undefined) return undefined;
	const reader = createAuthLogReader(path);
	const readComment = createCommentReader();
	const attached = new WeakMap<Session, Session>();
	let lastSessions: readonly Session[] | undefined;
	let lastInput: readonly Session[] | undefined;
	return {
		reader,
		attach(report) {
			const established = report.sessions.filter(session => session.stage === 'established');
			reader.refresh(
				ledger => established.every(session => ledger.authOf(session) !== undefined),
				Math.min(...established.map(session => session.loginAt)),
			);
			const ledger = reader.ledger();
			const sessions = report.sessions.map(session => {
				const found = ledger.authOf(session);
				const auth =
					found?.keySource === undefined
						? found
						: {...found, keyComment: readComment(found.keySource.file, found.keySource.line)};
				if (auth === undefined && session.auth === undefined) return session;
				const before = attached.get(session);
				if (before !== undefined && isSameAuth(before.auth, auth)) return before;
				const {auth: _unused, ...rest} = session;
				const after: Session = auth === undefined ? rest : {...rest, auth};
				attached.set(session, after);
				return after;
			});
			const isUnchanged =
				lastSessions !== undefined &&
				lastInput === report.sessions &&
				sessions.length === lastSessions.length &&
				sessions.every((session, index) => session === lastSessions![index]);
			lastInput = report.sessions;
			lastSessions = isUnchanged ? lastSessions : sessions;
			return {...report, sessions: lastSessions!};
		},
	};
}
