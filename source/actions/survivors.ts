import {setTimeout as delay} from 'node:timers/promises';
import {processId, type Endpoint, type ProcessRecord, type Session} from '../model/types.js';
import {readLiveStat} from './live-stat.js';
import type {ActionPlan} from './plan.js';
import {parentsFirst} from './process-tree.js';
import {executeSignal, type SignalReport, type SignalRequest} from './signal.js';
import {SIGKILL, SIGTERM} from './signals.js';
import {type ActionTarget, targetFromProcess} from './target.js';

/** Every process of the session as last read, for comparing with a read after the action. */
export function sessionProcesses(session: Session): ProcessRecord[] {
	return parentsFirst(session.tree);
}

/**
 * Processes that outlived the action: in `before` and in `after` with the same pid and
 * start time, and not a zombie. Typically nohup'd jobs, programs that ignore SIGHUP or sit in
 * their own process group, now children of PID 1. The records come from `after`, so their
 * parent is current. Read `after` once the session's sshd has exited (waitForExit), or the
 * session's own processes still count. A process that double-forked away before the action
 * (`setsid cmd &`, a daemon, a tmux server) had already left the session's tree, so it is
 * not in `before` and cannot be found this way.
 */
export function findSurvivors(before: readonly ProcessRecord[], after: readonly ProcessRecord[]): ProcessRecord[] {
	const beforeIds = new Set(before.map(process => processId(process)));
	return after.filter(
		process => beforeIds.has(processId(process)) && process.state !== 'Z' && process.state !== 'X',
	);
}

export type SurvivorPlan = {
	readonly term: ActionPlan;
	/** How long TERM gets before KILL; undefined when the operator did not ask to escalate. */
	readonly escalateAfterMs: number | undefined;
};

export function planSurvivorCleanup(
	survivors: readonly ProcessRecord[],
	options: {readonly escalateAfterMs?: number; readonly peer?: Endpoint} = {},
): SurvivorPlan {
	const targets = survivors.map(process => targetFromProcess(process, options.peer));
	const count = `${targets.length} process${targets.length === 1 ? '' : 'es'} that outlived the session`;
	const escalation =
		options.escalateAfterMs === undefined
			? ''
			: `, then SIGKILL to any still running after ${Math.round(options.escalateAfterMs / 100) / 10} s`;
	return {
		term: {action: 'end-survivors', signal: SIGTERM, targets, description: `SIGTERM to ${count}${escalation}.`},
		escalateAfterMs: options.escalateAfterMs,
	};
}

/** Still the same process and not yet dead: what "has not exited yet" means to a follow-up. */
export function isStillRunning(target: Pick<ActionTarget, 'pid' | 'startTicks'>): boolean {
	const live = readLiveStat(target.pid);
	return (
		live.kind === 'alive' &&
		live.stat.startTicks === target.startTicks &&
		live.stat.state !== 'Z' &&
		live.stat.state !== 'X'
	);
}

/** Polls until every target has exited (or been reused) or the deadline passes; returns those still running. */
export async function waitForExit(
	targets: readonly ActionTarget[],
	options: {readonly timeoutMs: number; readonly pollMs?: number},
): Promise<ActionTarget[]> {
	const deadline = Date.now() + options.timeoutMs;
	let running = targets.filter(target => isStillRunning(target));
	while (running.length > 0 && Date.now() < deadline) {
		// eslint-disable-next-line no-await-in-loop
		await delay(Math.min(options.pollMs ?? 100, Math.max(0, deadline - Date.now())));
		running = running.filter(target => isStillRunning(target));
	}

	return running;
}

export type SurvivorCleanupReport = {
	readonly term: SignalReport;
	/** Present when escalation was asked for and something outlived the grace period. */
	readonly kill: SignalReport | undefined;
};

type Dispatch = Omit<SignalRequest, 'targets' | 'signal' | 'action'>;

/**
 * TERM to every survivor; if asked, KILL to those still running after the grace period.
 * Each step goes through executeSignal, so each is guarded, re-validated and audited.
 */
export async function executeSurvivorCleanup(plan: SurvivorPlan, dispatch: Dispatch): Promise<SurvivorCleanupReport> {
	const term = executeSignal({...dispatch, targets: plan.term.targets, signal: SIGTERM, action: plan.term.action});
	if (plan.escalateAfterMs === undefined) {
		return {term, kill: undefined};
	}

	// One that ignored TERM is still running: it is what KILL is for.
	const signalled = term.results.filter(result => result.kind === 'sent' || result.kind === 'ignored').map(result => result.target);
	const stubborn = await waitForExit(signalled, {timeoutMs: plan.escalateAfterMs});
	if (stubborn.length === 0) {
		return {term, kill: undefined};
	}

	const kill = executeSignal({...dispatch, targets: stubborn, signal: SIGKILL, action: 'kill-survivors'});
	return {term, kill};
}
