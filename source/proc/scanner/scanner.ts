// The explorer's reader: keeps watching the SSH part of the process table from one refresh to
// the next for a small fraction of what listing and reading all of /proc costs.
//
// A full scan (the first read, then every `fullScanIntervalMs`, and soon after the set of
// listening sockets changes) reads the stat line of every process and picks
// the watched set: sshd-named processes, processes re-parented to PID 1 whose environment
// carries SSH_CONNECTION (possible leftovers), everything below them, and sshtop itself. Of
// most lines it looks only at the parent and the name, in the bytes (parseStatLink): a busy
// box's other ten thousand lines are never decoded.
// A watch scan in between re-reads only the stat lines of that set, of those only the ones of
// processes that may have changed since (quiet-processes.ts: schedstat shows which ran), and
// probes the pids the kernel handed out since the last scan (new-pids.ts): a process can only
// join a session tree by being born into it, and a watched process re-parented to PID 1 has its
// environment read at once. What a watch scan cannot see: an old process outside every watched
// tree that exec'd sshd (it changes the LISTEN set, which brings the full scan forward once the
// socket table is next read), a process whose pid was handed out and reused within one interval,
// and a pid the probe skipped; the next full scan finds them.
//
// A start with a scan hint from the last run (scan-hint.ts) makes its first read a watch scan
// of the hinted pids and those handed out since, and the full scan the next one, which the
// explorer brings forward (isFullScanDue). The sockets of a hinted process that has not run
// since come from the hint, not from its fd table.
//
// Per process, status, cmdline, exe, fds and environ are read once per (pid, start time, exec)
// and again while the process is young, when an sshd's children change (OpenSSH retitles an
// sshd when it forks or reaps a child: `[net]` → `USER [priv]`, `USER@pts/1,pts/2`), and once a
// minute if it ran since, so titles that change without an exec are never stale for long (a
// process that did not run changed none of them).
import {hostname} from 'node:os';
import {kernelThreadFlag, parseStat, parseStatHead, parseStatLink, type StatFields, type StatHead, type StatLink} from '../parse/parse-stat.js';
import {parseLoadAverage, parseUptime} from '../parse/parse-system.js';
import {parseSshConnection, parseSshEnvironment, type SshEnvironment} from '../parse/parse-environ.js';
import {isFailure, meansVanished, peekWholeBytes, readWholeBytes, readWholeText, readText} from '../read-file.js';
import {buildRecord, listPids, readDetails, readSocketInodes, type ProcessDetails, type ProcessReadContext} from '../read-processes.js';
import {
	bootTimeSeconds, clockTicksPerSecond, pageSizeBytes, readSystemMark, readTcpSockets, readTtyActivity, readUserNames,
} from '../read-snapshot.js';
import {createHeldFiles} from './held-files.js';
import {forkMarginPids, parseLastPid, probeRange} from './pid-probe.js';
import {mayHaveRunSince, pidsThatRan, pidsToRead, type RunReading} from './quiet-processes.js';
import {hintedPids, type HintedSockets, type ScanHint} from './scan-hint.js';
import {childrenByParentOf, descendantsOf, sshdCommandNames} from '../ssh-scope.js';
import type {TcpInfoReading} from '../read-tcp-info.js';
import type {ProcessRecord, Snapshot, UnreadablePart} from '../types.js';

export type ScannerOptions = {
	readonly procRoot?: string;
	readonly devRoot?: string;
	readonly passwdPath?: string;
	/** Pid of the reader; the default is this process. */
	readonly selfPid?: number;
	readonly now?: () => number;
	/** Time between full scans; stretched so that full scans cost at most 0.25 % of a core (fullScanCostFactor). */
	readonly fullScanIntervalMs?: number;
	/** Shortest time between full scans brought forward by a change (a listener or session gone). */
	readonly earlyFullScanGapMs?: number;
	/** Details of a process younger than this (or exec'd less long ago) are re-read on every scan. */
	readonly youngMs?: number;
	/** Details older than this are read again. */
	readonly revalidateMs?: number;
	/** More new pids than this since the last scan: list /proc in a full scan instead of probing. */
	readonly probeLimit?: number;
	/** The interval between full scans is at least this many times the last one's duration; 0 turns it off. */
	readonly fullScanCostFactor?: number;
	/**
	Longest a watch scan reuses the TCP socket table (default 10 s, the explorer's `ss` cadence)
	when it may have changed. Reading /proc/net/tcp and tcp6 walks the kernel's whole connection
	hash table, however few sockets there are: 2.3 ms each on a 24 GiB machine, most of a quiet
	refresh. A socket inode the last table did not list (a new session) is looked up at once; a
	table that cannot have changed (isUnmoved below) is kept until the next full scan.
	*/
	readonly socketsMaxAgeMs?: number;
	/**
	Keep the watched processes' stat files open between scans (held-files.ts). Default: only for
	the real /proc, whose files fail once their process is gone; a directory of plain files that
	stands in for /proc in tests would keep showing a removed process through an open file.
	*/
	readonly holdStatFiles?: boolean;
	/**
	The SSH part of the table as the last run last found it (scan-hint.ts): when it is
	about this boot and few processes were forked since, the first read is a watch scan of those
	pids and the ones handed out since, and the full scan follows at the next read.
	*/
	readonly hint?: ScanHint;
};

