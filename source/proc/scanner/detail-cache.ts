// What is kept of each watched process between scans, and the records made from it. Status,
// cmdline, exe, fds and environ are read once per (pid, start time, exec), and again while the
// process is young, when an sshd's children change (OpenSSH retitles an sshd when it forks or
// reaps a child: `[net]` → `USER [priv]`, `USER@pts/1,pts/2`), when its parent changes, and after
// `revalidateMs` if it ran since: a process that did not run changed none of them.
import {parseStat, type StatFields} from '../parse/parse-stat.js';
import type {SshEnvironment} from '../parse/parse-environ.js';
import {
	buildRecord,
	readDetails,
	readSocketInodes,
	type ProcessDetails,
	type ProcessReadContext,
} from '../read-processes.js';
import {descendantsOf, sshdCommandNames} from '../ssh-scope.js';
import type {ProcessRecord, UnreadablePart} from '../types.js';
import type {EnvironmentReading} from './environments.js';
import type {Membership} from './membership.js';
import {mayHaveRunSince} from './quiet-processes.js';
import type {HintedSockets} from './scan-hint.js';
import {execFingerprint, type Candidate, type LastReading, type StatReader} from './stat-candidates.js';

export type Watched = {
	readonly pid: number;
	readonly startTicks: number;
	/** Comm, start_code and start_stack: an exec changes at least one (ASLR moves the stack). */
	readonly fingerprint: string;
	/** When this fingerprint replaced another (an exec seen), undefined for the first one. */
	readonly execSeenAt: number | undefined;
	readonly details: ProcessDetails;
	readonly detailsReadAt: number;
	/** Its schedstat text taken before the details were read: a process that did not run since cannot have changed them. */
	readonly detailsRunMark: string | undefined;
	/** Undefined when not read (not under an sshd); 'unreadable' when the fd table was not readable. */
	readonly socketInodes: readonly number[] | 'unreadable' | undefined;
	/** Undefined when not read (see environments.ts). */
	readonly environment: EnvironmentReading;
	/** Sorted child pids when the details were read: an sshd retitles itself as its children come and go. */
	readonly childrenKey: string;
	readonly parentPid: number;
	/** Read at a glance, or held back (see below): to be read whole at the next scan. */
	readonly isPartlyRead: boolean;
	readonly last?: LastReading;
};

export type DetailCacheOptions = {
	readonly procRoot: string;
	/** Details of a process younger than this (or exec'd less long ago) are re-read on every scan. */
	readonly youngMs: number;
	/** Details older than this are read again if the process ran since. */
	readonly revalidateMs: number;
	readonly stats: Pick<StatReader, 'detailsRunMark' | 'runMarkOf'>;
};

export type MembersReading = {
	readonly startedAt: number;
	readonly context: ProcessReadContext;
	readonly membership: Membership;
	readonly candidates: ReadonlyMap<number, Candidate>;
	readonly environments: ReadonlyMap<number, EnvironmentReading>;
	/** Pids found by probing: a thread's id answers too, and is not a process. */
	readonly probed: ReadonlySet<number>;
	/** A start from a scan hint: the sockets it kept, by pid. */
	readonly hintedSockets: ReadonlyMap<number, HintedSockets> | undefined;
};

export type DetailCache = {
	readonly watched: () => ReadonlyMap<number, Watched>;
	/** Makes the members' records and keeps what they were made from; returns the pids no longer watched too. */
	readonly refresh: (reading: MembersReading) => {
		readonly processes: ProcessRecord[];
		readonly detailReads: number;
		readonly gone: number[];
	};
	/** The watched processes' sockets with the run marks taken before they were read, for the next run's hint. */
	readonly hintedSockets: () => HintedSockets[];
};

/**
A process a watch scan's probe found, that no scan read before. Not at a start from a hint: that
first report is read whole. Such a process is read at a glance (not an sshd) or held back (an sshd,
with what runs below it; see heldBack): on a busy server most of them (a shell loop's `sleep 1`, a
short login) are gone by the next refresh.
*/
function isNewByProbe(
	pid: number,
	candidate: Candidate,
	watched: ReadonlyMap<number, Watched>,
	probed: ReadonlySet<number>,
	hintedSockets: ReadonlyMap<number, HintedSockets> | undefined,
): boolean {
	return hintedSockets === undefined && probed.has(pid) && sameProcess(watched.get(pid), candidate) === undefined;
}

