// What `sshtop reap` prints: one line per session (text) or one document (--json), for the
// plan of a dry run and for the results of --yes. Pure.
import {resultLabels, type TargetResult, type TargetResultKind} from '../actions/signal.js';
import type {Signal} from '../actions/signals.js';
import {describeTarget} from '../actions/target.js';
import {formatDuration, formatEndpoint} from '../model/format.js';
import type {SessionHealth} from '../model/health.js';
import {idleSecondsAt} from '../model/idle.js';
import {sanitizeText} from '../model/sanitize.js';
import type {Endpoint, Session} from '../model/types.js';
import {healthOf, type ExclusionReason, type ReapExclusion, type ReapPlan, type ReapTarget} from './select.js';

/** What happened to one planned session under --yes. */
export type TargetOutcome = {
	readonly planned: ReapTarget;
	readonly result: TargetResult;
	/** SIGKILL results for the session's processes still running after the grace period. */
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

export type ReapJsonSurvivor = {
	readonly pid: number;
	readonly command: string;
	readonly signal: string;
	readonly result: TargetResultKind;
	readonly message: string;
};

export type ReapJsonTarget = {
	readonly sessionId: string;
	readonly pid: number;
	readonly user: string;
	readonly peer: Endpoint | null;
	readonly idleSeconds: number | null;
	readonly health: SessionHealth;
	readonly signal: string;
	/** The pid the signal goes to: the session's top sshd. */
	readonly targetPid: number;
	/** Absent in a dry run. */
	readonly result?: TargetResultKind;
	readonly message: string;
	/** Absent in a dry run: processes that outlived the grace period, and what SIGKILL did to them. */
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
};

function peerOf(session: Session): Endpoint | null {
	return session.peer === undefined ? null : {address: session.peer.address, port: session.peer.port};
}

function jsonTarget(planned: ReapTarget, message: string, takenAt: number): ReapJsonTarget {
	const {session, target, signal} = planned;
	return {
		sessionId: session.id,
		pid: session.pid,
		user: session.user,
		peer: peerOf(session),
		idleSeconds: idleSecondsAt(session, takenAt) ?? null,
		health: healthOf(session),
		signal: signal.name,
		targetPid: target.pid,
		message,
	};
}

function jsonExcluded(excluded: readonly ReapExclusion[]): ReapJsonDocument['excluded'] {
	return excluded.map(({session, reason, message}) => ({sessionId: session.id, pid: session.pid, reason, message}));
}

function wouldSend(planned: ReapTarget): string {
	return `Would send ${planned.signal.name} to ${describeTarget(planned.target)}.`;
}

export function planDocument(plan: ReapPlan): ReapJsonDocument {
	return {
		schemaVersion: reapSchemaVersion,
		mode: 'dry-run',
		targets: plan.targets.map(planned => jsonTarget(planned, wouldSend(planned), plan.takenAt)),
		excluded: jsonExcluded(plan.excluded),
	};
}

export function resultsDocument(results: ReapResults): ReapJsonDocument {
	return {
		schemaVersion: reapSchemaVersion,
		mode: 'executed',
		targets: results.outcomes.map(({planned, result, survivors}) => ({
			...jsonTarget(planned, result.sentence, results.takenAt),
			result: result.kind,
			survivors: survivors.map(survivor => ({
				pid: survivor.target.pid,
				command: survivor.target.command,
				signal: 'SIGKILL',
				result: survivor.kind,
				message: survivor.sentence,
			})),
		})),
		excluded: jsonExcluded(results.excluded),
	};
}

/** `session 4123 alice from 10.0.0.5:50022 idle 42m health dead-peer`: everything a process chose is made terminal-safe. */
function sessionLabel(session: Session, takenAt: number): string {
	const peer = session.peer === undefined ? '?' : sanitizeText(formatEndpoint(session.peer));
	return `session ${session.pid} ${sanitizeText(session.user)} from ${peer} idle ${formatDuration(idleSecondsAt(session, takenAt))} health ${healthOf(session)}`;
}

function signalPart(signal: Signal, targetPid: number): string {
	return `${signal.name} to pid ${targetPid}`;
}

function exclusionLines(excluded: readonly ReapExclusion[], takenAt: number): string[] {
	return excluded.map(({session, reason, message}) => `excluded ${sessionLabel(session, takenAt)}: ${reason}: ${message}`);
}

function plural(count: number, noun: string): string {
	return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function planLines(plan: ReapPlan): string[] {
	const lines = plan.targets.map(planned => `would reap ${sessionLabel(planned.session, plan.takenAt)}: ${signalPart(planned.signal, planned.target.pid)}`);
	const summary = plan.targets.length === 0 && plan.excluded.length === 0
		? 'Dry run: no session matches; nothing to do.'
		: `Dry run: ${plural(plan.targets.length, 'session')} would be reaped, ${plan.excluded.length} excluded; nothing was sent. Add --yes to do it.`;
	return [...lines, ...exclusionLines(plan.excluded, plan.takenAt), summary];
}

export function resultLines(results: ReapResults): string[] {
	const lines: string[] = [];
	for (const {planned, result, survivors} of results.outcomes) {
		lines.push(`reap ${sessionLabel(planned.session, results.takenAt)}: ${signalPart(planned.signal, planned.target.pid)}: ${resultLabels[result.kind]}: ${result.sentence}`);
		for (const survivor of survivors) {
			lines.push(`  survivor ${describeTarget(survivor.target)}: SIGKILL: ${resultLabels[survivor.kind]}: ${survivor.sentence}`);
		}
	}

	lines.push(...exclusionLines(results.excluded, results.takenAt));
	if (results.graceNote !== undefined) {
		lines.push(results.graceNote);
	}

	const counts = new Map<string, number>();
	for (const {result} of results.outcomes) {
		const label = resultLabels[result.kind];
		counts.set(label, (counts.get(label) ?? 0) + 1);
	}

	const tally = [...counts].map(([label, count]) => `${count} ${label}`).join(', ');
	lines.push(results.outcomes.length === 0 && results.excluded.length === 0
		? 'No session matches; nothing was sent.'
		: `Reaped ${plural(results.outcomes.length, 'session')}${tally === '' ? '' : ` (${tally})`}, ${results.excluded.length} excluded.`);
	return lines;
}