export type ScanKind = 'full' | 'watch';

/** What the last read did, for the header and the benchmark. */
export type ScanSummary = {
	readonly kind: ScanKind;
	/** Why a full scan ran: `first`, `interval`, `listeners changed`, `many new pids`, `after a hinted start`, ...; `hint` for a first watch scan from a scan hint. */
	readonly reason: string | undefined;
	readonly durationMs: number;
	/** Processes in the snapshot. */
	readonly watchedCount: number;
	/** Stat files read: every process in a full scan; otherwise the probed ones and the watched ones that may have run (quiet-processes.ts). */
	readonly statReads: number;
	/** Processes whose status, cmdline, exe (and fds) were read, not taken from the cache. */
	readonly detailReads: number;
	/** Pids a watch scan tried to read because they were handed out since the last scan (or were not readable yet then). */
	readonly probeAttempts: number;
};

export type ProcessScanner = {
	readonly read: (tcpInfo?: TcpInfoReading) => Snapshot;
	/** Epoch milliseconds of the last full scan; undefined before the first read. */
	readonly lastFullScanAt: () => number | undefined;
	readonly lastScan: () => ScanSummary | undefined;
	/**
	A hint for the next run, from the last full scan or a start from a hint (whose pids are as
	sound as a watch scan's): undefined before one, or where /proc does not say which boot it is.
	A new object each time there is a new hint.
	*/
	readonly scanHint: () => ScanHint | undefined;
	/** After a start from a hint, until the full scan that follows it: the next read should come soon. */
	readonly isFullScanDue: () => boolean;
};

/** What is kept of a watched process between scans. */
type Watched = {
	readonly pid: number;
	readonly startTicks: number;
	/** comm, start_code and start_stack: an exec changes at least one (ASLR moves the stack). */
	readonly fingerprint: string;
	/** When this fingerprint replaced another (an exec seen), undefined for the first one. */
	readonly execSeenAt: number | undefined;
	readonly details: ProcessDetails;
	readonly detailsReadAt: number;
	/** Its schedstat text taken before the details were read: a process that did not run since cannot have changed them. */
	readonly detailsRunMark: string | undefined;
	/** Undefined when not read (not under an sshd); 'unreadable' when the fd table was not readable. */
	readonly socketInodes: readonly number[] | 'unreadable' | undefined;
	/** Undefined when not read (parent is not PID 1). */
	readonly environment: SshEnvironment | 'none' | 'unreadable' | undefined;
	/** Sorted child pids when the details were read: an sshd retitles itself as its children come and go. */
	readonly childrenKey: string;
	readonly parentPid: number;
	/**
	The stat line last read and the record made from it: an idle process's line does not change
	between refreshes, and with 500 sessions parsing a thousand unchanged lines again was most of
	a quiet refresh's scan.
	*/
	readonly last?: {readonly statText: string; readonly stat: StatFields; readonly fingerprint: string; readonly record: ProcessRecord; readonly userNames: ReadonlyMap<number, string>};
};

type Candidate = {
	/** What decides membership: the whole line is parsed only for the processes kept. */
	readonly stat: StatHead;
	/** Kept to take the exec fingerprint and the other fields from, for the few candidates that need them. */
	readonly statText: string;
	/** The watched process's last reading, when this line reads the same (same pid and start time too). */
	readonly unchanged?: Watched['last'];
};

/** Why the read after a start from a scan hint is a full scan; the explorer brings that read forward. */
const afterHintReason = 'after a hinted start';

const defaults = {
	fullScanIntervalMs: 30_000,
	earlyFullScanGapMs: 5000,
	youngMs: 10_000,
	revalidateMs: 60_000,
	probeLimit: 4096,
	/**
	Pids re-probed below the last pid a full scan saw (new-pids.ts). After a watch scan only the
	new pids that could not be read yet are probed again, once.
	*/
	marginPids: forkMarginPids,
	fullScanCostFactor: 400,
	/** More pids to probe than this: list /proc and probe only those listed. */
	listAbove: 256,
	socketsMaxAgeMs: 10_000,
};