export function createDetailCache({procRoot, youngMs, revalidateMs, stats}: DetailCacheOptions): DetailCache {
	let watched = new Map<number, Watched>();

	/**
	A process's details, run mark and sockets as read now; undefined when it vanished or is a thread.
	At a glance (`isNew`, not an sshd): status and cmdline only, its row; the executable, sockets and
	run mark once it outlives a refresh.
	*/
	function readFresh(
		pid: number,
		stat: StatFields,
		where: {
			readonly isNew: boolean;
			readonly isUnderSshd: boolean;
			readonly probed: ReadonlySet<number>;
			readonly hintedSockets: ReadonlyMap<number, HintedSockets> | undefined;
		},
	): Pick<Watched, 'details' | 'detailsRunMark' | 'socketInodes' | 'isPartlyRead'> | undefined {
		const isGlance = where.isNew && !sshdCommandNames.has(stat.comm);
		const detailsRunMark = isGlance ? undefined : stats.detailsRunMark(pid);
		const details = readDetails(`${procRoot}/${pid}`, stat, {withExecutable: !isGlance});
		if (
			details === undefined ||
			(where.probed.has(pid) && details.threadGroupId !== undefined && details.threadGroupId !== pid)
		) {
			return undefined;
		}

		const socketInodes =
			where.isUnderSshd && !isGlance
				? (keptSockets(where.hintedSockets?.get(pid), stat, detailsRunMark) ??
					readSocketInodes(procRoot, pid) ??
					'unreadable')
				: undefined;
		return {details, detailsRunMark, socketInodes, isPartlyRead: isGlance};
	}

	const refresh: DetailCache['refresh'] = ({
		startedAt,
		context,
		membership,
		candidates,
		environments,
		probed,
		hintedSockets,
	}) => {
		const {underSshd, sortedMembers, childrenByParent} = membership;
		const nextWatched = new Map<number, Watched>();
		const processes: ProcessRecord[] = [];
		let detailReads = 0;
		const held = heldBack(watched, candidates, probed, hintedSockets, childrenByParent);
		for (const pid of sortedMembers) {
			const candidate = candidates.get(pid);
			if (!candidate) {
				continue;
			}

			const previous = sameProcess(watched.get(pid), candidate);
			const {unchanged} = candidate;
			const stat = unchanged?.stat ?? parseStat(candidate.statText);
			if (!stat) {
				continue;
			}

			if (held.has(pid)) {
				nextWatched.set(pid, heldEntry(stat, candidate, environments.get(pid), startedAt));
				continue;
			}

			const fingerprint = unchanged?.fingerprint ?? execFingerprint(candidate.statText, stat.comm);
			// Only an sshd's children decide anything (its title): no key for the others.
			const childrenKey = sshdCommandNames.has(stat.comm) ? (childrenByParent.get(pid) ?? []).join(',') : '';
			const execSeenAt = previous && previous.fingerprint !== fingerprint ? startedAt : previous?.execSeenAt;
			const isYoung =
				startedAt - (context.bootTime + (stat.startTicks * 1000) / context.clockTicksPerSecond) < youngMs ||
				(execSeenAt !== undefined && startedAt - execSeenAt < youngMs);
			const mustRead =
				previous?.fingerprint !== fingerprint ||
				isYoung ||
				(startedAt - previous.detailsReadAt >= revalidateMs &&
					mayHaveRunSince(previous.detailsRunMark, stats.runMarkOf(pid), stat.threads)) ||
				(sshdCommandNames.has(stat.comm) && previous.childrenKey !== childrenKey) ||
				previous.parentPid !== stat.ppid ||
				previous.isPartlyRead;
			let details: ProcessDetails;
			let detailsReadAt: number;
			let socketInodes: Watched['socketInodes'];
			let detailsChildrenKey: string;
			let detailsRunMark: string | undefined;
			let isPartlyRead = false;
			if (mustRead) {
				const read = readFresh(pid, stat, {
					isNew: isNewByProbe(pid, candidate, watched, probed, hintedSockets),
					isUnderSshd: underSshd.has(pid),
					probed,
					hintedSockets,
				});
				if (read === undefined) {
					continue;
				}

				detailReads++;
				({details, detailsRunMark, socketInodes, isPartlyRead} = read);
				detailsReadAt = startedAt;
				detailsChildrenKey = childrenKey;
			} else {
				({details, detailsReadAt, socketInodes, detailsRunMark, isPartlyRead} = previous);
				detailsChildrenKey = previous.childrenKey;
			}

			const environment = environments.get(pid);
			// The same line, details, environment reading and user names make the same record.
			const record =
				!mustRead && unchanged?.userNames === context.userNames && environment === previous?.environment
					? unchanged.record
					: recordOf(context, stat, details, socketInodes, environment);
			processes.push(record);
			if (previous !== undefined && !mustRead && record === unchanged?.record) {
				nextWatched.set(pid, previous);
				continue;
			}

			// Written out whole, not spread from the previous entry: this runs for every watched
			// process on every refresh.
			nextWatched.set(pid, {
				pid,
				startTicks: stat.startTicks,
				fingerprint,
				execSeenAt,
				details,
				detailsReadAt,
				detailsRunMark,
				socketInodes,
				environment,
				childrenKey: detailsChildrenKey,
				parentPid: stat.ppid,
				isPartlyRead,
				last: {statText: candidate.statText, stat, fingerprint, record, userNames: context.userNames},
			});
		}

		const gone = [...watched.keys()].filter(pid => !nextWatched.has(pid));
		watched = nextWatched;
		return {processes, detailReads, gone};
	};

	return {
		watched: () => watched,
		refresh,
		hintedSockets() {
			const sockets: HintedSockets[] = [];
			for (const entry of watched.values()) {
				if (Array.isArray(entry.socketInodes) && entry.detailsRunMark !== undefined) {
					sockets.push({
						pid: entry.pid,
						startTicks: entry.startTicks,
						runMark: entry.detailsRunMark,
						inodes: entry.socketInodes,
					});
				}
			}

			return sockets;
		},
	};
}

