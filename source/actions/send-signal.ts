import process from 'node:process';
import {sanitizeText} from '../model/view/sanitize.js';
import {kernelThreadFlag} from '../proc/parse/parse-stat.js';
import {
	type Assessment,
	assessTargets,
	type Confirmation,
	type GuardContext,
	isSignallablePid,
	type RefusalReason,
} from '../model/guard/guard.js';
import type {SignalReport, TargetResult} from '../model/guard/results.js';
import {fateSentence, signalFate} from '../model/guard/signal-fate.js';
import type {ActionPlan} from '../model/guard/plan.js';
import {isEndingSignal, isValidSignalNumber, type Signal, SIGCONT} from '../model/guard/signal-catalogue.js';
import {type ActionName, type ActionTarget, describeTarget, formatPeer, targetId} from '../model/guard/target.js';
import {readLiveDispositions, readLiveStat} from './live-stat.js';
import {appendAuditEntry, type AuditEntry, type Operator, operatorForAudit} from './audit-log.js';
import {type SystemLog, writeSystemLog} from './system-log.js';

export type SignalRequest = {
	readonly targets: readonly ActionTarget[];
	readonly signal: Signal;
	readonly context: GuardContext;
	/** The operator's answers to needs-confirmation assessments; anything unconfirmed is refused. */
	readonly confirmations?: readonly Confirmation[];
	/** Names the action in the audit log. */
	readonly action: ActionName;
	readonly operator: Operator;
	/** Where the audit line goes: resolveAuditLogPath(flags['audit-log']). */
	readonly auditLogPath: string;
	/** Where the system log's copy goes; undefined with --no-syslog. */
	readonly systemLog?: SystemLog | undefined;
};

function refused(target: ActionTarget, signal: Signal, reason: RefusalReason, sentence: string): TargetResult {
	return {kind: 'refused', target, signal, reason, sentence};
}

function gone(target: ActionTarget, signal: Signal): TargetResult {
	return {kind: 'gone', target, signal, sentence: `${describeTarget(target)} had already exited; nothing was sent.`};
}

function errorCode(error: unknown): string {
	return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
		? error.code
		: 'unknown error';
}

/**
 * The only place sshtop calls process.kill. The checks repeat the guard's on purpose: 0
 * and negative pids signal whole process groups or every process, and Node throws on a
 * pid or signal it cannot pass to kill(2).
 */
function sendRaw(pid: number, signalNumber: number): 'sent' | string {
	if (!isSignallablePid(pid) || !isValidSignalNumber(signalNumber)) {
		return 'EINVAL';
	}

	try {
		process.kill(pid, signalNumber);
		return 'sent';
	} catch (error) {
		return errorCode(error);
	}
}

function isAllowedOrConfirmed(
	assessment: Assessment,
	signal: Signal,
	confirmations: readonly Confirmation[],
): TargetResult | undefined {
	switch (assessment.kind) {
		case 'allowed': {
			return undefined;
		}

		case 'refused': {
			return refused(assessment.target, signal, assessment.reason, assessment.message);
		}

		case 'needs-confirmation': {
			const id = targetId(assessment.target);
			const confirmed = confirmations.some(
				confirmation => confirmation.targetId === id && confirmation.kind === assessment.confirmation,
			);
			return confirmed
				? undefined
				: refused(assessment.target, signal, 'unconfirmed', `Not sent without confirmation. ${assessment.message}`);
		}
	}
}

/** How long a zombie's parent gets to reap it before the result says it did not. */
const zombieReapWaitMs = 250;

/** Whether the zombie `target` is reaped within `waitMs`: polled, without sending anything. */
function isReapedWithin(target: ActionTarget, waitMs: number): boolean {
	const pause = new Int32Array(new SharedArrayBuffer(4));
	for (const deadline = Date.now() + waitMs; Date.now() < deadline;) {
		Atomics.wait(pause, 0, 0, 10);
		const live = readLiveStat(target.pid);
		if (live.kind === 'gone' || (live.kind === 'alive' && live.stat.startTicks !== target.startTicks)) {
			return true;
		}
	}

	return false;
}