export function createProcessScanner(options: ScannerOptions = {}): ProcessScanner {
	const procRoot = options.procRoot ?? '/proc';
	const devRoot = options.devRoot ?? '/dev';
	const passwdPath = options.passwdPath ?? '/etc/passwd';
	const selfPid = options.selfPid ?? process.pid;
	const now = options.now ?? Date.now;
	const fullScanIntervalMs = options.fullScanIntervalMs ?? defaults.fullScanIntervalMs;
	const earlyFullScanGapMs = options.earlyFullScanGapMs ?? defaults.earlyFullScanGapMs;
	const youngMs = options.youngMs ?? defaults.youngMs;
	const revalidateMs = options.revalidateMs ?? defaults.revalidateMs;
	const probeLimit = options.probeLimit ?? defaults.probeLimit;
	const fullScanCostFactor = options.fullScanCostFactor ?? defaults.fullScanCostFactor;
	const socketsMaxAgeMs = options.socketsMaxAgeMs ?? defaults.socketsMaxAgeMs;

	const isRoot = (process.geteuid?.() ?? 0) === 0;
	let watched = new Map<number, Watched>();
	/** Environment readings of PID 1's children that are not watched, so a full scan reads each once. */
	let parentlessEnvironment = new Map<number, {readonly fingerprint: string; readonly startTicks: number; readonly environment: Watched['environment']}>();
	let previousLastPid: number | undefined;
	/** Pids whose stat the last scan read: the margin below the last pid re-probes only the others. */
	let seenLastScan = new Set<number>();
	/** New pids the last watch scan could not read (a fork in progress, or already gone): probed once more. */
	let retryPids: readonly number[] = [];
	let lastKind: ScanKind | undefined;
	/** The watched processes' stat and schedstat files, held open between scans. */
	const isHolding = options.holdStatFiles ?? procRoot === '/proc';
	const heldFiles = createHeldFiles(isHolding ? undefined : 0);
	/** Each watched process's schedstat text, read before its kept stat line was (quiet-processes.ts). */
	const runMarks = new Map<number, string>();
	let lastFullScanAt: number | undefined;
	let lastFullScanDurationMs = 0;
	let fullScanWanted: string | undefined = 'first';
	let listenKey: string | undefined;
	let lastScan: ScanSummary | undefined;
	let pidMax: number | undefined | null = null;
	let hint = options.hint;
	let latestHint: ScanHint | undefined;
	/** The last socket table read, and what tells whether it may have changed since (socketsFor). */
	let socketTable: SocketTable | undefined;
	let membership: Membership | undefined;

	/**
	The socket table, read again on a full scan, when an inode is new to it, or when it is
	socketsMaxAgeMs old and may have changed since. `hasHolderRun`: a process that holds sockets
	may have run since the last scan (its schedstat moved).
	*/
	const socketsFor = (kind: ScanKind, processes: readonly ProcessRecord[], startedAt: number, hasHolderRun: boolean): Snapshot['sockets'] => {
		const holders = holdersKeyOf(processes);
		const localPorts = isRoot ? undefined : sshConnectionPorts(processes);
		if (socketTable !== undefined && kind === 'watch' && socketTable.localPortsKey === portsKey(localPorts)
			&& processes.every(process => (process.socketInodes ?? []).every(inode => socketTable!.lookedUp.has(inode)))) {
			if (hasHolderRun && !socketTable.hasHolderRun) {
				socketTable = {...socketTable, hasHolderRun};
			}

			// A packet in or out of a quiet connection wakes the sshd that holds it, and a listener
			// runs to accept: while none of the holders ran and none of their sockets had data queued
			// or a retransmit timer, the kernel has nothing new to say about them.
			const isUnmoved = socketTable.isQuiet && !socketTable.hasHolderRun && socketTable.holders === holders;
			if (isUnmoved || startedAt - socketTable.readAt < socketsMaxAgeMs) {
				return socketTable.sockets;
			}
		}

		const inodes = new Set<number>();
		for (const process of processes) {
			for (const inode of process.socketInodes ?? []) {
				inodes.add(inode);
			}
		}

		// Only the sockets these processes hold (and the listeners): the model looks up no other.
		const sockets = readTcpSockets(procRoot, inodes, localPorts);
		// Inodes missing from a fresh table are not TCP (an sshd's unix sockets): no need to look again.
		const listening = sockets.filter(socket => socket.state === 'LISTEN').map(socket => socket.inode).sort((a, b) => a - b);
		socketTable = {
			sockets, readAt: startedAt, lookedUp: inodes, listenKey: listening.join(','), holders, isQuiet: isQuietTable(sockets, inodes), hasHolderRun: false,
			localPortsKey: portsKey(localPorts),
		};
		return sockets;
	};

	const readPidMax = (): number | undefined => {
		if (pidMax === null) {
			const text = readText(`${procRoot}/sys/kernel/pid_max`);
			pidMax = isFailure(text) ? undefined : Number(text.trim()) || undefined;
		}

		return pidMax;
	};

	const statPath = (pid: number) => `${procRoot}/${pid}/stat`;
	/** Whether this reader may see a pid at all (hidepid hides other users' processes). */
	const isVisiblePid = (pid: number): boolean => !isFailure(readWholeText(statPath(pid)));
	const schedstatPath = (pid: number) => `${procRoot}/${pid}/schedstat`;

	/**
	A watched process's schedstat text now (`now`, undefined when it cannot be compared with the
	last one) and what to compare the next one with (`next`). A held file is read only through
	its descriptor, which cannot show a new process that was given the same pid; one not held
	yet is opened, and held, for next time.
	*/
	const readRunMark = (pid: number): {readonly now: string | undefined; readonly next: string | undefined} => {
		const path = schedstatPath(pid);
		const held = isHolding ? heldFiles.readHeldText(path) : undefined;
		if (held === undefined) {
			const text = heldFiles.readWholeText(path, isHolding);
			const next = isFailure(text) ? undefined : text;
			return {now: isHolding ? undefined : next, next};
		}

		const now = isFailure(held) ? undefined : held;
		return {now, next: now};
	};

	/**
	Reads each watched process's schedstat text (runMarks keeps it), and returns the pids that may
	have run since the last scan, and those whose stat lines a watch scan reads: the others' kept
	lines are current.
	*/
	const readRunMarks = (): {readonly ran: ReadonlySet<number>; readonly toRead: ReadonlySet<number>} => {
		const readings: RunReading[] = [];
		for (const entry of watched.values()) {
			const stat = entry.last?.stat;
			const before = runMarks.get(entry.pid);
			const {now, next} = readRunMark(entry.pid);
			if (next === undefined) {
				runMarks.delete(entry.pid);
			} else {
				runMarks.set(entry.pid, next);
			}

			readings.push({pid: entry.pid, ppid: stat?.ppid ?? 0, ttyNumber: stat?.ttyNumber ?? 0, threads: stat?.threads ?? 0, before, now});
		}

		const ran = pidsThatRan(readings);
		return {ran, toRead: pidsToRead(readings, ran)};
	};

	/**
	A process's schedstat text as its details are about to be read: a watched process's is this
	scan's reading (taken before its stat line), a new one's is read now. Not held from here: a
	pid whose details fail (gone, or a thread's) never becomes watched, and only a watched pid's
	files are released.
	*/
	const detailsRunMark = (pid: number): string | undefined => {
		const taken = runMarks.get(pid);
		if (taken !== undefined) {
			return taken;
		}

		const text = heldFiles.readWholeText(schedstatPath(pid), false);
		return isFailure(text) ? undefined : text;
	};

	const candidateOf = (pid: number, text: string): Candidate | undefined => {
		// A watched process's line as it read last time: its fields, fingerprint and record are known already.
		const last = watched.get(pid)?.last;
		if (last?.statText === text) {
			return {stat: last.stat, statText: text, unchanged: last};
		}

		const stat = parseStatHead(text);
		return stat ? {stat, statText: text} : undefined;
	};

	const readCandidate = (pid: number): Candidate | undefined => {
		const text = heldFiles.readWholeText(statPath(pid), watched.has(pid));
		return isFailure(text) ? undefined : candidateOf(pid, text);
	};

	/**
	A full scan's reading of a process that is not watched: only its link fields, unless it may be
	SSH's (an sshd, a child of one seen so far, a child of PID 1, whose environment is looked at),
	or its line is not in the kernel's shape. Most of a busy box's lines are never decoded.
	*/
	const readLinkOrCandidate = (pid: number, mayBeSsh: ReadonlySet<number>): StatLink | Candidate | undefined => {
		const bytes = peekWholeBytes(statPath(pid));
		if (isFailure(bytes)) {
			return undefined;
		}

		const link = parseStatLink(bytes);
		if (link !== undefined && link.ppid !== 1 && !mayBeSsh.has(link.ppid) && !sshdCommandNames.has(link.comm)) {
			return link;
		}

		return candidateOf(pid, bytes.toString('utf8'));
	};

	/** Read once per process and exec: the environment block is written by exec. */
	/**
	`isParentHidden`: a normal user's process whose parent they cannot see (hidepid hides root's
	sshd, and even their own user-side sshd, which is not dumpable): its environment says whether
	it runs in an SSH session.
	*/
	const environmentOf = (candidate: Candidate, isParentHidden: boolean): Watched['environment'] => {
		const {stat} = candidate;
		if ((stat.ppid !== 1 && !isParentHidden) || (stat.flags & kernelThreadFlag) !== 0 || stat.state === 'Z') {
			return undefined;
		}

		const fingerprint = execFingerprint(candidate.statText, stat.comm);
		const cached = parentlessEnvironment.get(stat.pid);
		if (cached?.startTicks === stat.startTicks && cached.fingerprint === fingerprint) {
			return cached.environment;
		}

		const bytes = readWholeBytes(`${procRoot}/${stat.pid}/environ`);
		const environment = isFailure(bytes)
			? (meansVanished(bytes) ? 'none' : 'unreadable')
			: (parseSshEnvironment(bytes) ?? 'none');
		parentlessEnvironment.set(stat.pid, {startTicks: stat.startTicks, fingerprint, environment});
		return environment;
	};

	const read = (tcpInfo?: TcpInfoReading): Snapshot => {
		const startedAt = now();
		const startedAtPrecise = performance.now();
		const loadavgText = readWholeText(`${procRoot}/loadavg`);
		const lastPid = isFailure(loadavgText) ? undefined : parseLastPid(loadavgText);
		const bootSeconds = bootTimeSeconds(procRoot);
		const context: ProcessReadContext = {
			procRoot,
			userNames: readUserNames(passwdPath),
			bootTime: bootSeconds * 1000,
			clockTicksPerSecond,
			pageSizeBytes: pageSizeBytes(),
		};

		let reason = fullScanWanted;
		const sinceFullScan = lastFullScanAt === undefined ? Number.POSITIVE_INFINITY : startedAt - lastFullScanAt;
		if (reason !== undefined && reason !== 'first' && sinceFullScan < earlyFullScanGapMs) {
			reason = undefined;
		}

		reason ??= sinceFullScan >= Math.max(fullScanIntervalMs, lastFullScanDurationMs * fullScanCostFactor) ? 'interval' : undefined;
		let probe: readonly number[] = [];
		/** A start from a hint: the pids it names, read without asking a listing of /proc whether they are there. */
		let hintedProbe: readonly number[] = [];
		/** A start from a hint: the sockets it kept, by pid, for the processes that did not run since. */
		let hintedSockets: ReadonlyMap<number, HintedSockets> | undefined;
		let isHinted = false;
		if (reason === 'first' && hint !== undefined) {
			const hinted = hintedPids(hint, readSystemMark(procRoot), lastPid, readPidMax(), probeLimit);
			if (hinted.kind === 'pids') {
				isHinted = true;
				reason = undefined;
				hintedProbe = hinted.hinted;
				hintedSockets = new Map(hint.sockets.map(entry => [entry.pid, entry]));
				probe = hinted.handedOut;
				// A hint cannot show an old process that exec'd sshd since: the next read looks at everything.
				fullScanWanted = afterHintReason;
			}

			hint = undefined;
		}

		if (reason === undefined && !isHinted) {
			const range = lastPid === undefined || previousLastPid === undefined
				? {kind: 'too-many' as const}
				: probeRange(previousLastPid, lastPid, readPidMax(), lastKind === 'full' ? defaults.marginPids : 0, probeLimit);
			if (range.kind === 'too-many') {
				reason = lastPid === undefined ? 'no last pid in loadavg' : 'many new pids';
			} else {
				probe = [...new Set([...retryPids, ...range.pids])];
			}
		}

		// A pid that is not there costs a failed open and the exception Node makes of it (~25 µs),
		// and thread ids answer too: past a few hundred pids, one listing of /proc (processes only)
		// is cheaper. The newest few are tried anyway: a fork in progress is not listed yet. A hint's
		// own pids are not in `probe`: most are still there, and beside 500 sessions the listing
		// cost a start more than the pids it would have spared.
		if (probe.length > defaults.listAbove && lastPid !== undefined) {
			const listed = new Set(listPids(procRoot));
			probe = probe.filter(pid => listed.has(pid) || pid > lastPid - defaults.marginPids);
		}

		const probedBelow = previousLastPid;
		previousLastPid = lastPid;
		const kind: ScanKind = reason === undefined ? 'watch' : 'full';

		// Candidates: every process in a full scan; the watched ones and the probed new pids otherwise.
		const candidates = new Map<number, Candidate>();
		let vanishedCount = 0;
		let statReads = 0;
		const probed = new Set<number>();
		let probeAttempts = 0;
		// Before any stat line is read: a run between the two reads shows at the next scan.
		const {ran, toRead} = readRunMarks();
		// Before the watched set is replaced: its entries know which processes hold sockets.
		const hasHolderRun = hasSocketHolderRun(watched, ran, selfPid);
		/** A full scan's parent links of every process it read; a watch scan's come from its candidates. */
		const links: StatLink[] = [];
		/** Pids a full scan decoded because they may be SSH's: their children are decoded too. */
		const mayBeSsh = new Set<number>();
		if (kind === 'full') {
			for (const pid of listPids(procRoot)) {
				const reading = watched.has(pid) || pid === selfPid ? readCandidate(pid) : readLinkOrCandidate(pid, mayBeSsh);
				if (reading === undefined) {
					vanishedCount++;
				} else if ('stat' in reading) {
					candidates.set(pid, reading);
					links.push(reading.stat);
					if (sshdCommandNames.has(reading.stat.comm) || mayBeSsh.has(reading.stat.ppid) || watched.has(pid)) {
						mayBeSsh.add(pid);
					}
				} else {
					links.push(reading);
				}
			}
		} else {
			for (const entry of watched.values()) {
				const {last} = entry;
				const mustRead = last === undefined || toRead.has(entry.pid);
				const candidate = mustRead ? readCandidate(entry.pid) : {stat: last.stat, statText: last.statText, unchanged: last};
				if (candidate) {
					candidates.set(entry.pid, candidate);
				}

				statReads += mustRead ? 1 : 0;
			}

			const retried = new Set(retryPids);
			const unreadable: number[] = [];
			for (const pid of hintedProbe.length === 0 ? probe : [...hintedProbe, ...probe]) {
				if (!candidates.has(pid) && !(seenLastScan.has(pid) && probedBelow !== undefined && pid <= probedBelow)) {
					probeAttempts++;
					const candidate = readCandidate(pid);
					if (candidate) {
						candidates.set(pid, candidate);
						probed.add(pid);
					} else if (!retried.has(pid)) {
						unreadable.push(pid);
					}
				}
			}

			retryPids = unreadable;
		}

		if (kind === 'full') {
			retryPids = [];
		}

		lastKind = kind;

		statReads += kind === 'full' ? links.length + vanishedCount : probed.size;
		seenLastScan = new Set(kind === 'full' ? links.map(link => link.pid) : candidates.keys());
		if (!candidates.has(selfPid)) {
			const self = readCandidate(selfPid);
			if (self) {
				candidates.set(selfPid, self);
			}
		}

		// Possible leftovers: PID 1's children whose environment names an SSH connection. A watched
		// process re-parented to PID 1 (its session ended, or it escaped) is read here too.
		const environments = new Map<number, Watched['environment']>();
		const visible = isRoot ? undefined : new Set([...candidates.keys(), ...links.map(link => link.pid), ...watched.keys()]);
		for (const candidate of candidates.values()) {
			const {ppid} = candidate.stat;
			const environment = environmentOf(candidate, visible !== undefined && ppid > 1 && !visible.has(ppid) && !isVisiblePid(ppid));
			if (environment !== undefined) {
				environments.set(candidate.stat.pid, environment);
			}
		}

		// Who is watched follows from parent links, command names and PID 1's children's
		// environments: when none of them changed, neither did the membership.
		const isSameMembership = kind === 'watch' && probed.size === 0 && candidates.size === watched.size
			&& [...watched.values()].every(entry => {
				const stat = candidates.get(entry.pid)?.stat;
				const last = entry.last?.stat;
				return stat !== undefined && last !== undefined && stat.ppid === last.ppid && stat.comm === last.comm
					&& (stat.ppid !== 1 || environments.get(entry.pid) === entry.environment);
			});
		if (membership === undefined || !isSameMembership) {
			membership = membershipOf(kind === 'full' ? links : [...candidates.values()].map(candidate => candidate.stat), environments, selfPid);
		}

		// A member a full scan did not decode: its parent came after it in pid order (the pids
		// wrapped, or it was re-parented), or a PID 1 child's environment made it one.
		if (kind === 'full') {
			for (const pid of membership.sortedMembers) {
				const candidate = candidates.has(pid) ? undefined : readCandidate(pid);
				if (candidate) {
					candidates.set(pid, candidate);
					statReads++;
				}
			}
		}

		const {underSshd, sortedMembers, childrenByParent} = membership;

		const nextWatched = new Map<number, Watched>();
		const processes: ProcessRecord[] = [];
		let detailReads = 0;
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

			const fingerprint = unchanged?.fingerprint ?? execFingerprint(candidate.statText, stat.comm);
			const directory = `${procRoot}/${pid}`;
			// Only an sshd's children decide anything (its title): no key for the others.
			const childrenKey = sshdCommandNames.has(stat.comm) ? (childrenByParent.get(pid) ?? []).join(',') : '';
			const execSeenAt = previous && previous.fingerprint !== fingerprint ? startedAt : previous?.execSeenAt;
			const isYoung = startedAt - (context.bootTime + (stat.startTicks * 1000 / clockTicksPerSecond)) < youngMs
				|| (execSeenAt !== undefined && startedAt - execSeenAt < youngMs);
			const mustRead = previous === undefined
				|| previous.fingerprint !== fingerprint
				|| isYoung
				|| (startedAt - previous.detailsReadAt >= revalidateMs && mayHaveRunSince(previous.detailsRunMark, runMarks.get(pid), stat.threads))
				|| (sshdCommandNames.has(stat.comm) && previous.childrenKey !== childrenKey)
				|| (previous.parentPid !== stat.ppid);
			let details: ProcessDetails;
			let detailsReadAt: number;
			let socketInodes: Watched['socketInodes'];
			let detailsChildrenKey: string;
			let detailsRunMarkNow: string | undefined;
			if (mustRead) {
				detailsRunMarkNow = detailsRunMark(pid);
				const fresh = readDetails(directory, stat);
				// A thread's id is a pid too: probing may find a thread, not a process.
				if (fresh === undefined || (probed.has(pid) && fresh.threadGroupId !== undefined && fresh.threadGroupId !== pid)) {
					continue;
				}

				detailReads++;
				details = fresh;
				detailsReadAt = startedAt;
				socketInodes = underSshd.has(pid)
					? (keptSockets(hintedSockets?.get(pid), stat, detailsRunMarkNow) ?? readSocketInodes(procRoot, pid) ?? 'unreadable')
					: undefined;
				detailsChildrenKey = childrenKey;
			} else {
				({details, detailsReadAt, socketInodes} = previous);
				detailsChildrenKey = previous.childrenKey;
				detailsRunMarkNow = previous.detailsRunMark;
			}

			const environment = environments.get(pid);
			// The same line, details, environment reading and user names make the same record.
			const record = !mustRead && unchanged !== undefined && unchanged.userNames === context.userNames && environment === previous?.environment
				? unchanged.record
				: recordOf(context, stat, details, socketInodes, environment);
			processes.push(record);
			// The same line, details and record: the entry would be written out as it is.
			if (previous !== undefined && !mustRead && record === unchanged?.record) {
				nextWatched.set(pid, previous);
				continue;
			}

			// Written out whole, not spread from the previous entry: a thousand spreads a refresh
			// were a visible part of a quiet refresh with 500 sessions.
			nextWatched.set(pid, {
				pid,
				startTicks: stat.startTicks,
				fingerprint,
				execSeenAt,
				details,
				detailsReadAt,
				detailsRunMark: detailsRunMarkNow,
				socketInodes,
				environment,
				childrenKey: detailsChildrenKey,
				parentPid: stat.ppid,
				last: {statText: candidate.statText, stat, fingerprint, record, userNames: context.userNames},
			});
		}

		if (kind === 'full') {
			parentlessEnvironment = new Map([...parentlessEnvironment].filter(([pid]) => seenLastScan.has(pid)));
		}

		// Files are held only for watched pids: those that left the watched set are all there is to close.
		const gone = [...watched.keys()].filter(pid => !nextWatched.has(pid));
		heldFiles.release(gone.flatMap(pid => [statPath(pid), schedstatPath(pid)]));
		for (const pid of gone) {
			runMarks.delete(pid);
		}

		watched = nextWatched;
		const sockets = socketsFor(kind, processes, startedAt, hasHolderRun);
		const nextListenKey = socketTable?.listenKey ?? '';
		// A new listener starts outside every watched tree: only a full scan finds it. A wish
		// stays until a full scan serves it.
		if (kind === 'full') {
			fullScanWanted = undefined;
		}

		if (listenKey !== undefined && nextListenKey !== listenKey) {
			fullScanWanted = 'listeners changed';
		}

		listenKey = nextListenKey;
		const durationMs = performance.now() - startedAtPrecise;
		if (kind === 'full') {
			lastFullScanAt = startedAt;
			lastFullScanDurationMs = durationMs;
		}

		// Also after a start from a hint: a run that ends before its full scan (a quick look)
		// leaves the next one a hint that is not older than it, rather than one that falls further
		// behind with every run.
		if (kind === 'full' || isHinted) {
			const mark = lastPid === undefined ? undefined : readSystemMark(procRoot);
			latestHint = mark === undefined || lastPid === undefined ? undefined : {...mark, lastPid, pids: [...nextWatched.keys()], sockets: hintedSocketsOf(nextWatched)};
		}

		lastScan = {kind, reason: isHinted ? 'hint' : reason, durationMs, watchedCount: processes.length, statReads, detailReads, probeAttempts};
		const uptimeText = readWholeText(`${procRoot}/uptime`);
		const hostText = readWholeText(`${procRoot}/sys/kernel/hostname`);
		return {
			takenAt: startedAt,
			host: (isFailure(hostText) ? undefined : hostText.trim() || undefined) ?? hostname(),
			bootTime: bootSeconds * 1000,
			uptimeSeconds: (isFailure(uptimeText) ? undefined : parseUptime(uptimeText)) ?? 0,
			loadAverage: (isFailure(loadavgText) ? undefined : parseLoadAverage(loadavgText)) ?? [0, 0, 0],
			processes,
			vanishedCount,
			sockets,
			ttyActivity: readTtyActivity(devRoot, processes),
			selfPid,
			readerUid: process.geteuid?.() ?? 0,
			...(tcpInfo ? {tcpInfo} : {}),
		};
	};

	return {
		read,
		lastFullScanAt: () => lastFullScanAt,
		lastScan: () => lastScan,
		scanHint: () => latestHint,
		isFullScanDue: () => fullScanWanted === afterHintReason,
	};
}

