import {setTimeout as delay} from 'node:timers/promises';
import {readLiveStat} from './live-stat.js';
import {executeSignal, type SignalReport, type SignalRequest} from './send-signal.js';
import {SIGKILL, SIGTERM} from '../model/guard/signal-catalogue.js';
import type {SurvivorPlan} from '../model/guard/survivor-plan.js';
import type {ActionTarget} from '../model/guard/target.js';

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
