// A scan hint: the pids (and their socket inodes) of the SSH part of the process table at the
// last full scan, kept between runs so the next start reads those and the pids handed out since
// instead of all of /proc. A process only joins a session by being born into it, so that is
// complete but for an old process that exec'd sshd since, which the full scan right after finds.
// Only hints about this boot and pid namespace are used, and only while few processes were forked
// since. A process that has not run since (quiet-processes.ts) keeps its hinted sockets.
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