type SocketTable = {
	readonly sockets: Snapshot['sockets'];
	readonly readAt: number;
	/** The inodes it was read for. */
	readonly lookedUp: ReadonlySet<number>;
	/** Its listening sockets' inodes, as one key. */
	readonly listenKey: string;
	/** The pids that held sockets when it was read (holdersKeyOf). */
	readonly holders: string;
	/** No socket it was read for had data queued, a retransmit, a timer other than keepalive or a state other than ESTABLISHED. */
	readonly isQuiet: boolean;
	/** A process holding sockets may have run since it was read. */
	readonly hasHolderRun: boolean;
	/** The local ports of SSH_CONNECTIONs it was read for (a normal user's possible leftovers). */
	readonly localPortsKey: string;
};

/**
The local ports of the SSH_CONNECTIONs possible leftovers carry: a normal user cannot see the
sshd that holds such a connection, and asks the kernel's table whether it is still there.
*/
function sshConnectionPorts(processes: readonly ProcessRecord[]): ReadonlySet<number> | undefined {
	let ports: Set<number> | undefined;
	for (const process of processes) {
		const connection = process.sshEnvironment?.connection;
		const ends = connection === undefined ? undefined : parseSshConnection(connection);
		if (ends !== undefined) {
			(ports ??= new Set()).add(ends.local.port);
		}
	}

	return ports;
}

