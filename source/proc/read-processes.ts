// Reads the process table from /proc into ProcessRecords.
import {readdirSync, readlinkSync, statSync} from 'node:fs';
import {parseCmdline} from './parse-cmdline.js';
import {kernelThreadFlag, parseStat, type StatFields} from './parse-stat.js';
import {parseStatus} from './parse-status.js';
import {errorCode, isFailure, meansVanished, readBytes, readText} from './read-file.js';
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
		if (/^\d+$/.test(name)) {
			pids.push(Number(name));
		}
	}

	return pids.sort((a, b) => a - b);
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
	const statText = readText(`${directory}/stat`);
	if (isFailure(statText)) {
		return undefined;
	}

	const stat = parseStat(statText);
	if (!stat) {
		return undefined;
	}

	const unreadable: UnreadablePart[] = [];
	const uid = readRealUid(directory, unreadable);
	if (uid === 'vanished') {
		return undefined;
	}

	const cmdline = readBytes(`${directory}/cmdline`);
	if (isFailure(cmdline)) {
		if (meansVanished(cmdline)) {
			return undefined;
		}

		unreadable.push('cmdline');
	}

	const executable = readExecutable(directory, stat, unreadable);
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
		startedAt: context.bootTime + ((stat.startTicks * 1000) / context.clockTicksPerSecond),
		rssBytes: stat.rssPages * context.pageSizeBytes,
		threads: stat.threads,
		isKernelThread: (stat.flags & kernelThreadFlag) !== 0,
		uid,
		user: uid === undefined ? '?' : (context.userNames.get(uid) ?? String(uid)),
		comm: stat.comm,
		argv: isFailure(cmdline) ? [] : parseCmdline(cmdline),
		executable,
		socketInodes: undefined,
		unreadable,
	};
}

function readRealUid(directory: string, unreadable: UnreadablePart[]): number | undefined | 'vanished' {
	const status = readText(`${directory}/status`);
	if (!isFailure(status)) {
		const uid = parseStatus(status).realUid;
		if (uid !== undefined) {
			return uid;
		}
	} else if (meansVanished(status)) {
		return 'vanished';
	}

	unreadable.push('status');
	// The directory's owner is the effective uid: second best, but known to the kernel.
	try {
		return statSync(directory).uid;
	} catch (error) {
		return errorCode(error) === 'ENOENT' ? 'vanished' : undefined;
	}
}

function readExecutable(directory: string, stat: StatFields, unreadable: UnreadablePart[]): string | undefined {
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

		const match = /^socket:\[(\d+)]$/.exec(target);
		if (match) {
			inodes.push(Number(match[1]));
		}
	}

	return inodes;
}
