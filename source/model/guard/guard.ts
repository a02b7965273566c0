import type {ProcessRecord} from '../../proc/types.js';
import {processId, type Listener, type ProcessId, type Session} from '../types.js';
import {findInTree} from '../report/process-tree.js';
import {type Signal, SIGCONT, SIGHUP} from './signal-catalogue.js';
import {type ActionTarget, describeTarget, formatPeer, targetId} from './target.js';

/** What sshtop knows about itself and the machine when it judges a target. */
export type GuardContext = {
	/** sshtop's own pid: never signalled. */
	readonly selfPid: number;
	/** sshtop's ancestors (shell, tmux, its sshd), nearest first, PID 1 left out. */
	readonly selfAncestorIds: readonly ProcessId[];
	readonly listeners: ReadonlyArray<Pick<Listener, 'id' | 'pid' | 'command' | 'ports'>>;
	/** The session sshtop runs in, when it runs in one. */
	readonly ownSession: OwnSession | undefined;
	/** The sessions sshtop's own session is nested in (an ssh hop back into this box), nearest first. */
	readonly outerHops?: readonly OwnSession[];
};

export type OwnSession = {
	readonly id: ProcessId;
	readonly peer: Session['peer'];
	/** The connection's sshd processes (monitor and user side): signalling them disconnects. */
	readonly sshdIds: readonly ProcessId[];
	/** 0 for the session sshtop runs in, 1 for the one it was opened from, and so on. */
	readonly hop?: number;
	/** Processes of this session that carry the next hop in (its ssh client): signalling them disconnects too. */
	readonly clientIds?: readonly ProcessId[];
};

export type RefusalReason =
	| 'invalid-pid'
	| 'init'
	| 'kernel-thread'
	| 'self'
	| 'duplicate'
	| 'zombie'
	| 'invalid-signal'
	| 'unconfirmed'
	| 'system-error';

export type ConfirmationKind = 'own-session' | 'own-ancestor' | 'listener';

export type Assessment =
	| {readonly kind: 'allowed'; readonly target: ActionTarget}
	| {readonly kind: 'refused'; readonly target: ActionTarget; readonly reason: RefusalReason; readonly message: string}
	| {
			readonly kind: 'needs-confirmation';
			readonly target: ActionTarget;
			readonly confirmation: ConfirmationKind;
			readonly message: string;
	  };

/** The operator's yes to one needs-confirmation assessment: bound to the target and the reason. */
export type Confirmation = {
	readonly targetId: ProcessId;
	readonly kind: ConfirmationKind;
};

const initPid = 1;
// Kthreadd: every kernel thread is its child, and it has no user-space process to signal.
const kernelThreadDaemonPid = 2;

// Pid_t is a 32-bit int; Node's process.kill throws above it.
const largestPid = 0x7f_ff_ff_ff;

/** A pid process.kill may be given: a positive integer. 0 and negatives address whole groups. */
export function isSignallablePid(pid: number): boolean {
	return Number.isInteger(pid) && pid > 0 && pid <= largestPid;
}

export function isKernelThreadTarget(target: Pick<ActionTarget, 'pid' | 'ppid' | 'isKernelThread'>): boolean {
	return target.isKernelThread || target.pid === kernelThreadDaemonPid || target.ppid === kernelThreadDaemonPid;
}

type SignalEffect = 'continue' | 'stop' | 'harmless-by-default' | 'end';

// Default dispositions from signal(7); a process may catch most of them, so this is what
// to warn about, not a promise.
function effectOf(signal: Signal): SignalEffect {
	switch (signal.name) {
		case 'SIGCONT': {
			return 'continue';
		}

		case 'SIGSTOP':
		case 'SIGTSTP':
		case 'SIGTTIN':
		case 'SIGTTOU': {
			return 'stop';
		}

		case 'SIGCHLD':
		case 'SIGURG':
		case 'SIGWINCH': {
			return 'harmless-by-default';
		}

		default: {
			return 'end';
		}
	}
}

function ownSessionMessage(own: OwnSession, signal: Signal): string {
	const from = formatPeer(own.peer);
	const yours = from === undefined ? 'This is YOUR session' : `This is YOUR session (from ${from})`;
	switch (effectOf(signal)) {
		case 'stop': {
			return `${yours}: ${signal.name} freezes your terminal until someone sends SIGCONT from another session.`;
		}

		case 'harmless-by-default': {
			return `${yours}: ${signal.name} to its sshd may disconnect you.`;
		}

		default: {
			return `${yours}: you will be disconnected, and sshtop ends with it.`;
		}
	}
}

