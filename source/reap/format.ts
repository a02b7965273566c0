// What `sshtop reap` prints: one line per session (text) or one document (--json), for the
// plan of a dry run and for the results of --yes. Pure.
import {
	resultLabels,
	type ConnectionCheck,
	type ConnectionOutcome,
	type TargetResult,
	type TargetResultKind,
} from '../model/guard/results.js';
import type {Signal} from '../model/guard/signal-catalogue.js';
import {describeTarget, type ActionTarget} from '../model/guard/target.js';
import {formatDuration, formatEndpoint} from '../model/view/format.js';
import type {SessionHealth} from '../model/report/health.js';
import {idleSecondsAt} from '../model/report/idle.js';
import {commandLine} from '../model/report/process-tree.js';
import {sanitizeText} from '../model/view/sanitize.js';
import type {Endpoint, Leftover, Session} from '../model/types.js';
import {
	healthOf,
	type ExclusionReason,
	type LeftoverPlan,
	type LeftoverTarget,
	type ReapExclusion,
	type ReapPlan,
	type ReapTarget,
} from './select.js';

/** What happened to one planned session under --yes. */
export type TargetOutcome = {
	readonly planned: ReapTarget;
	/** One per target of the session's signal, in order. */
	readonly results: readonly TargetResult[];
	/** SIGKILL results for the session's processes still running after the grace period. */
	readonly survivors: readonly TargetResult[];
	/** Whether its connection is gone afterwards; undefined when the signal does not end sessions or reached nothing. */
	readonly connection: ConnectionCheck | undefined;
};

/** What happened to one process left behind, and those below it, under --yes. */
export type LeftoverOutcome = {
	readonly planned: LeftoverTarget;
	readonly results: readonly TargetResult[];
	/** SIGKILL results for those still running after the grace period. */
	readonly survivors: readonly TargetResult[];
};

export type ReapResults = {
	/** The plan's takenAt: idle times are as the plan saw them. */
	readonly takenAt: number;
	readonly outcomes: readonly TargetOutcome[];
	readonly excluded: readonly ReapExclusion[];
	/** What the grace period and escalation did, in one sentence, or undefined when nothing was waited for. */
	readonly graceNote: string | undefined;
};

export const reapSchemaVersion = 1;

export type ReapJsonSignal = {
	readonly pid: number;
	readonly command: string;
	readonly signal: string;
	readonly result: TargetResultKind;
	readonly message: string;
};

/** Kept under this name: a survivor's SIGKILL is one signal like any other. */
export type ReapJsonSurvivor = ReapJsonSignal;

export type ReapJsonTarget = {
	readonly sessionId: string;
	readonly pid: number;
	readonly user: string;
	readonly peer: Endpoint | null;
	readonly idleSeconds: number | null;
	readonly health: SessionHealth;
	readonly signal: string;
	/** The first process the signal goes to (see targetPids). */
	readonly targetPid: number;
	/** Every process the signal goes to, in order: the monitor, or for SIGKILL the user side then the monitor. */
	readonly targetPids: readonly number[];
	/** Absent in a dry run: the first result that is not `sent`, else `sent`. */
	readonly result?: TargetResultKind;
	readonly message: string;
	/** Absent in a dry run: one entry per signal and target. */
	readonly results?: readonly ReapJsonSignal[];
	/** Absent in a dry run: processes that outlived the grace period, and what SIGKILL did to them. */
	readonly survivors?: readonly ReapJsonSurvivor[];
	/** Absent in a dry run: whether the connection is gone (null when the signal does not end sessions). */
	readonly connection?: ConnectionOutcome | null;
};

export type ReapJsonLeftover = {
	readonly pid: number;
	readonly user: string;
	readonly command: string;
	readonly peer: Endpoint | null;
	readonly signal: string;
	readonly targetPids: readonly number[];
	readonly result?: TargetResultKind;
	readonly message: string;
	readonly results?: readonly ReapJsonSignal[];
	readonly survivors?: readonly ReapJsonSurvivor[];
};

export type ReapJsonDocument = {
	readonly schemaVersion: number;
	readonly mode: 'dry-run' | 'executed';
	readonly targets: readonly ReapJsonTarget[];
	readonly excluded: ReadonlyArray<{
		readonly sessionId: string;
		readonly pid: number;
		readonly reason: ExclusionReason;
		readonly message: string;
	}>;
	/** With --leftovers only: the processes left behind it acts on. */
	readonly leftovers?: readonly ReapJsonLeftover[];
	readonly leftoversExcluded?: ReadonlyArray<{readonly pid: number; readonly message: string}>;
	readonly leftoversReadable?: boolean;
};

function peerOf(peer: Endpoint | undefined): Endpoint | null {
	return peer === undefined ? null : {address: peer.address, port: peer.port};
}

