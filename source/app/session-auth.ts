// Joins sshd's log to the live sessions: each report's sessions get `auth` where the log says how
// they logged in, with the comment of the authorized_keys line their key matched (read once per
// login, when this process may); the report gets the refused logins per source address, and a
// connection still authenticating gets its address's count. A session whose facts did not change
// stays the same object, and so does the sessions array: the explorer keeps what it derived.
import {closeSync, openSync, readFileSync, readSync, statSync} from 'node:fs';
import {Buffer} from 'node:buffer';
import {failedLoginWindowSeconds, type SessionAuth, type SourceFailures} from '../model/identity/auth-ledger.js';
import {keyCommentOf} from '../model/identity/authorized-keys.js';
import {unmappedIpv4} from '../proc/parse/parse-net-tcp.js';
import type {FailedLogins, Session, SessionReport} from '../model/types.js';
import {authLogPath, createAuthLogReader, type AuthLogReader} from '../proc/read-auth-log.js';
import {createJournalReader, hasSystemJournal, systemJournalHasSshd, type JournalTarget} from '../proc/read-journal.js';

export type SessionAuthSource = {
	readonly reader: AuthLogReader;
	/** The report with each session's auth attached. */
	readonly attach: (report: SessionReport) => SessionReport;
	/** Ends what reading the log started (a journalctl follower). */
	readonly close: () => void;
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

/** Journal files begin with this signature. */
const journalSignature = 'LPKSHHRH';

/** `--auth-log PATH` as a journal: a directory of journal files, or one journal file. */
function namedJournal(named: string): JournalTarget | undefined {
	try {
		if (statSync(named).isDirectory()) return {kind: 'directory', path: named};
		const descriptor = openSync(named, 'r');
		try {
			const head = Buffer.alloc(journalSignature.length);
			readSync(descriptor, head, 0, head.length, 0);
			return head.toString('latin1') === journalSignature ? {kind: 'file', path: named} : undefined;
		} finally {
			closeSync(descriptor);
		}
	} catch {
		return undefined;
	}
}

/**
The log to read, first that works: `--auth-log PATH` (a text log, a journal directory or file),
the system journal when it holds sshd's entries, /var/log/auth.log, /var/log/secure.
*/
function openReader(named: string | undefined, follow: boolean): (AuthLogReader & {close?: () => void}) | undefined {
	if (named !== undefined) {
		const journal = namedJournal(named);
		return journal === undefined ? createAuthLogReader(named) : createJournalReader(journal, {follow});
	}

	if (hasSystemJournal() && systemJournalHasSshd()) return createJournalReader({kind: 'system'}, {follow});
	const path = authLogPath(undefined);
	return path === undefined ? undefined : createAuthLogReader(path);
}

function isSameFailures(a: FailedLogins | undefined, b: FailedLogins): boolean {
	return (
		a?.sources.length === b.sources.length &&
		a.sources.every(
			(source, index) =>
				source.address === b.sources[index]!.address &&
				source.count === b.sources[index]!.count &&
				source.lastAt === b.sources[index]!.lastAt,
		)
	);
}

/**
Reads `--auth-log PATH`, else the journal, /var/log/auth.log or /var/log/secure; undefined when
there is none. `follow`: the live views, which keep reading as sshd logs.
*/
export function createSessionAuthSource(
	named: string | undefined,
	options: {readonly follow?: boolean} = {},
): SessionAuthSource | undefined {
	const reader = openReader(named, options.follow ?? false);
	if (reader === undefined) return undefined;
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
	let lastFailures: FailedLogins | undefined;
	const withFacts = (session: Session, auth: SessionAuth | undefined, sourceFailures: number | undefined): Session => {
		if (session.auth === auth && session.sourceFailures === sourceFailures) return session;
		const before = attached.get(session);
		if (before !== undefined && before.auth === auth && before.sourceFailures === sourceFailures) return before;
		const {auth: _auth, sourceFailures: _failures, ...rest} = session;
		const after: Session = {
			...rest,
			...(auth === undefined ? {} : {auth}),
			...(sourceFailures === undefined ? {} : {sourceFailures}),
		};
		attached.set(session, after);
		return after;
	};

	return {
		reader,
		close() {
			reader.close?.();
		},
		attach(report) {
			const established = report.sessions.filter(session => session.stage === 'established');
			const windowStart = report.takenAt - failedLoginWindowSeconds * 1000;
			reader.refresh(
				ledger => established.every(session => ledger.authOf(session) !== undefined),
				Math.min(windowStart, ...established.map(session => session.loginAt)),
				windowStart,
			);
			const ledger = reader.ledger();
			const failures: FailedLogins = {
				windowSeconds: failedLoginWindowSeconds,
				sources: ledger.failuresSince(windowStart),
			};
			if (!isSameFailures(lastFailures, failures)) lastFailures = failures;
			const failuresByAddress = new Map<string, SourceFailures>(
				lastFailures!.sources.map(source => [source.address, source]),
			);
			const sessions = report.sessions.map(session => {
				const found = ledger.authOf(session);
				const address = session.peer === undefined ? undefined : unmappedIpv4(session.peer.address);
				const sourceFailures =
					session.stage === 'authenticating' && address !== undefined
						? (failuresByAddress.get(address)?.count ?? 0)
						: undefined;
				return withFacts(session, found === undefined ? undefined : withComment(found), sourceFailures);
			});
			const isUnchanged =
				last?.input === report.sessions && sessions.every((session, index) => session === last!.output[index]);
			if (!isUnchanged) last = {input: report.sessions, output: sessions};
			return {
				...report,
				sessions: last!.output,
				failedLogins: lastFailures!,
				authLog: {source: reader.path, problem: reader.problem()},
			};
		},
	};
}
