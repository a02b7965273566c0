// One refresh: reads everything the model needs from /proc, /proc/net and /dev.
import process from 'node:process';
import {endianness, hostname} from 'node:os';
import {readlinkSync, statSync} from 'node:fs';
import {parseNetTcp} from './parse/parse-net-tcp.js';
import {parsePasswd} from './parse/parse-passwd.js';
import {parseStat} from './parse/parse-stat.js';
import {parseBootTime, parseForkCount, parseLoadAverage, parseUptime} from './parse/parse-system.js';
import type {SystemMark} from './scanner/scan-hint.js';
import {parseSshEnvironment} from './parse/parse-environ.js';
import {isFailure, meansVanished, readBytes, readText} from './read-file.js';
import {readProcessTable, readSocketInodes} from './read-processes.js';
import {pidsUnderSshd} from './ssh-scope.js';
import {readProcAccess} from './read-proc-access.js';
import type {TcpInfoReading} from './read-tcp-info.js';
import type {ProcessRecord, Snapshot, TcpSocket} from './types.js';

export type ReadSnapshotOptions = {
	readonly procRoot?: string;
	readonly devRoot?: string;
	readonly passwdPath?: string;
	/** Pid of the reader; the default is this process. */
	readonly selfPid?: number;
	readonly now?: () => number;
	/** Result of readTcpInfo(), taken just before: the snapshot stays synchronous. */
	readonly tcpInfo?: TcpInfoReading;
};

/** USER_HZ, which the kernel uses for every tick count it exports; 100 on every Linux ABI. */
export const clockTicksPerSecond = 100;

/**
 * One full snapshot: every process with all its details. For one-shot outputs (--json, reap)
 * and tests; the explorer refreshes through createProcessScanner, which reads only the SSH part.
 */
export function readSnapshot(options: ReadSnapshotOptions = {}): Snapshot {
	const procRoot = options.procRoot ?? '/proc';
	const devRoot = options.devRoot ?? '/dev';
	const now = options.now ?? Date.now;
	const bootSeconds = bootTimeSeconds(procRoot);
	const table = readProcessTable({
		procRoot,
		userNames: readUserNames(options.passwdPath ?? '/etc/passwd'),
		bootTime: bootSeconds * 1000,
		clockTicksPerSecond,
		pageSizeBytes: pageSizeBytes(),
	});
	const inScope = pidsUnderSshd(table.processes);
	// A normal user may not see a process's parent (hidepid): its environment then says whether it runs in an SSH session.
	const visible = (process.geteuid?.() ?? 0) === 0 ? undefined : new Set(table.processes.map(each => each.pid));
	const processes = table.processes.map(record => {
		if (inScope.has(record.pid)) {
			return withSockets(procRoot, record);
		}

		const isParentHidden = visible !== undefined && record.ppid > 1 && !visible.has(record.ppid);
		return mayHaveOutlivedSession(record) || (isParentHidden && !record.isKernelThread)
			? withSshEnvironment(procRoot, record)
			: record;
	});

	return {
		takenAt: now(),
		host: textOr(`${procRoot}/sys/kernel/hostname`, text => text.trim() || undefined) ?? hostname(),
		bootTime: bootSeconds * 1000,
		uptimeSeconds: textOr(`${procRoot}/uptime`, parseUptime) ?? 0,
		loadAverage: textOr(`${procRoot}/loadavg`, parseLoadAverage) ?? [0, 0, 0],
		processes,
		vanishedCount: table.vanishedCount,
		sockets: readTcpSockets(procRoot),
		ttyActivity: readTtyActivity(devRoot, processes),
		selfPid: options.selfPid ?? process.pid,
		readerUid: process.geteuid?.() ?? 0,
		access: readProcAccess(procRoot),
		...(options.tcpInfo ? {tcpInfo: options.tcpInfo} : {}),
	};
}

/** Orphans of a logout are re-parented to PID 1; only they need their environment read. */
function mayHaveOutlivedSession(record: ProcessRecord): boolean {
	return record.ppid === 1 && !record.isKernelThread && record.state !== 'Z';
}