function outerHopMessage(hop: OwnSession, signal: Signal, isClient: boolean): string {
	const from = formatPeer(hop.peer);
	const which = `the session YOUR session was opened from (${hop.hop === 1 ? 'one hop out' : `${hop.hop ?? '?'} hops out`}${from === undefined ? '' : `, from ${from}`})`;
	const what = isClient ? `This ssh client carries YOUR session: it runs in ${which}` : `This is ${which}`;
	if (effectOf(signal) === 'stop') {
		return `${what}: ${signal.name} freezes your terminal until someone sends SIGCONT from another session.`;
	}

	return `${what}: ending it disconnects you, and sshtop ends with it.`;
}

function ancestorMessage(target: ActionTarget, signal: Signal): string {
	const where = `sshtop runs under ${describeTarget(target)}`;
	if (effectOf(signal) === 'stop') {
		return `${where}: ${signal.name} may freeze your terminal until it gets SIGCONT.`;
	}

	return `${where}: ${signal.name} to it may end sshtop and close your terminal.`;
}

function listenerMessage(listener: GuardContext['listeners'][number], signal: Signal): string {
	const ports = listener.ports.length === 0 ? '' : `, port ${listener.ports.join(', ')}`;
	const what = `This is the SSH listener (pid ${listener.pid}${ports})`;
	if (signal.number === SIGHUP.number) {
		return `${what}: SIGHUP makes sshd re-read its configuration and restart; if the configuration is broken, new logins are refused. Existing sessions stay.`;
	}

	switch (effectOf(signal)) {
		case 'stop': {
			return `${what}: while it is stopped new logins hang; existing sessions stay.`;
		}

		case 'harmless-by-default': {
			return `${what}: ${signal.name} may stop it, refusing new logins; existing sessions stay.`;
		}

		default: {
			return `${what}: stopping the listener refuses new logins; existing sessions stay.`;
		}
	}
}

function assessOne(target: ActionTarget, signal: Signal, context: GuardContext): Assessment {
	if (!isSignallablePid(target.pid)) {
		return {
			kind: 'refused',
			target,
			reason: 'invalid-pid',
			message: `Refused: ${String(target.pid)} is not a process id (pids are whole numbers above 0).`,
		};
	}

	if (target.pid === initPid) {
		return {
			kind: 'refused',
			target,
			reason: 'init',
			message: 'Refused: PID 1 is the init process; signalling it can bring down the whole machine.',
		};
	}

	if (isKernelThreadTarget(target)) {
		return {
			kind: 'refused',
			target,
			reason: 'kernel-thread',
			message: `Refused: ${describeTarget(target)} is a kernel thread, not a program that signals can end.`,
		};
	}

	// Explained before anything is asked: no signal reaches a process that has already exited.
	if (target.state === 'Z') {
		return {
			kind: 'refused',
			target,
			reason: 'zombie',
			message: `${describeTarget(target)} is a zombie: it has exited, and no signal can reach it. Its parent ${target.ppid} has not reaped it: act on the parent (SIGCHLD asks it to reap; if the parent ends, PID 1 reaps it).`,
		};
	}

	if (target.pid === context.selfPid) {
		return {
			kind: 'refused',
			target,
			reason: 'self',
			message: `Refused: ${target.pid} is sshtop itself; quit with q instead.`,
		};
	}

	// Continuing a process cannot disconnect anyone or stop the listener.
	if (signal.number === SIGCONT.number) {
		return {kind: 'allowed', target};
	}

	const id = targetId(target);
	const own = context.ownSession;
	if (own?.sshdIds.includes(id)) {
		return {kind: 'needs-confirmation', target, confirmation: 'own-session', message: ownSessionMessage(own, signal)};
	}

	for (const hop of context.outerHops ?? []) {
		if (hop.sshdIds.includes(id) || (hop.clientIds ?? []).includes(id)) {
			return {
				kind: 'needs-confirmation',
				target,
				confirmation: 'own-session',
				message: outerHopMessage(hop, signal, !hop.sshdIds.includes(id)),
			};
		}
	}

	// Before the ancestor check: the listener is an ancestor of every session, yet ending it
	// leaves them (and so sshtop) running, which is what the operator needs to hear.
	const listener = context.listeners.find(candidate => candidate.id === id);
	if (listener !== undefined) {
		return {kind: 'needs-confirmation', target, confirmation: 'listener', message: listenerMessage(listener, signal)};
	}

	if (context.selfAncestorIds.includes(id)) {
		return {kind: 'needs-confirmation', target, confirmation: 'own-ancestor', message: ancestorMessage(target, signal)};
	}

	return {kind: 'allowed', target};
}