function signalOne(target: ActionTarget, signal: Signal): TargetResult {
	// From here to process.kill nothing awaits, so no other code of ours runs in between.
	// Two gaps remain. The process can exit and its pid be handed to a new process between
	// the read and the kill: the kernel would have to cycle through every free pid in those
	// microseconds. And start times count 10 ms ticks, so a pid reused within the tick its
	// old owner started in passes the check. Closing both needs pidfd_open and
	// pidfd_send_signal, which Node does not expose.
	// Always the real /proc: the identity checked must be that of the pid the signal goes to.
	const live = readLiveStat(target.pid);
	if (live.kind === 'gone') {
		return gone(target, signal);
	}

	if (live.kind === 'unreadable') {
		return refused(
			target,
			signal,
			'system-error',
			`Could not check ${describeTarget(target)} before signalling (${live.code}); nothing was sent.`,
		);
	}

	const {stat} = live;
	if (stat.startTicks !== target.startTicks) {
		return {
			kind: 'changed',
			target,
			signal,
			sentence: `Process ${target.pid} changed: the pid now belongs to another process (${sanitizeText(stat.comm)}); nothing was sent.`,
		};
	}

	// Ppid 2 is kthreadd, parent of every kernel thread.
	if ((stat.flags & kernelThreadFlag) !== 0 || stat.ppid === 2) {
		return refused(target, signal, 'kernel-thread', `Refused: ${describeTarget(target)} is a kernel thread.`);
	}

	if (stat.state === 'Z') {
		// The monitor of a session whose user side was just killed exits on its own, and its
		// parent reaps it at once: that is a process that had already exited, not a stuck zombie.
		if (isReapedWithin(target, zombieReapWaitMs)) {
			return gone(target, signal);
		}

		return {
			kind: 'zombie',
			target,
			signal,
			parentPid: stat.ppid,
			sentence: `${describeTarget(target)} is a zombie: it has exited and cannot be signalled. Its parent ${stat.ppid} has not reaped it.`,
		};
	}

	if (stat.state === 'X') {
		return gone(target, signal);
	}

	// Read before sending, while it is the process checked above: what it will do with the signal.
	const fate = signalFate(readLiveDispositions(target.pid), signal);
	const outcome = sendRaw(target.pid, signal.number);
	switch (outcome) {
		case 'sent': {
			break;
		}

		case 'ESRCH': {
			return gone(target, signal);
		}

		case 'EPERM': {
			return {
				kind: 'not-permitted',
				target,
				signal,
				sentence: `Not permitted to signal ${describeTarget(target)}, owned by ${sanitizeText(target.user)}: run sshtop as root or as that user.`,
			};
		}

		default: {
			return refused(target, signal, 'system-error', `Could not signal ${describeTarget(target)}: ${outcome}.`);
		}
	}

	if (fate === 'ignored' || fate === 'discarded') {
		return {
			kind: 'ignored',
			target,
			signal,
			fate,
			sentence: `Sent ${signal.name} to ${describeTarget(target)}, but ${fateSentence(fate, signal)}.`,
		};
	}

	// A stopped process holds TERM and friends pending until it runs again.
	const continued = stat.state === 'T' && isEndingSignal(signal) && sendRaw(target.pid, SIGCONT.number) === 'sent';
	return {
		kind: 'sent',
		target,
		signal,
		continued,
		sentence: continued
			? `Sent ${signal.name} to ${describeTarget(target)}, then SIGCONT so the stopped process acts on it.`
			: `Sent ${signal.name} to ${describeTarget(target)}.`,
	};
}

function auditEntryFor(request: SignalRequest, results: readonly TargetResult[]): AuditEntry {
	return {
		time: new Date().toISOString(),
		action: request.action,
		operator: operatorForAudit(request.operator),
		signal: {name: request.signal.name, number: request.signal.number},
		targets: results.map(result => ({
			pid: result.target.pid,
			startTicks: result.target.startTicks,
			user: result.target.user,
			tty: result.target.tty ?? null,
			peer: formatPeer(result.target.peer) ?? null,
			command: result.target.command,
			result: result.kind,
			reason: result.kind === 'refused' ? result.reason : result.kind === 'ignored' ? result.fate : null,
			sentence: result.sentence,
		})),
	};
}

/**
 * Sends one signal to a set of targets: guard, re-validate, send, report, audit. One result
 * per target; nothing throws. Synchronous, so each target's check and send are adjacent.
 */
export function executeSignal(request: SignalRequest): SignalReport {
	const {signal, targets} = request;
	const confirmations = request.confirmations ?? [];
	let results: TargetResult[];
	if (isValidSignalNumber(signal.number)) {
		results = assessTargets(targets, signal, request.context).map(
			assessment => isAllowedOrConfirmed(assessment, signal, confirmations) ?? signalOne(assessment.target, signal),
		);
	} else {
		results = targets.map(target =>
			refused(target, signal, 'invalid-signal', `Refused: ${String(signal.number)} is not a signal number (1–64).`),
		);
	}

	const entry = auditEntryFor(request, results);
	const audit = appendAuditEntry(request.auditLogPath, entry);
	const systemLog = writeSystemLog(request.systemLog, entry);
	return {signal, results, audit, ...(systemLog.ok ? {} : {systemLog})};
}

/** Sends a plan through the guarded executor; `dispatch` carries context, confirmations, operator and log. */
export function executePlan(
	plan: ActionPlan,
	dispatch: Omit<SignalRequest, 'targets' | 'signal' | 'action'>,
): SignalReport {
	return executeSignal({...dispatch, targets: plan.targets, signal: plan.signal, action: plan.action});
}
