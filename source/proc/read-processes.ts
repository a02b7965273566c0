// Reads the process table from /proc into ProcessRecords.
import {readdirSync, readlinkSync, statSync} from 'node:fs';
import {parseCmdline} from './parse/parse-cmdline.js';
import {kernelThreadFlag, parseStat, type StatFields} from './parse/parse-stat.js';
import {parseStatus} from './parse/parse-status.js';
import {errorCode, isFailure, meansVanished, readWholeBytes, readWholeText} from './read-file.js';
import {ttyName} from './tty-name.js';
import type {ProcessRecord, ProcessTableReading, UnreadablePart} from './types.js';

export type ProcessReadContext = {
	readonly procRoot: string;
	readonly userNames: ReadonlyMap<number, string>;
	/** Epoch milliseconds. */
	readonly bootTime: number;
	readonly clockTicksPerSecond: number;
	readonly pageSizeBytes: number;
};

export function listPids(procRoot: string): number[] {
	const pids: number[] = [];
	for (const name of readdirSync(procRoot)) {
		if (/^\d+$/u.test(name)) {
			pids.push(Number(name));
		}
	}

	return pids.toSorted((a, b) => a - b);
}

export function readProcessTable(context: ProcessReadContext): ProcessTableReading {
	const processes: ProcessRecord[] = [];
	let vanishedCount = 0;
	for (const pid of listPids(context.procRoot)) {
		const record = readProcess(context, pid);
		if (record) {
			processes.push(record);
		} else {
			vanishedCount++;
		}
	}

	return {processes, vanishedCount};
}

/** Returns undefined when the process is gone (or its stat is not a stat line). */
export function readProcess(context: ProcessReadContext, pid: number): ProcessRecord | undefined {
	const directory = `${context.procRoot}/${pid}`;
	const stat = readStat(directory);
	if (stat === undefined) {
		return undefined;
	}

	const details = readDetails(directory, stat);
	return details === undefined ? undefined : buildRecord(context, stat, details);
}

/** The stat line of a process, parsed; undefined when it is gone or the line is garbage. */
export function readStat(directory: string): StatFields | undefined {
	const statText = readWholeText(`${directory}/stat`);
	return isFailure(statText) ? undefined : parseStat(statText);
}

/** What a process says beyond its stat line: who runs it and what it runs. */
export type ProcessDetails = {
	readonly uid: number | undefined;
	/** From status: another pid than the one read when that pid is a thread's (a probe can hit one). */
	readonly threadGroupId?: number | undefined;
	readonly argv: readonly string[];
	readonly executable: string | undefined;
	/** Only `status`, `cmdline` and `exe` can appear here. */
	readonly unreadable: readonly UnreadablePart[];
	readonly ignoredSignals?: string | undefined;
	readonly caughtSignals?: string | undefined;
	readonly isNamespaceInit?: boolean;
};

/**
Reads status, cmdline and exe (not with `withExecutable: false`: left undefined, not unreadable);
undefined when the process vanished meanwhile.
*/
export function readDetails(
	directory: string,
	stat: StatFields,
	options: {readonly withExecutable?: boolean} = {},
): ProcessDetails | undefined {
	const unreadable: UnreadablePart[] = [];
	const status = readStatusFields(directory, unreadable);
	if (status === 'vanished') {
		return undefined;
	}

	const argv = readArgv(directory, unreadable);
	if (argv === 'vanished') {
		return undefined;
	}

	const executable = options.withExecutable === false ? undefined : readExecutable(directory, stat, unreadable);
	return {
		uid: status.uid,
		threadGroupId: status.threadGroupId,
		argv,
		executable,
		unreadable,
		ignoredSignals: status.ignoredSignals,
		caughtSignals: status.caughtSignals,
		isNamespaceInit: status.isNamespaceInit,
	};
}

