// CPU% needs two readings: the kernel only counts ticks since a process started.
import {flattenTree} from '../report/process-tree.js';
import {processId, type ProcessId, type ProcessNode, type Session, type SessionReport} from '../types.js';

/** USER_HZ: /proc counts CPU time in ticks of 1/100 s on every Linux architecture sshtop runs on. */
export const ticksPerSecond = 100;

export type CpuUsage = {
	/** CPU% per process (100 = one core busy), by pid + start ticks. */
	readonly byProcess: ReadonlyMap<ProcessId, number>;
	/** CPU% of each session's whole process tree, by session id. */
	readonly bySession: ReadonlyMap<ProcessId, number>;
};

export const unknownCpuUsage: CpuUsage = {byProcess: new Map(), bySession: new Map()};

// Both worked out once per tree: a session whose processes did not change keeps its tree object
// from one report to the next (buildTree), and each report is measured against the next one too.
const idsByTree = new WeakMap<ProcessNode, readonly ProcessId[]>();
const ticksByReport = new WeakMap<SessionReport, Map<ProcessId, number>>();
// A report whose sessions are the last report's array (model/report/build-report.ts): every process kept its
// record, and a record is kept only while its stat line, CPU ticks included, did not change.
const idleUsageBySessions = new WeakMap<readonly Session[], CpuUsage>();

/** The ids of flattenTree(tree)'s processes, in its order. */
function idsOf(tree: ProcessNode): readonly ProcessId[] {
	let ids = idsByTree.get(tree);
	if (ids === undefined) {
		ids = flattenTree(tree).map(process => processId(process));
		idsByTree.set(tree, ids);
	}

	return ids;
}

function ticksById(report: SessionReport): Map<ProcessId, number> {
	let ticks = ticksByReport.get(report);
	if (ticks === undefined) {
		ticks = new Map<ProcessId, number>();
		for (const session of report.sessions) {
			const ids = idsOf(session.tree);
			const processes = flattenTree(session.tree);
			for (const [position, process_] of processes.entries()) {
				ticks.set(ids[position]!, process_.userTicks + process_.systemTicks);
			}
		}

		ticksByReport.set(report, ticks);
	}

	return ticks;
}

/**
CPU% over the time between two reports: ticks used / (elapsed seconds × ticks per second).
A process is matched by pid + start ticks, so a reused pid never inherits another's time.
A process started after the previous report counts all its ticks; one that cannot be
compared (first report, or seen for the first time but older) stays unknown.
*/
export function measureCpu(previous: SessionReport | undefined, current: SessionReport): CpuUsage {
	if (previous === undefined) {
		return unknownCpuUsage;
	}

	const elapsedSeconds = (current.takenAt - previous.takenAt) / 1000;
	if (elapsedSeconds <= 0) {
		return unknownCpuUsage;
	}

	if (current.sessions === previous.sessions) {
		return idleUsageOf(current.sessions);
	}

	const before = ticksById(previous);
	const byProcess = new Map<ProcessId, number>();
	const bySession = new Map<ProcessId, number>();
	for (const session of current.sessions) {
		let sessionPercent: number | undefined;
		const ids = idsOf(session.tree);
		const processes = flattenTree(session.tree);
		for (const [position, process_] of processes.entries()) {
			const id = ids[position]!;
			const process = process_;
			const now = process.userTicks + process.systemTicks;
			const then = before.get(id) ?? (process.startedAt >= previous.takenAt ? 0 : undefined);
			if (then === undefined) {
				continue;
			}

			const percent = (Math.max(0, now - then) / (elapsedSeconds * ticksPerSecond)) * 100;
			byProcess.set(id, percent);
			sessionPercent = (sessionPercent ?? 0) + percent;
		}

		if (sessionPercent !== undefined) {
			bySession.set(session.id, sessionPercent);
		}
	}

	return {byProcess, bySession};
}

/** Every process and session at 0 %: what measureCpu gives when nothing in any session ran. */
function idleUsageOf(sessions: readonly Session[]): CpuUsage {
	let usage = idleUsageBySessions.get(sessions);
	if (usage === undefined) {
		const byProcess = new Map<ProcessId, number>();
		const bySession = new Map<ProcessId, number>();
		for (const session of sessions) {
			for (const id of idsOf(session.tree)) {
				byProcess.set(id, 0);
			}

			bySession.set(session.id, 0);
		}

		usage = {byProcess, bySession};
		idleUsageBySessions.set(sessions, usage);
	}

	return usage;
}

/** Resident memory of a whole session tree (shared pages count once per process, as in top). */
export function sessionMemoryBytes(tree: ProcessNode): number {
	let total = 0;
	for (const process of flattenTree(tree)) {
		total += process.rssBytes;
	}

	return total;
}

/**
CPU% as the explorer shows it: a figure moves only when it changed by more than one point (or a
tenth of itself, for busy processes), or fell to nothing. An idle shell that used one tick in
two seconds would otherwise flicker between 0.0 and 0.5 and rewrite its row every refresh; a
process that starts working still shows at once.
*/
export function steadyCpuUsage(shown: CpuUsage | undefined, measured: CpuUsage): CpuUsage {
	if (shown === undefined || shown === unknownCpuUsage) {
		return measured;
	}

	// A map whose every figure stays as shown is the shown map itself, so a quiet refresh hands back
	// the figures on screen as the same object.
	const steady = (before: ReadonlyMap<ProcessId, number>, now: ReadonlyMap<ProcessId, number>) => {
		const result = new Map<ProcessId, number>();
		let isSame = before.size === now.size;
		for (const [id, percent] of now) {
			const previous = before.get(id);
			const isJitter =
				previous !== undefined &&
				Math.abs(percent - previous) < Math.max(1, previous / 10) &&
				!(percent === 0 && previous !== 0);
			const figure = isJitter ? previous : percent;
			isSame &&= figure === previous;
			result.set(id, figure);
		}

		return isSame ? before : result;
	};

	const byProcess = steady(shown.byProcess, measured.byProcess);
	const bySession = steady(shown.bySession, measured.bySession);
	return byProcess === shown.byProcess && bySession === shown.bySession ? shown : {byProcess, bySession};
}