function portsKey(ports: ReadonlySet<number> | undefined): string {
	return ports === undefined ? '' : [...ports].sort((a, b) => a - b).join(',');
}

/**
Whether a watched process that holds sockets (or whose sockets are unreadable) ran. sshtop and its
ancestors are left out: drawing a frame wakes the sshd of its own session.
*/
function hasSocketHolderRun(watched: ReadonlyMap<number, Watched>, ran: ReadonlySet<number>, selfPid: number): boolean {
	const ownChain = new Set<number>();
	for (let pid: number | undefined = selfPid; pid !== undefined && !ownChain.has(pid); pid = watched.get(pid)?.parentPid) {
		ownChain.add(pid);
	}

	for (const pid of ran) {
		const inodes = watched.get(pid)?.socketInodes;
		if (inodes !== undefined && !ownChain.has(pid) && (inodes === 'unreadable' || inodes.length > 0)) {
			return true;
		}
	}

	return false;
}

function holdersKeyOf(processes: readonly ProcessRecord[]): string {
	return processes.filter(process => (process.socketInodes?.length ?? 0) > 0).map(process => process.pid).join(',');
}

/** Whether a socket's row can change only when the process that holds it runs (or its keepalive fails, which wakes it). */
function isQuietTable(sockets: Snapshot['sockets'], wanted: ReadonlySet<number>): boolean {
	return sockets.every(socket => socket.state === 'LISTEN' || !wanted.has(socket.inode) || (socket.state === 'ESTABLISHED'
		&& socket.sendQueueBytes === 0 && socket.receiveQueueBytes === 0 && socket.retransmits === 0
		&& (socket.timer === 'none' || socket.timer === 'keepalive')));
}