export function buildRecord(context: ProcessReadContext, stat: StatFields, details: ProcessDetails): ProcessRecord {
	return {
		pid: stat.pid,
		ppid: stat.ppid,
		processGroup: stat.processGroup,
		sessionId: stat.sessionId,
		ttyNumber: stat.ttyNumber,
		tty: ttyName(stat.ttyNumber),
		foregroundProcessGroup: stat.foregroundProcessGroup,
		state: stat.state,
		userTicks: stat.userTicks,
		systemTicks: stat.systemTicks,
		startTicks: stat.startTicks,
		startedAt: context.bootTime + (stat.startTicks * 1000) / context.clockTicksPerSecond,
		rssBytes: stat.rssPages * context.pageSizeBytes,
		threads: stat.threads,
		isKernelThread: (stat.flags & kernelThreadFlag) !== 0,
		uid: details.uid,
		user: details.uid === undefined ? '?' : (context.userNames.get(details.uid) ?? String(details.uid)),
		comm: stat.comm,
		argv: details.argv,
		executable: details.executable,
		socketInodes: undefined,
		unreadable: details.unreadable,
		...(details.ignoredSignals === undefined ? {} : {ignoredSignals: details.ignoredSignals}),
		...(details.caughtSignals === undefined ? {} : {caughtSignals: details.caughtSignals}),
		...(details.isNamespaceInit === true ? {isNamespaceInit: true} : {}),
	};
}

export function readArgv(directory: string, unreadable: UnreadablePart[]): readonly string[] | 'vanished' {
	const cmdline = readWholeBytes(`${directory}/cmdline`);
	if (isFailure(cmdline)) {
		if (meansVanished(cmdline)) {
			return 'vanished';
		}

		unreadable.push('cmdline');
		return [];
	}

	return parseCmdline(cmdline);
}

type StatusReading = {
	readonly uid: number | undefined;
	readonly threadGroupId: number | undefined;
	readonly ignoredSignals?: string | undefined;
	readonly caughtSignals?: string | undefined;
	readonly isNamespaceInit?: boolean;
};

function readStatusFields(directory: string, unreadable: UnreadablePart[]): StatusReading | 'vanished' {
	const status = readWholeText(`${directory}/status`);
	if (!isFailure(status)) {
		const {realUid, threadGroupId, ignoredSignals, caughtSignals, isNamespaceInit} = parseStatus(status);
		if (realUid !== undefined) {
			return {uid: realUid, threadGroupId, ignoredSignals, caughtSignals, isNamespaceInit};
		}
	} else if (meansVanished(status)) {
		return 'vanished';
	}

	unreadable.push('status');
	// The directory's owner is the effective uid: second best, but known to the kernel.
	try {
		return {uid: statSync(directory).uid, threadGroupId: undefined};
	} catch (error) {
		return errorCode(error) === 'ENOENT' ? 'vanished' : {uid: undefined, threadGroupId: undefined};
	}
}

export function readExecutable(directory: string, stat: StatFields, unreadable: UnreadablePart[]): string | undefined {
	if ((stat.flags & kernelThreadFlag) !== 0) {
		return undefined;
	}

	try {
		return readlinkSync(`${directory}/exe`, 'utf8');
	} catch (error) {
		// Zombies and exiting processes have no exe; only EACCES means "not allowed to know".
		if (errorCode(error) === 'EACCES' || errorCode(error) === 'EPERM') {
			unreadable.push('exe');
		}

		return undefined;
	}
}

/** Socket inodes among the fds of a process; undefined when its fd table cannot be read. */
export function readSocketInodes(procRoot: string, pid: number): number[] | undefined {
	const directory = `${procRoot}/${pid}/fd`;
	let names: string[];
	try {
		names = readdirSync(directory);
	} catch {
		return undefined;
	}

	const inodes: number[] = [];
	for (const name of names) {
		let target: string;
		try {
			target = readlinkSync(`${directory}/${name}`, 'utf8');
		} catch {
			continue;
		}

		const match = /^socket:\[(\d+)\]$/u.exec(target);
		if (match) {
			inodes.push(Number(match[1]));
		}
	}

	return inodes;
}
