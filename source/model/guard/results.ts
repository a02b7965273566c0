// What an action did, as the explorer, reap and the audit log report it: per target, per
// signal, per connection. Plain data and the few words that describe it; actions/ makes it.
import type {ProcessRecord} from '../types.js';
import type {RefusalReason} from './guard.js';
import type {Signal} from './signal-catalogue.js';
import type {ActionTarget} from './target.js';

/** What happened to one target: which signal, and a one-line sentence for the UI. */
export type TargetResult = {readonly target: ActionTarget; readonly signal: Signal; readonly sentence: string} & (
	| {
			readonly kind: 'sent';
			/** True when SIGCONT followed, because the target was stopped and would not act on the signal. */
			readonly continued: boolean;
	  }
	/** Sent, but the target ignores it or the kernel discards it (signal-fate.ts): nothing happened. */
	| {readonly kind: 'ignored'; readonly fate: 'ignored' | 'discarded'}
	| {readonly kind: 'gone'}
	| {readonly kind: 'changed'}
	| {readonly kind: 'not-permitted'}
	| {readonly kind: 'refused'; readonly reason: RefusalReason}
	| {
			readonly kind: 'zombie';
			/** The process that has not reaped it: the one to look at. */
			readonly parentPid: number;
	  }
);

export type TargetResultKind = TargetResult['kind'];

export type SignalReport = {
	readonly signal: Signal;
	/** One per target, in the order given. */
	readonly results: readonly TargetResult[];
	readonly audit: AuditWrite;
	/** The system log's copy: a warning when it could not be written. */
	readonly systemLog?: {readonly ok: true} | {readonly ok: false; readonly warning: string};
};

export type AuditWrite =
	{readonly ok: true; readonly path: string} | {readonly ok: false; readonly path: string; readonly warning: string};

export type ConnectionOutcome = 'closed' | 'still-connected';

export type ConnectionCheck = {
	readonly sessionId: string;
	readonly outcome: ConnectionOutcome;
	readonly sentence: string;
};

/** Whether a result says the signal went out (whatever the process then did with it). */
export function reached(result: TargetResult): boolean {
	return result.kind === 'sent' || result.kind === 'ignored';
}

/** A process that outlived an ended session: its record as read after, and its target. */
export type Survivor = {readonly record: ProcessRecord; readonly target: ActionTarget; readonly sessionId: string};

/** A few words per result kind, for summaries, reap's lines and the history pane. */
export const resultLabels: Readonly<Record<TargetResultKind, string>> = {
	sent: 'sent',
	ignored: 'ignored',
	gone: 'already exited',
	changed: 'changed',
	'not-permitted': 'not permitted',
	refused: 'refused',
	zombie: 'zombie',
};

/** One line for a whole action, e.g. `2 sent, 1 already exited, 1 refused`. */
export function summarizeResults(results: readonly TargetResult[]): string {
	const counts = new Map<TargetResultKind, number>();
	for (const result of results) {
		counts.set(result.kind, (counts.get(result.kind) ?? 0) + 1);
	}

	return [...counts].map(([kind, count]) => `${count} ${resultLabels[kind]}`).join(', ');
}

/** A signal meant to end sessions, sent and checked: each connection closed or not. */
export type SessionsSignalled = {
	/** One per group of targets sent together, in order. */
	readonly reports: readonly SignalReport[];
	/** One per session a signal reached, when the signal ends sessions. */
	readonly checks: readonly ConnectionCheck[];
};

/** Sessions ended: the signal, the connection checks, and what outlived the grace period. */
export type SessionsEnded = SessionsSignalled & {
	/** What outlived the sessions the signal reached; empty for a signal that does not end sessions. */
	readonly survivors: readonly Survivor[];
	/** SIGKILL to the survivors, when asked for and there were any. */
	readonly kill: SignalReport | undefined;
	/** Why survivors could not be looked for (the process table could not be read). */
	readonly survivorProblem: string | undefined;
};

/** A group's signal, and SIGKILL to those of it that outlived the grace period. */
export type Escalation = {readonly first: SignalReport; readonly kill: SignalReport | undefined};
