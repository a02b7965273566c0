import type {Endpoint, ProcessRecord} from '../../proc/types.js';
import {sanitizeText} from '../view/sanitize.js';
import {processId, type ProcessId} from '../types.js';

/** What the operator chose, as the audit log names it. */
export type ActionName =
	| 'end-session'
	| 'hang-up'
	| 'kill-session'
	| 'signal-session'
	| 'signal'
	| 'signal-tree'
	| 'end-survivors'
	| 'kill-survivors'
	| 'reap'
	| 'reap-leftovers';

/**
 * What an action aims at. The pid and start ticks are the identity: everything else is
 * what the operator saw when choosing it, kept for the guard, the sentences and the audit.
 */
export type ActionTarget = {
	readonly pid: number;
	readonly startTicks: number;
	readonly ppid: number;
	readonly isKernelThread: boolean;
	/** State from the snapshot the target was picked in; the executor re-reads it. */
	readonly state: string;
	readonly uid: number | undefined;
	readonly user: string;
	readonly tty: string | undefined;
	/** Command line as shown (argv joined), or `[comm]` when argv is empty. */
	readonly command: string;
	/** Remote end of the SSH connection the process belongs to, when it belongs to one. */
	readonly peer: Endpoint | undefined;
	/** Its signal masks as last read (signal-fate.ts): what it ignores, what it catches, whether it is a namespace's init. */
	readonly ignoredSignals?: string;
	readonly caughtSignals?: string;
	readonly isNamespaceInit?: boolean;
};

export function commandOf(process: Pick<ProcessRecord, 'argv' | 'comm'>): string {
	const joined = process.argv.join(' ').trim();
	return joined === '' ? `[${process.comm}]` : joined;
}

export function targetFromProcess(process: ProcessRecord, peer?: Endpoint): ActionTarget {
	return {
		pid: process.pid,
		startTicks: process.startTicks,
		ppid: process.ppid,
		isKernelThread: process.isKernelThread,
		state: process.state,
		uid: process.uid,
		user: process.user,
		tty: process.tty,
		command: commandOf(process),
		peer,
		...(process.ignoredSignals === undefined ? {} : {ignoredSignals: process.ignoredSignals}),
		...(process.caughtSignals === undefined ? {} : {caughtSignals: process.caughtSignals}),
		...(process.isNamespaceInit === true ? {isNamespaceInit: true} : {}),
	};
}

export function targetId(target: Pick<ActionTarget, 'pid' | 'startTicks'>): ProcessId {
	return processId(target);
}

/**
 * Short label for sentences: `4123 (sleep 30)`. The command is made terminal-safe (a process
 * chooses its own argv, newlines and escape sequences included) and cut, so the sentence stays
 * one line.
 */
export function describeTarget(target: Pick<ActionTarget, 'pid' | 'command'>): string {
	const limit = 40;
	const characters = [...sanitizeText(target.command)];
	const command = characters.length > limit ? `${characters.slice(0, limit - 1).join('')}…` : characters.join('');
	return command === '' ? String(target.pid) : `${target.pid} (${command})`;
}

export function formatPeer(peer: Endpoint | undefined): string | undefined {
	if (peer === undefined) {
		return undefined;
	}

	return peer.address.includes(':') ? `[${peer.address}]:${peer.port}` : `${peer.address}:${peer.port}`;
}
