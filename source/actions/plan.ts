import type {Endpoint, ProcessNode, Session} from '../model/types.js';
import {findInTree, parentsFirst} from './process-tree.js';
import {executeSignal, type SignalReport, type SignalRequest} from './signal.js';
import {type Signal, SIGHUP, SIGKILL, SIGTERM} from './signals.js';
import {type ActionName, type ActionTarget, describeTarget, targetFromProcess} from './target.js';

/**
 * An action decided but not yet sent: exactly which processes get which signal, and a
 * sentence saying so. The UI shows `description` and the guard's assessments of `targets`,
 * then hands the plan to executePlan.
 */
export type ActionPlan = {
	/** Names the action in the audit log. */
	readonly action: ActionName;
	readonly signal: Signal;
	readonly targets: readonly ActionTarget[];
	readonly description: string;
};

export type SessionAction =
	| {readonly kind: 'end'}
	| {readonly kind: 'hang-up'}
	| {readonly kind: 'kill'}
	| {readonly kind: 'signal'; readonly signal: Signal};

export type SessionPlan = {readonly ok: true; readonly plan: ActionPlan} | {readonly ok: false; readonly message: string};

function sessionTarget(session: Session, pid: number): ActionTarget | undefined {
	const process = findInTree(session.tree, pid);
	return process === undefined ? undefined : targetFromProcess(process, session.peer);
}

/**
 * Maps a session-level choice to the one process OpenSSH responds to:
 *
 * - end: SIGTERM to the monitor (the `[priv]` sshd, or the only sshd of a root login
 *   without privilege separation). Its handler closes the channels and logs the user out.
 *   SIGKILL to the monitor would leave the user side running; SIGTERM to a shell is ignored.
 * - hang-up: SIGHUP to the same process.
 * - kill: SIGKILL to the user-side sshd; the monitor sees it die and cleans up. Without a
 *   user side, the monitor itself, which then cannot clean up.
 * - signal: any signal to the monitor.
 */
export function planSessionAction(session: Session, action: SessionAction): SessionPlan {
	// An orphaned connection has no monitor left: its user-side sshd ends it on SIGTERM as well.
	const endingPid = session.monitorPid ?? session.userSidePid ?? session.pid;
	const monitor = sessionTarget(session, endingPid);
	if (monitor === undefined) {
		return {
			ok: false,
			message: `The session's sshd ${endingPid} is not in its process tree; refresh and try again.`,
		};
	}

	const split = session.userSidePid !== undefined && session.monitorPid !== undefined;
	const monitorLabel = session.monitorPid === undefined
		? `the session's user-side sshd ${describeTarget(monitor)} (its monitor is gone)`
		: (split ? `the session's privileged monitor ${describeTarget(monitor)}` : `the session's sshd ${describeTarget(monitor)}`);
	switch (action.kind) {
		case 'end': {
			return {
				ok: true,
				plan: {
					action: 'end-session',
					signal: SIGTERM,
					targets: [monitor],
					description: `End session: SIGTERM to ${monitorLabel}; OpenSSH closes the connection and logs ${session.user} out.`,
				},
			};
		}

		case 'hang-up': {
			return {
				ok: true,
				plan: {
					action: 'hang-up',
					signal: SIGHUP,
					targets: [monitor],
					description: `Hang up: SIGHUP to ${monitorLabel}; the connection drops and the session's programs get a hang-up.`,
				},
			};
		}

		case 'kill': {
			if (session.monitorPid === undefined) {
				return {
					ok: true,
					plan: {
						action: 'kill-session',
						signal: SIGKILL,
						targets: [monitor],
						description: `Kill: SIGKILL to ${monitorLabel}; the connection drops without clean-up.`,
					},
				};
			}

			if (session.userSidePid === undefined) {
				return {
					ok: true,
					plan: {
						action: 'kill-session',
						signal: SIGKILL,
						targets: [monitor],
						description: `Kill: this session has no user-side sshd (root login without privilege separation), so SIGKILL goes to ${monitorLabel} itself. The connection drops without clean-up; the login may stay listed in who/last.`,
					},
				};
			}

			const userSide = sessionTarget(session, session.userSidePid);
			if (userSide === undefined) {
				return {
					ok: false,
					message: `The session's user-side sshd ${session.userSidePid} is not in its process tree; refresh and try again.`,
				};
			}

			return {
				ok: true,
				plan: {
					action: 'kill-session',
					signal: SIGKILL,
					targets: [userSide],
					description: `Kill: SIGKILL to the user-side sshd ${describeTarget(userSide)}; the monitor ${monitor.pid} sees it die and closes the session.`,
				},
			};
		}

		case 'signal': {
			return {
				ok: true,
				plan: {
					action: 'signal-session',
					signal: action.signal,
					targets: [monitor],
					description: `${action.signal.name} to ${monitorLabel}.`,
				},
			};
		}
	}
}

/** A signal to one or more chosen (tagged) processes. */
export function planSignal(targets: readonly ActionTarget[], signal: Signal): ActionPlan {
	const [only] = targets;
	const what = targets.length === 1 && only !== undefined ? describeTarget(only) : `${targets.length} processes`;
	return {action: 'signal', signal, targets, description: `${signal.name} to ${what}.`};
}

/**
 * "This process and its descendants", parents first, from the tree as last read.
 *
 * Parents first because a parent still running can notice a child die and start another
 * (a shell loop, a supervisor), and that new child would be in no list; a parent that got
 * the signal first usually cannot. Children are not lost when their parent dies first:
 * every target is a pid + start time taken now, so a child re-parented to PID 1 is still
 * signalled. No SIGSTOP round first: it would leave the tree frozen if the operator stops
 * half-way, and a process forked after this read is missed either way, which is what the
 * survivors check after the action is for.
 */
export function planProcessAndDescendants(root: ProcessNode, signal: Signal, peer?: Endpoint): ActionPlan {
	const targets = parentsFirst(root).map(process => targetFromProcess(process, peer));
	const descendants = targets.length - 1;
	const [rootTarget] = targets;
	const rootLabel = rootTarget === undefined ? 'the process' : describeTarget(rootTarget);
	return {
		action: 'signal-tree',
		signal,
		targets,
		description: `${signal.name} to ${rootLabel} and its ${descendants} descendant${descendants === 1 ? '' : 's'}, parents first.`,
	};
}

/** Sends a plan through the guarded executor; `dispatch` carries context, confirmations, operator and log. */
export function executePlan(
	plan: ActionPlan,
	dispatch: Omit<SignalRequest, 'targets' | 'signal' | 'action'>,
): SignalReport {
	return executeSignal({...dispatch, targets: plan.targets, signal: plan.signal, action: plan.action});
}