/**
The new sshds a watch scan's probe found (a new connection, a session's new side), with what runs
below them: shown from the next refresh on, when still there. A login shorter than a refresh then
costs no details, no socket table read, no session in the model and no rows; one that stays shows
a refresh later.
*/
function heldBack(
	watched: ReadonlyMap<number, Watched>,
	candidates: ReadonlyMap<number, Candidate>,
	probed: ReadonlySet<number>,
	hintedSockets: ReadonlyMap<number, HintedSockets> | undefined,
	childrenByParent: ReadonlyMap<number, readonly number[]>,
): ReadonlySet<number> {
	const roots: number[] = [];
	for (const pid of probed) {
		const candidate = candidates.get(pid);
		if (
			candidate !== undefined &&
			sshdCommandNames.has(candidate.stat.comm) &&
			isNewByProbe(pid, candidate, watched, probed, hintedSockets)
		) {
			roots.push(pid);
		}
	}

	return roots.length === 0 ? new Set() : descendantsOf(childrenByParent, roots);
}

/** What is kept of a held-back process: enough to know it next time, and to read it whole then. */
function heldEntry(
	stat: StatFields,
	candidate: Candidate,
	environment: EnvironmentReading,
	startedAt: number,
): Watched {
	return {
		pid: stat.pid,
		startTicks: stat.startTicks,
		fingerprint: execFingerprint(candidate.statText, stat.comm),
		execSeenAt: undefined,
		details: {uid: undefined, threadGroupId: undefined, argv: [], executable: undefined, unreadable: []},
		detailsReadAt: startedAt,
		detailsRunMark: undefined,
		socketInodes: undefined,
		environment,
		childrenKey: '',
		parentPid: stat.ppid,
		isPartlyRead: true,
	};
}

function sameProcess(entry: Watched | undefined, candidate: Candidate): Watched | undefined {
	return entry?.startTicks === candidate.stat.startTicks ? entry : undefined;
}

function recordOf(
	context: ProcessReadContext,
	stat: StatFields,
	details: ProcessDetails,
	heldSockets: Watched['socketInodes'],
	environment: EnvironmentReading,
): ProcessRecord {
	const record = buildRecord(context, stat, details);
	const unreadable: UnreadablePart[] = [...details.unreadable];
	let socketInodes: readonly number[] | undefined;
	if (heldSockets === 'unreadable') {
		unreadable.push('fd');
	} else {
		socketInodes = heldSockets;
	}

	let sshEnvironment: SshEnvironment | undefined;
	if (environment === 'unreadable') {
		unreadable.push('environ');
	} else if (typeof environment === 'object') {
		sshEnvironment = environment;
	}

	// One spread and named fields: a second spread leaves V8's fast path.
	const held = {...record, socketInodes, unreadable};
	return sshEnvironment ? {...held, sshEnvironment} : held;
}

/**
A hint's sockets of a process (scan-hint.ts), when they are still its sockets: the same process
(pid and start time), and it has not run since they were read (quiet-processes.ts).
*/
function keptSockets(
	hinted: HintedSockets | undefined,
	stat: StatFields,
	runMark: string | undefined,
): readonly number[] | undefined {
	return hinted?.startTicks === stat.startTicks && !mayHaveRunSince(hinted.runMark, runMark, stat.threads)
		? hinted.inodes
		: undefined;
}