/**
 * Judges every target of an action before anything is sent: one assessment per target, in
 * order. Pure: the UI shows the refusals and asks for the confirmations, reap filters with
 * it, and the executor runs it again right before signalling.
 */
export function assessTargets(targets: readonly ActionTarget[], signal: Signal, context: GuardContext): Assessment[] {
	const seen = new Set<ProcessId>();
	return targets.map(target => {
		const id = targetId(target);
		if (seen.has(id)) {
			return {
				kind: 'refused',
				target,
				reason: 'duplicate',
				message: `Skipped: ${describeTarget(target)} is already in this action.`,
			};
		}

		seen.add(id);
		return assessOne(target, signal, context);
	});
}

/** The confirmations to pass to the executor once the operator said yes to every question. */
export function confirmationsFor(assessments: readonly Assessment[]): Confirmation[] {
	return assessments.flatMap(assessment =>
		assessment.kind === 'needs-confirmation'
			? [{targetId: targetId(assessment.target), kind: assessment.confirmation}]
			: [],
	);
}

/** Nearest first; stops at PID 1 or at a parent that is not in the list. */
export function ancestorIds(pid: number, processes: readonly ProcessRecord[]): ProcessId[] {
	const byPid = new Map(processes.map(process => [process.pid, process]));
	const ancestors: ProcessId[] = [];
	const visited = new Set<number>([pid]);
	let parentPid = byPid.get(pid)?.ppid;
	while (parentPid !== undefined && parentPid > initPid && !visited.has(parentPid)) {
		visited.add(parentPid);
		const parent = byPid.get(parentPid);
		if (parent === undefined) {
			break;
		}

		ancestors.push(processId(parent));
		parentPid = parent.ppid;
	}

	return ancestors;
}

export function ownSessionOf(session: Session, hop = 0, inner?: Session): OwnSession {
	const sshdIds: ProcessId[] = [session.id];
	if (session.userSidePid !== undefined) {
		const userSide = findInTree(session.tree, session.userSidePid);
		if (userSide !== undefined) {
			sshdIds.push(processId(userSide));
		}
	}

	const client = inner?.nestedClientPid === undefined ? undefined : findInTree(session.tree, inner.nestedClientPid);
	return {id: session.id, peer: session.peer, sshdIds, hop, clientIds: client === undefined ? [] : [processId(client)]};
}

/** The sessions the own session is nested in, nearest first, each with the client that carries the next hop in. */
export function outerHopsOf(sessions: readonly Session[], ownSessionId: ProcessId | undefined): OwnSession[] {
	const byId = new Map(sessions.map(session => [session.id, session]));
	const hops: OwnSession[] = [];
	const seen = new Set<ProcessId>();
	let inner = ownSessionId === undefined ? undefined : byId.get(ownSessionId);
	while (inner?.nestedIn !== undefined && !seen.has(inner.nestedIn)) {
		seen.add(inner.nestedIn);
		const outer = byId.get(inner.nestedIn);
		if (outer === undefined) {
			break;
		}

		hops.push(ownSessionOf(outer, hops.length + 1, inner));
		inner = outer;
	}

	return hops;
}

/** Builds the guard's view from one snapshot's processes and model. */
export function guardContextFrom(options: {
	readonly selfPid: number;
	readonly processes: readonly ProcessRecord[];
	readonly listeners: readonly Listener[];
	readonly sessions: readonly Session[];
	readonly ownSessionId: ProcessId | undefined;
}): GuardContext {
	const own = options.sessions.find(session => session.id === options.ownSessionId);
	return {
		selfPid: options.selfPid,
		selfAncestorIds: ancestorIds(options.selfPid, options.processes),
		listeners: options.listeners,
		ownSession: own === undefined ? undefined : ownSessionOf(own),
		outerHops: outerHopsOf(options.sessions, options.ownSessionId),
	};
}
