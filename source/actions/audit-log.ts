import process from 'node:process';
import {closeSync, mkdirSync, openSync, realpathSync, writeSync} from 'node:fs';
import {homedir, userInfo} from 'node:os';
import path from 'node:path';
import type {AuditWrite} from '../model/guard/results.js';
import {toSafeJson} from '../model/view/safe-json.js';
import type {Endpoint} from '../proc/types.js';
import {type ActionName, formatPeer} from '../model/guard/target.js';

/** Who acted: the audit's first question. */
export type Operator = {
	readonly uid: number | undefined;
	readonly user: string;
	/** Where the operator is connected from, when sshtop runs inside an SSH session. */
	readonly peer: Endpoint | undefined;
};

/** One line of the audit log, as written. */
export type AuditEntry = {
	/** ISO 8601, UTC. */
	readonly time: string;
	readonly action: ActionName;
	readonly operator: {readonly uid: number | null; readonly user: string; readonly peer: string | null};
	readonly signal: {readonly name: string; readonly number: number};
	readonly targets: ReadonlyArray<{
		readonly pid: number;
		readonly startTicks: number;
		readonly user: string;
		readonly tty: string | null;
		readonly peer: string | null;
		readonly command: string;
		readonly result: string;
		readonly reason: string | null;
		readonly sentence: string;
	}>;
};

function effectiveUid(): number | undefined {
	return typeof process.geteuid === 'function' ? process.geteuid() : undefined;
}

/**
 * Root writes where administrators look (/var/log); anyone else writes to their own XDG
 * state directory, since they cannot write /var/log and their log is theirs to read.
 */
export function defaultAuditLogPath(
	environment: NodeJS.ProcessEnv = process.env,
	uid: number | undefined = effectiveUid(),
	home: string = homedir(),
): string {
	if (uid === 0) {
		return '/var/log/sshtop/actions.log';
	}

	// The XDG spec says relative values are invalid and must be ignored.
	const stateHome = environment['XDG_STATE_HOME'];
	const base = stateHome !== undefined && path.isAbsolute(stateHome) ? stateHome : path.join(home, '.local', 'state');
	return path.join(base, 'sshtop', 'actions.log');
}

/** `--audit-log PATH` wins; otherwise the default for this user. */
export function resolveAuditLogPath(override?: string): string {
	return override === undefined || override === '' ? defaultAuditLogPath() : path.resolve(override);
}

export function currentOperator(peer?: Endpoint): Operator {
	const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
	let user: string;
	try {
		user = userInfo().username;
	} catch {
		// A uid without a passwd entry (containers, deleted users): show the number.
		user = uid === undefined ? '?' : String(uid);
	}

	return {uid, user, peer};
}

export function operatorForAudit(operator: Operator): AuditEntry['operator'] {
	return {uid: operator.uid ?? null, user: operator.user, peer: formatPeer(operator.peer) ?? null};
}

/** Kernel interfaces, not file systems: writing a log there is at best lost, and creating directories in /proc never returns. */
const pseudoFileSystems = ['/proc', '/sys'] as const;

/**
Why `logPath` can never be an audit log (it lies in /proc or /sys, also through a symbolic link
of a directory above it), or undefined. Checked before anything touches the path.
*/
export function auditLogPathProblem(logPath: string): string | undefined {
	const resolved = path.resolve(logPath);
	const candidates = [resolved];
	// The nearest directory above it that exists, with its links followed.
	for (let directory = path.dirname(resolved); ; directory = path.dirname(directory)) {
		try {
			candidates.push(path.join(realpathSync(directory), path.relative(directory, resolved)));
			break;
		} catch {
			if (directory === path.dirname(directory)) {
				break;
			}
		}
	}

	const inside = pseudoFileSystems.find(root =>
		candidates.some(candidate => candidate === root || candidate.startsWith(`${root}/`)),
	);
	return inside === undefined
		? undefined
		: `${logPath} is under ${inside}, a kernel interface, not a place for a log file`;
}

/**
Opens the log for append (creating its directory 0700 and the file 0600) and closes it again:
whether actions can be logged, known before the first signal is sent.
*/
export function prepareAuditLog(logPath: string): AuditWrite {
	const problem = auditLogPathProblem(logPath);
	if (problem !== undefined) {
		return {ok: false, path: logPath, warning: `Audit log refused: ${problem}`};
	}

	let fd: number | undefined;
	try {
		mkdirSync(path.dirname(logPath), {recursive: true, mode: 0o700});
		fd = openSync(logPath, 'a', 0o600);
		return {ok: true, path: logPath};
	} catch (error) {
		return {ok: false, path: logPath, warning: `Audit log ${logPath} cannot be written: ${reasonOf(error)}`};
	} finally {
		if (fd !== undefined) {
			closeSync(fd);
		}
	}
}

function reasonOf(error: unknown): string {
	if (error instanceof Error) {
		return error.message;
	}

	return String(error);
}

/**
 * Appends one JSON line. Directories are created 0700 and a new file 0600 (the log names
 * peers and command lines); an existing file is only ever appended to. Failure is a
 * warning for the UI to show: a broken log must not stop the operator from acting.
 */
export function appendAuditEntry(logPath: string, entry: AuditEntry): AuditWrite {
	const problem = auditLogPathProblem(logPath);
	if (problem !== undefined) {
		return {ok: false, path: logPath, warning: `Audit log refused: ${problem}`};
	}

	let fd: number | undefined;
	try {
		mkdirSync(path.dirname(logPath), {recursive: true, mode: 0o700});
		fd = openSync(logPath, 'a', 0o600);
		// One write of one line on an O_APPEND descriptor: concurrent sshtops do not interleave.
		writeSync(fd, `${toSafeJson(entry)}\n`);
		return {ok: true, path: logPath};
	} catch (error) {
		return {ok: false, path: logPath, warning: `Audit log ${logPath} not written: ${reasonOf(error)}`};
	} finally {
		if (fd !== undefined) {
			try {
				closeSync(fd);
			} catch {
				// The line is written or already reported; a failing close has nothing to add.
			}
		}
	}
}