function jsonSignal(result: TargetResult): ReapJsonSignal {
	return {
		pid: result.target.pid,
		command: result.target.command,
		signal: result.signal.name,
		result: result.kind,
		message: result.sentence,
	};
}

/** The first result that is not `sent`, else `sent`: what went wrong, if anything did. */
function overallKind(results: readonly TargetResult[]): TargetResultKind {
	return results.find(result => result.kind !== 'sent')?.kind ?? 'sent';
}

function jsonTarget(planned: ReapTarget, message: string, takenAt: number): ReapJsonTarget {
	const {session, targets, signal} = planned;
	return {
		sessionId: session.id,
		pid: session.pid,
		user: session.user,
		peer: peerOf(session.peer),
		idleSeconds: idleSecondsAt(session, takenAt) ?? null,
		health: healthOf(session),
		signal: signal.name,
		targetPid: targets[0]?.pid ?? session.pid,
		targetPids: targets.map(target => target.pid),
		message,
	};
}

function jsonExcluded(excluded: readonly ReapExclusion[]): ReapJsonDocument['excluded'] {
	return excluded.map(({session, reason, message}) => ({sessionId: session.id, pid: session.pid, reason, message}));
}

function wouldSend(signal: Signal, targets: readonly ActionTarget[]): string {
	return `Would send ${signal.name} to ${targets.map(target => describeTarget(target)).join(', then ')}.`;
}

export function planDocument(plan: ReapPlan): ReapJsonDocument {
	return {
		schemaVersion: reapSchemaVersion,
		mode: 'dry-run',
		targets: plan.targets.map(planned => jsonTarget(planned, wouldSend(planned.signal, planned.targets), plan.takenAt)),
		excluded: jsonExcluded(plan.excluded),
	};
}

export function resultsDocument(results: ReapResults): ReapJsonDocument {
	return {
		schemaVersion: reapSchemaVersion,
		mode: 'executed',
		targets: results.outcomes.map(({planned, results: signalled, survivors, connection}) => ({
			...jsonTarget(
				planned,
				[...signalled.map(result => result.sentence), ...(connection === undefined ? [] : [connection.sentence])].join(
					' ',
				),
				results.takenAt,
			),
			result: overallKind(signalled),
			results: signalled.map(result => jsonSignal(result)),
			survivors: survivors.map(survivor => jsonSignal(survivor)),
			connection: connection?.outcome ?? null,
		})),
		excluded: jsonExcluded(results.excluded),
	};
}

function jsonLeftover(planned: LeftoverTarget, message: string): ReapJsonLeftover {
	const top = planned.leftover.tree.process;
	return {
		pid: top.pid,
		user: top.user,
		command: commandLine(top),
		peer: peerOf(planned.leftover.peer),
		signal: planned.signal.name,
		targetPids: planned.targets.map(target => target.pid),
		message,
	};
}

export function leftoverPlanDocument(plan: LeftoverPlan): ReapJsonDocument {
	return {
		schemaVersion: reapSchemaVersion,
		mode: 'dry-run',
		targets: [],
		excluded: [],
		leftovers: plan.targets.map(planned => jsonLeftover(planned, wouldSend(planned.signal, planned.targets))),
		leftoversExcluded: plan.excluded.map(({leftover, message}) => ({pid: leftover.tree.process.pid, message})),
		leftoversReadable: plan.isReadable,
	};
}

export function leftoverResultsDocument(plan: LeftoverPlan, outcomes: readonly LeftoverOutcome[]): ReapJsonDocument {
	return {
		...leftoverPlanDocument(plan),
		mode: 'executed',
		leftovers: outcomes.map(({planned, results, survivors}) => ({
			...jsonLeftover(planned, results.map(result => result.sentence).join(' ')),
			result: overallKind(results),
			results: results.map(result => jsonSignal(result)),
			survivors: survivors.map(survivor => jsonSignal(survivor)),
		})),
	};
}

/** `session 4123 alice from 10.0.0.5:50022 idle 42m health dead-peer`: everything a process chose is made terminal-safe. */
function sessionLabel(session: Session, takenAt: number): string {
	const peer = session.peer === undefined ? '?' : sanitizeText(formatEndpoint(session.peer));
	return `session ${session.pid} ${sanitizeText(session.user)} from ${peer} idle ${formatDuration(idleSecondsAt(session, takenAt))} health ${healthOf(session)}`;
}

function leftoverLabel(leftover: Leftover): string {
	const top = leftover.tree.process;
	const peer = leftover.peer === undefined ? '?' : sanitizeText(formatEndpoint(leftover.peer));
	return `left behind ${describeTarget({pid: top.pid, command: commandLine(top)})} of ${sanitizeText(top.user)} from ${peer}`;
}

