// Waiting for signalled processes to exit, and escalating to SIGKILL for those that do not.
import {setTimeout as delay} from 'node:timers/promises';
import {reached, type Escalation, type SignalReport} from '../model/guard/results.js';
import {type Signal, SIGKILL, SIGTERM} from '../model/guard/signal-catalogue.js';
import type {SurvivorPlan} from '../model/guard/survivor-plan.js';
import type {ActionName, ActionTarget} from '../model/guard/target.js';
import {readLiveStat} from './live-stat.js';
import {executeSignal, type SignalRequest} from './send-signal.js';

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
		// eslint-disable-next-line no-await-in-loop -- polling until the deadline.
		await delay(Math.min(options.pollMs ?? 100, Math.max(0, deadline - Date.now())));
		running = running.filter(target => isStillRunning(target));
	}

	return running;
}

/** Who asks, with what context and confirmations, and where the audit line goes. */
export type Dispatch = Omit<SignalRequest, 'targets' | 'signal' | 'action'>;

/** SIGKILL to the targets, guarded and audited like every signal. */
export function killTargets(targets: readonly ActionTarget[], dispatch: Dispatch): SignalReport {
	return executeSignal({...dispatch, targets, signal: SIGKILL, action: 'kill-survivors'});
}

/**
Sends `signal` to each group (one guarded, audited signal per group); with a grace period, waits
that long for the processes it reached and sends SIGKILL to those still running, per group. A
process that ignored the first signal is still running: it is what KILL is for.
*/
export async function signalThenKill(
	groups: ReadonlyArray<readonly ActionTarget[]>,
	request: {
		readonly signal: Signal;
		readonly action: ActionName;
		readonly graceMs: number | undefined;
		readonly dispatch: Dispatch;
	},
): Promise<Escalation[]> {
	const firsts = groups.map(targets =>
		executeSignal({...request.dispatch, targets, signal: request.signal, action: request.action}),
	);
	if (request.graceMs === undefined) {
		return firsts.map(first => ({first, kill: undefined}));
	}

	const reachedTargets = firsts.flatMap(first =>
		first.results.filter(result => reached(result)).map(result => result.target),
	);
	const stubborn = new Set(await waitForExit(reachedTargets, {timeoutMs: request.graceMs}));
	return firsts.map(first => {
		const own = first.results.map(result => result.target).filter(target => stubborn.has(target));
		return {first, kill: own.length === 0 ? undefined : killTargets(own, request.dispatch)};
	});
}

/** What outlived ended sessions, once the operator chose: TERM, and KILL after the plan's grace period when asked. */
export async function cleanUpSurvivors(plan: SurvivorPlan, dispatch: Dispatch): Promise<Escalation> {
	const [escalation] = await signalThenKill([plan.term.targets], {
		signal: SIGTERM,
		action: plan.term.action,
		graceMs: plan.escalateAfterMs,
		dispatch,
	});
	return escalation!;
}
