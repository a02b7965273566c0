import type {Endpoint, ProcessNode, Session} from '../types.js';
import {findInTree, parentsFirst} from '../report/process-tree.js';
import {type Signal, SIGHUP, SIGKILL, SIGTERM} from './signal-catalogue.js';
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

export type SessionPlan =
	{readonly ok: true; readonly plan: ActionPlan} | {readonly ok: false; readonly message: string};

export type SessionPlanOptions = {
	/** Who acts: a normal user ends their own session through the user-side sshd they own (the monitor is root's). */
	readonly operatorUid?: number | undefined;
};

function sessionTarget(session: Session, pid: number | undefined): ActionTarget | undefined {
	const process = pid === undefined ? undefined : findInTree(session.tree, pid);
	return process === undefined ? undefined : targetFromProcess(process, session.peer);
}

/**
Maps a session-level choice to the processes whose signal ends the connection:

- end (SIGTERM) and hang-up (SIGHUP): the `[priv]` monitor (or the only sshd of a root login
  without privilege separation): OpenSSH closes the channels and logs the user out. With no
  monitor left (orphaned), or for a normal user acting on their own session (the monitor is
  root's), the user-side sshd they own, which ends the connection as cleanly.
- kill (SIGKILL): the user-side sshd, then the monitor: both holders of the connection die at
  once and it is gone. SIGKILL to the monitor alone would orphan the connection.
- signal: any other signal to the process end goes to; SIGKILL is routed as kill.
*/
export function planSessionAction(
	session: Session,
	action: SessionAction,
	options: SessionPlanOptions = {},
): SessionPlan {
	const monitor = sessionTarget(session, session.monitorPid);
	const userSide = sessionTarget(session, session.userSidePid);
	if (session.monitorPid !== undefined && monitor === undefined) {
		return {
			ok: false,
			message: `The session's sshd ${session.monitorPid} is not in its process tree; refresh and try again.`,
		};
	}

	if (session.userSidePid !== undefined && userSide === undefined) {
		return {
			ok: false,
			message: `The session's user-side sshd ${session.userSidePid} is not in its process tree; refresh and try again.`,
		};
	}

	if (monitor === undefined && userSide === undefined) {
		return {
			ok: false,
			message: `The session's sshd is hidden from sshtop (it runs as another user, or /proc hides it); it cannot be signalled from here.`,
		};
	}

	const isRoot = options.operatorUid === undefined || options.operatorUid === 0;
	const ownsUserSide = userSide !== undefined && !isRoot && userSide.uid === options.operatorUid;
	const ender = (ownsUserSide ? userSide : (monitor ?? userSide))!;
	const enderLabel =
		ender === monitor
			? userSide === undefined
				? `the session's sshd ${describeTarget(ender)}`
				: `the session's privileged monitor ${describeTarget(ender)}`
			: monitor === undefined
				? `the session's user-side sshd ${describeTarget(ender)} (its monitor is gone)`
				: `the session's user-side sshd ${describeTarget(ender)}, yours (the monitor is root's)`;
	const signal =
		action.kind === 'end'
			? SIGTERM
			: action.kind === 'hang-up'
				? SIGHUP
				: action.kind === 'kill'
					? SIGKILL
					: action.signal;
	if (signal.number === SIGKILL.number) {
		// Root kills both holders; a normal user the one that is theirs (the monitor then cleans up).
		const holders = isRoot ? [userSide, monitor] : [ownsUserSide ? userSide : (userSide ?? monitor)];
		const targets = holders.filter((target): target is ActionTarget => target !== undefined);
		const what = targets
			.map(target =>
				target === monitor
					? userSide === undefined
						? `the session's only sshd ${describeTarget(target)}`
						: `the monitor ${describeTarget(target)}`
					: `the user-side sshd ${describeTarget(target)}`,
			)
			.join(', then ');
		return {
			ok: true,
			plan: {
				action: action.kind === 'signal' ? 'signal-session' : 'kill-session',
				signal: SIGKILL,
				targets,
				description: `Kill: SIGKILL to ${what}: the connection drops at once, without clean-up (the login may stay listed in who/last).`,
			},
		};
	}

	switch (action.kind) {
		case 'end': {
			return {
				ok: true,
				plan: {
					action: 'end-session',
					signal,
					targets: [ender],
					description: `End session: SIGTERM to ${enderLabel}; OpenSSH closes the connection and logs ${session.user} out.`,
				},
			};
		}

		case 'hang-up': {
			return {
				ok: true,
				plan: {
					action: 'hang-up',
					signal,
					targets: [ender],
					description: `Hang up: SIGHUP to ${enderLabel}; the connection drops and the session's programs get a hang-up.`,
				},
			};
		}

		case 'kill':
		case 'signal': {
			return {
				ok: true,
				plan: {action: 'signal-session', signal, targets: [ender], description: `${signal.name} to ${enderLabel}.`},
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
