// Joins sshd's log to the live sessions: each report's sessions get `auth` where the log says how
// they logged in, with the comment of the authorized_keys line their key matched (read once per
// login, when this process may). A session whose auth did not change stays the same object, and
// so does the sessions array: the explorer keeps what it derived from them.
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

/** The comment of line `line` of an authorized_keys file, when this process may read it. */
function readKeyComment(file: string, line: number): string | undefined {
	try {
		const stat = statSync(file);
		if (!stat.isFile() || stat.size > largestKeysFile) return undefined;
		const text = readFileSync(file, 'utf8').split('\n')[line - 1];
		return text === undefined ? undefined : keyCommentOf(text);
	} catch {
		return undefined;
	}
}

/** Reads `--auth-log PATH`, else /var/log/auth.log or /var/log/secure; undefined when there is none. */
export function createSessionAuthSource(named: string | undefined): SessionAuthSource | undefined {
	const path = authLogPath(named);
	if (path === undefined) return undefined;
	const reader = createAuthLogReader(path);
	// The ledger keeps one object per login: its comment is read once, when the login is first seen.
	const commented = new WeakMap<SessionAuth, SessionAuth>();
	const withComment = (found: SessionAuth): SessionAuth => {
		if (found.keySource === undefined) return found;
		let auth = commented.get(found);
		if (auth === undefined) {
			auth = {...found, keyComment: readKeyComment(found.keySource.file, found.keySource.line)};
			commented.set(found, auth);
		}

		return auth;
	};

	const attached = new WeakMap<Session, Session>();
	let last: {readonly input: readonly Session[]; readonly output: readonly Session[]} | undefined;
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
				const auth = found === undefined ? undefined : withComment(found);
				if (session.auth === auth) return session;
				const before = attached.get(session);
				if (before !== undefined && before.auth === auth) return before;
				const {auth: _unused, ...rest} = session;
				const after: Session = auth === undefined ? rest : {...rest, auth};
				attached.set(session, after);
				return after;
			});
			const isUnchanged =
				last?.input === report.sessions && sessions.every((session, index) => session === last!.output[index]);
			if (!isUnchanged) last = {input: report.sessions, output: sessions};
			return {...report, sessions: last!.output};
		},
	};
}