function signalPart(signal: Signal, targets: readonly ActionTarget[]): string {
	return `${signal.name} to pid ${targets.map(target => target.pid).join(', then ')}`;
}

function exclusionLines(excluded: readonly ReapExclusion[], takenAt: number): string[] {
	return excluded.map(
		({session, reason, message}) => `excluded ${sessionLabel(session, takenAt)}: ${reason}: ${message}`,
	);
}

function plural(count: number, noun: string): string {
	return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function planLines(plan: ReapPlan): string[] {
	const lines = plan.targets.map(
		planned =>
			`would reap ${sessionLabel(planned.session, plan.takenAt)}: ${signalPart(planned.signal, planned.targets)}`,
	);
	const summary =
		plan.targets.length === 0 && plan.excluded.length === 0
			? 'Dry run: no session matches; nothing to do.'
			: `Dry run: ${plural(plan.targets.length, 'session')} would be reaped, ${plan.excluded.length} excluded; nothing was sent. Add --yes to do it.`;
	return [...lines, ...exclusionLines(plan.excluded, plan.takenAt), summary];
}

function signalLines(results: readonly TargetResult[], survivors: readonly TargetResult[]): string[] {
	return [
		...results.map(
			result =>
				`  ${result.signal.name} to ${describeTarget(result.target)}: ${resultLabels[result.kind]}: ${result.sentence}`,
		),
		...survivors.map(
			survivor =>
				`  survivor ${describeTarget(survivor.target)}: ${survivor.signal.name}: ${resultLabels[survivor.kind]}: ${survivor.sentence}`,
		),
	];
}

export function resultLines(results: ReapResults): string[] {
	const lines: string[] = [];
	for (const {planned, results: signalled, survivors, connection} of results.outcomes) {
		const outcome =
			connection === undefined
				? resultLabels[overallKind(signalled)]
				: connection.outcome === 'closed'
					? 'connection closed'
					: 'STILL CONNECTED';
		lines.push(
			`reap ${sessionLabel(planned.session, results.takenAt)}: ${signalPart(planned.signal, planned.targets)}: ${outcome}`,
			...signalLines(signalled, survivors),
		);
		if (connection?.outcome === 'still-connected') {
			lines.push(`  ${connection.sentence}`);
		}
	}

	lines.push(...exclusionLines(results.excluded, results.takenAt));
	if (results.graceNote !== undefined) {
		lines.push(results.graceNote);
	}

	const closed = results.outcomes.filter(outcome => outcome.connection?.outcome === 'closed').length;
	const open = results.outcomes.filter(outcome => outcome.connection?.outcome === 'still-connected').length;
	const tally = [closed === 0 ? '' : `${closed} closed`, open === 0 ? '' : `${open} STILL CONNECTED`]
		.filter(Boolean)
		.join(', ');
	lines.push(
		results.outcomes.length === 0 && results.excluded.length === 0
			? 'No session matches; nothing was sent.'
			: `Reaped ${plural(results.outcomes.length, 'session')}${tally === '' ? '' : ` (${tally})`}, ${results.excluded.length} excluded.`,
	);
	return lines;
}

export function leftoverPlanLines(plan: LeftoverPlan): string[] {
	if (!plan.isReadable) {
		return ["Leftovers cannot be looked for: reading other users' environments needs root. Nothing to do."];
	}

	const lines = plan.targets.map(
		planned => `would end ${leftoverLabel(planned.leftover)}: ${signalPart(planned.signal, planned.targets)}`,
	);
	lines.push(
		...plan.excluded.map(({leftover, message}) => `excluded ${leftoverLabel(leftover)}: ${message}`),
		plan.targets.length === 0
			? 'Dry run: no process left behind matches; nothing to do.'
			: `Dry run: ${plural(plan.targets.length, 'process')} left behind (with what runs below them) would be ended, ${plan.excluded.length} excluded; nothing was sent. Add --yes to do it.`,
	);
	return lines;
}

export function leftoverResultLines(plan: LeftoverPlan, outcomes: readonly LeftoverOutcome[]): string[] {
	const lines: string[] = [];
	for (const {planned, results, survivors} of outcomes) {
		lines.push(
			`end ${leftoverLabel(planned.leftover)}: ${signalPart(planned.signal, planned.targets)}: ${resultLabels[overallKind(results)]}`,
			...signalLines(results, survivors),
		);
	}

	lines.push(
		...plan.excluded.map(({leftover, message}) => `excluded ${leftoverLabel(leftover)}: ${message}`),
		outcomes.length === 0
			? 'No process left behind matches; nothing was sent.'
			: `Ended ${plural(outcomes.length, 'process')} left behind, ${plan.excluded.length} excluded.`,
	);
	return lines;
}