type Membership = {
	/** sshd-named processes and everything below them. */
	readonly underSshd: ReadonlySet<number>;
	/** The watched pids, in order: those, PID 1's children with an SSH_CONNECTION and theirs, and sshtop. */
	readonly sortedMembers: readonly number[];
	readonly childrenByParent: ReadonlyMap<number, readonly number[]>;
};

function membershipOf(links: readonly StatLink[], environments: ReadonlyMap<number, Watched['environment']>, selfPid: number): Membership {
	const everyonesChildren = childrenByParentOf(links);
	const underSshd = descendantsOf(everyonesChildren, links.filter(link => sshdCommandNames.has(link.comm)).map(link => link.pid));
	const leftoverRoots = [...environments].filter(([, environment]) => hasSshConnection(environment)).map(([pid]) => pid);
	const members = descendantsOf(everyonesChildren, [...underSshd, ...leftoverRoots]);
	members.add(selfPid);
	const childrenByParent = childrenByParentOf(links.filter(link => members.has(link.pid)));
	// In pid order whichever scan found them: an sshd's children key (its title's trigger) compares them as text.
	for (const siblings of childrenByParent.values()) {
		siblings.sort((a, b) => a - b);
	}

	return {underSshd, sortedMembers: [...members].sort((a, b) => a - b), childrenByParent};
}