function withSshEnvironment(procRoot: string, record: ProcessRecord): ProcessRecord {
	const environ = readBytes(`${procRoot}/${record.pid}/environ`);
	if (isFailure(environ)) {
		return meansVanished(environ) ? record : {...record, unreadable: [...record.unreadable, 'environ']};
	}

	const sshEnvironment = parseSshEnvironment(environ);
	return sshEnvironment ? {...record, sshEnvironment} : record;
}

function withSockets(procRoot: string, record: ProcessRecord): ProcessRecord {
	const socketInodes = readSocketInodes(procRoot, record.pid);
	return socketInodes ? {...record, socketInodes} : {...record, unreadable: [...record.unreadable, 'fd']};
}

export function readTcpSockets(
	procRoot: string,
	wanted?: ReadonlySet<number>,
	wantedLocalPorts?: ReadonlySet<number>,
): TcpSocket[] {
	const byteOrder = endianness();
	return [
		...(textOr(`${procRoot}/net/tcp`, text => parseNetTcp(text, 4, byteOrder, wanted, wantedLocalPorts)) ?? []),
		...(textOr(`${procRoot}/net/tcp6`, text => parseNetTcp(text, 6, byteOrder, wanted, wantedLocalPorts)) ?? []),
	];
}

/** `w` measures idle time as now minus the terminal device's last access time. */
export function readTtyActivity(devRoot: string, processes: readonly ProcessRecord[]): Map<string, number> {
	const activity = new Map<string, number>();
	for (const {tty} of processes) {
		if (tty === undefined || activity.has(tty) || tty.includes('(')) {
			continue;
		}

		try {
			activity.set(tty, statSync(`${devRoot}/${tty}`).atimeMs);
		} catch {
			// A terminal that closed since the process table was read has no idle time.
		}
	}

	return activity;
}

export function readUserNames(path: string): ReadonlyMap<number, string> {
	return textOr(path, parsePasswd) ?? new Map<number, string>();
}

/**
User names read again at most once a minute: accounts rarely change, and an unchanged map keeps
its identity, so records made with it can be kept (detail-cache.ts).
*/
export function createUserNamesReader(path: string, now: () => number = Date.now): () => ReadonlyMap<number, string> {
	let names: ReadonlyMap<number, string> | undefined;
	let readAt = 0;
	return () => {
		if (names === undefined || now() - readAt >= 60_000) {
			names = readUserNames(path);
			readAt = now();
		}

		return names;
	};
}

const bootTimes = new Map<string, number>();

/** Boot time in epoch seconds. /proc/stat is large on many-core machines and btime never changes. */
export function bootTimeSeconds(procRoot: string): number {
	let seconds = bootTimes.get(procRoot);
	if (seconds === undefined) {
		seconds = textOr(`${procRoot}/stat`, parseBootTime);
		if (seconds === undefined) {
			return 0;
		}

		bootTimes.set(procRoot, seconds);
	}

	return seconds;
}

/** This boot, this pid namespace and the fork count now: what a scan hint is checked against. */
export function readSystemMark(procRoot: string): SystemMark | undefined {
	const bootId = textOr(`${procRoot}/sys/kernel/random/boot_id`, text => text.trim() || undefined);
	const forks = textOr(`${procRoot}/stat`, parseForkCount);
	let pidNamespace: string;
	try {
		pidNamespace = readlinkSync(`${procRoot}/self/ns/pid`);
	} catch {
		return undefined;
	}

	return bootId === undefined || forks === undefined ? undefined : {bootId, pidNamespace, forks};
}

let cachedPageSize: number | undefined;

/** Node does not expose sysconf(_SC_PAGESIZE); our own RSS in kB over RSS in pages gives it. */
export function pageSizeBytes(): number {
	if (cachedPageSize !== undefined) {
		return cachedPageSize;
	}

	const stat = textOr('/proc/self/stat', parseStat);
	const rssKilobytes = textOr('/proc/self/status', text => Number(/^VmRSS:\s+(\d+)/mu.exec(text)?.[1]));
	const ratio = stat && rssKilobytes ? (rssKilobytes * 1024) / stat.rssPages : 4096;
	cachedPageSize = 2 ** Math.round(Math.log2(Number.isFinite(ratio) && ratio > 0 ? ratio : 4096));
	return cachedPageSize;
}

function textOr<T>(path: string, parse: (text: string) => T | undefined): T | undefined {
	const text = readText(path);
	return isFailure(text) ? undefined : parse(text);
}
