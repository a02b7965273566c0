// What outlived an ended session, and the plan to end it: pure (the waiting and sending are in survivors.ts).
import {parentsFirst} from '../report/process-tree.js';
import {processId, type Endpoint, type ProcessRecord, type Session} from '../types.js';
import type {ActionPlan} from './plan.js';
import {SIGTERM} from './signal-catalogue.js';
import {targetFromProcess} from './target.js';

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
	return after.filter(process => beforeIds.has(processId(process)) && process.state !== 'Z' && process.state !== 'X');
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