function sameProcess(entry: Watched | undefined, candidate: Candidate): Watched | undefined {
	return entry?.startTicks === candidate.stat.startTicks ? entry : undefined;
}

function hasSshConnection(environment: Watched['environment']): boolean {
	return typeof environment === 'object' && environment.connection !== undefined;
}

/**
 * comm plus start_code and start_stack (fields 26 and 28 of stat): an exec replaces the
 * address space, and with ASLR the stack moves on every exec. Readers that may not trace the
 * process see zeros there and fall back to comm alone.
 */
export function execFingerprint(statText: string, comm: string): string {
	const fields = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
	return `${comm}\0${fields[23] ?? ''}\0${fields[25] ?? ''}`;
}

function recordOf(
	context: ProcessReadContext,
	stat: StatFields,
	details: ProcessDetails,
	heldSockets: Watched['socketInodes'],
	environment: Watched['environment'],
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

	// One spread and named fields: a second spread leaves V8's fast path (sessions.ts, assembleSession).
	const held = {...record, socketInodes, unreadable};
	return sshEnvironment ? {...held, sshEnvironment} : held;
}

/**
A hint's sockets of a process (scan-hint.ts), when they are still its sockets: the same process
(pid and start time), and it has not run since they were read (quiet-processes.ts).
*/
function keptSockets(hinted: HintedSockets | undefined, stat: StatFields, runMark: string | undefined): readonly number[] | undefined {
	return hinted !== undefined && hinted.startTicks === stat.startTicks && !mayHaveRunSince(hinted.runMark, runMark, stat.threads)
		? hinted.inodes
		: undefined;
}

/** The watched processes' sockets with the run marks taken before they were read, for the next run's hint. */
function hintedSocketsOf(watched: ReadonlyMap<number, Watched>): HintedSockets[] {
	const sockets: HintedSockets[] = [];
	for (const entry of watched.values()) {
		if (Array.isArray(entry.socketInodes) && entry.detailsRunMark !== undefined) {
			sockets.push({pid: entry.pid, startTicks: entry.startTicks, runMark: entry.detailsRunMark, inodes: entry.socketInodes});
		}
	}

	return sockets;
}
