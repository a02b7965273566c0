// What the detail pane shows of one process beyond the scan's record, read when it is opened:
// its working directory and its SSH_* environment. Read only while the pid is still the
// process the operator selected (same start time), never a newcomer that got its pid.
import {readlinkSync} from 'node:fs';
import {sshVariablesOf} from './parse/parse-environ.js';
import {parseStatHead} from './parse/parse-stat.js';
import {errorCode, isFailure, readWholeBytes, readWholeText} from './read-file.js';

/** A fact that could not be read says why: `permission denied (run as root)`, `gone`. */
export type Readable<T> = {readonly value: T} | {readonly reason: string};

export type ProcessDetails = {
	readonly cwd: Readable<string>;
	/** Every SSH_* variable of its environment, in the order the process has them. */
	readonly sshVariables: Readable<ReadonlyArray<readonly [name: string, value: string]>>;
};

const reasons: Readonly<Record<string, string>> = {
	EACCES: 'permission denied (run as root to see it)',
	EPERM: 'permission denied (run as root to see it)',
	ENOENT: 'the process has exited',
	ESRCH: 'the process has exited',
};

function reasonOf(code: string): string {
	return reasons[code] ?? `unreadable (${code})`;
}

function isSameProcess(procRoot: string, pid: number, startTicks: number): boolean {
	const stat = readWholeText(`${procRoot}/${pid}/stat`);
	return !isFailure(stat) && parseStatHead(stat)?.startTicks === startTicks;
}

export function readProcessDetails(pid: number, startTicks: number, procRoot = '/proc'): ProcessDetails {
	const gone = {reason: reasons['ENOENT']!};
	if (!isSameProcess(procRoot, pid, startTicks)) {
		return {cwd: gone, sshVariables: gone};
	}

	let cwd: Readable<string>;
	try {
		cwd = {value: readlinkSync(`${procRoot}/${pid}/cwd`)};
	} catch (error) {
		cwd = {reason: reasonOf(errorCode(error))};
	}

	const environ = readWholeBytes(`${procRoot}/${pid}/environ`);
	const sshVariables = isFailure(environ) ? {reason: reasonOf(environ.failure)} : {value: sshVariablesOf(environ)};
	// Read after the facts: a pid reused meanwhile makes them someone else's.
	return isSameProcess(procRoot, pid, startTicks) ? {cwd, sshVariables} : {cwd: gone, sshVariables: gone};
}
