// A scan hint: which pids were the SSH part of the process table at the last full scan, kept
// between runs of the explorer (~/.cache/sshtop/scan-hint.json) so that the next start can read
// those and the pids handed out since instead of every stat file in /proc. The rule the watch
// scan relies on holds across runs too: a process only joins a session tree by being born into
// it, with a pid the kernel handed out after the hint was taken (pid-range.ts). What this cannot
// see, an old process that exec'd sshd since, the full scan that follows finds: the explorer
// reads again 300 ms after a start from a hint (use-snapshots.ts), and that read is a full scan.
//
// Only hints about this boot and this pid namespace are used, and only while few processes were
// forked since: more, and reading them costs what the full scan does; far more, and the pid
// allocator may have wrapped past the hint's last pid.
//
// A hint also keeps the socket inodes of the processes it names, with the schedstat text taken
// just before their fds were read: a process that has not run since (the same text, one thread,
// quiet-processes.ts) cannot have opened or closed a file, so the next start takes its sockets
// from here instead of reading its fd directory, most of a start's reading beside 500 idle
// sessions. Nothing else a process shows is kept: command lines and environments stay in /proc.
import {forkMarginPids, probeRange} from './pid-range.js';

/** What identifies the process table a hint was taken of, and how far the kernel has counted. */
export type SystemMark = {
	/** /proc/sys/kernel/random/boot_id */
	readonly bootId: string;
	/** The target of /proc/self/ns/pid, such as `pid:[4026531836]`. */
	readonly pidNamespace: string;
	/** Processes and threads forked since boot (/proc/stat `processes`). */
	readonly forks: number;
};

export type ScanHint = SystemMark & {
	/** The last pid handed out when the full scan began. */
	readonly lastPid: number;
	/** The pids the full scan kept. */
	readonly pids: readonly number[];
	/** The sockets of those of them whose fd tables were read. */
	readonly sockets: readonly HintedSockets[];
};

/** A process's socket inodes as a scan read them, and what shows whether it ran since. */
export type HintedSockets = {
	readonly pid: number;
	readonly startTicks: number;
	/** Its /proc/PID/schedstat text, taken before its fds were read. */
	readonly runMark: string;
	readonly inodes: readonly number[];
};

const hintVersion = 2;
/** More than this is not a hint this program wrote. */
const maxHintPids = 100_000;
/** The default fs.nr_open: more sockets than one process may hold by default is not a hint to trust (a start with a full scan instead). */
const maxInodesPerProcess = 1_048_576;

export function formatScanHint(hint: ScanHint): string {
	return JSON.stringify({version: hintVersion, ...hint});
}

/** The hint in a file's text; undefined for anything else (a truncated file, another version, garbage). */
export function parseScanHint(text: string): ScanHint | undefined {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return undefined;
	}

	if (typeof value !== 'object' || value === null) {
		return undefined;
	}

	const fields = new Map<string, unknown>(Object.entries(value));
	const [version, bootId, pidNamespace, forks, lastPid, pids, sockets] = [
		'version',
		'bootId',
		'pidNamespace',
		'forks',
		'lastPid',
		'pids',
		'sockets',
	].map(name => fields.get(name));
	if (
		version !== hintVersion ||
		typeof bootId !== 'string' ||
		bootId === '' ||
		typeof pidNamespace !== 'string' ||
		pidNamespace === '' ||
		!isCount(forks) ||
		!isPid(lastPid) ||
		!Array.isArray(pids) ||
		pids.length > maxHintPids ||
		!pids.every(pid => isPid(pid)) ||
		!Array.isArray(sockets) ||
		sockets.length > maxHintPids ||
		!sockets.every(entry => isHintedSockets(entry))
	) {
		return undefined;
	}

	return {bootId, pidNamespace, forks, lastPid, pids, sockets};
}

function isHintedSockets(value: unknown): value is HintedSockets {
	if (typeof value !== 'object' || value === null) {
		return false;
	}

	const fields = new Map<string, unknown>(Object.entries(value));
	const [pid, startTicks, runMark, inodes] = ['pid', 'startTicks', 'runMark', 'inodes'].map(name => fields.get(name));
	return (
		isPid(pid) &&
		isCount(startTicks) &&
		typeof runMark === 'string' &&
		/^(?:\d{1,20} ){2}\d{1,20}\n?$/u.test(runMark) &&
		Array.isArray(inodes) &&
		inodes.length <= maxInodesPerProcess &&
		inodes.every(inode => isCount(inode))
	);
}

export type HintedPids =
	| {
			readonly kind: 'pids';
			/** The hint's own pids: most are still there. */
			readonly hinted: readonly number[];
			/** Every pid handed out since, most of them threads' or gone: worth a listing of /proc when many. */
			readonly handedOut: readonly number[];
	  }
	| {readonly kind: 'unusable'; readonly reason: string};

/**
 * The pids a first scan reads instead of all of /proc: the hint's, and every pid handed out
 * since (with pid-range.ts's margin for forks in progress when the hint was taken).
 */
export function hintedPids(
	hint: ScanHint,
	mark: SystemMark | undefined,
	lastPid: number | undefined,
	pidMax: number | undefined,
	limit: number,
): HintedPids {
	if (mark === undefined || lastPid === undefined) {
		return {kind: 'unusable', reason: 'no boot id, pid namespace or fork count'};
	}

	if (mark.bootId !== hint.bootId || mark.pidNamespace !== hint.pidNamespace) {
		return {kind: 'unusable', reason: 'another boot or pid namespace'};
	}

	const forked = mark.forks - hint.forks;
	if (forked < 0 || forked > limit) {
		return {kind: 'unusable', reason: 'many processes started since'};
	}

	const range = probeRange(hint.lastPid, lastPid, pidMax, forkMarginPids, limit);
	if (range.kind === 'too-many') {
		return {kind: 'unusable', reason: 'many processes started since'};
	}

	const hinted = new Set(hint.pids);
	return {kind: 'pids', hinted: [...hinted], handedOut: range.pids.filter(pid => !hinted.has(pid))};
}

function isCount(value: unknown): value is number {
	return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isPid(value: unknown): value is number {
	return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value <= 4_194_304;
}
