// What the kernel will do with a signal sent to a process, from its status masks: pure.
import {type Signal, SIGKILL, SIGSTOP} from './signal-catalogue.js';

export type SignalDispositions = {
	/** SigIgn and SigCgt of /proc/PID/status, as hex masks. */
	readonly ignoredSignals?: string | undefined;
	readonly caughtSignals?: string | undefined;
	readonly isNamespaceInit?: boolean | undefined;
};

/**
- `delivered`: the process acts on it (its handler, or the default action);
- `ignored`: the process set it to SIG_IGN: the kernel drops it;
- `discarded`: the process is PID 1 of a PID namespace below ours and has no handler for it:
  the kernel drops it (only SIGKILL and SIGSTOP always reach it);
- `unknown`: its masks could not be read.
*/
export type SignalFate = 'delivered' | 'ignored' | 'discarded' | 'unknown';

function hasBit(mask: string, signal: Signal): boolean {
	try {
		return ((BigInt(`0x${mask}`) >> BigInt(signal.number - 1)) & 1n) === 1n;
	} catch {
		return false;
	}
}

export function signalFate(process: SignalDispositions, signal: Signal): SignalFate {
	// Neither can be caught, blocked or ignored, and both reach a namespace's init from outside it.
	if (signal.number === SIGKILL.number || signal.number === SIGSTOP.number) {
		return 'delivered';
	}

	if (process.ignoredSignals === undefined || process.caughtSignals === undefined) {
		return 'unknown';
	}

	if (hasBit(process.ignoredSignals, signal)) {
		return 'ignored';
	}

	if (process.isNamespaceInit === true && !hasBit(process.caughtSignals, signal)) {
		return 'discarded';
	}

	return 'delivered';
}

/** One sentence for a signal that will not act, with what would work instead. */
export function fateSentence(fate: 'ignored' | 'discarded', signal: Signal): string {
	return fate === 'ignored'
		? `it ignores ${signal.name} (SIG_IGN), so nothing happens; SIGKILL would end it`
		: `it is the init of its own PID namespace and has no handler for ${signal.name}, so the kernel discards it; SIGKILL would end it and its namespace`;
}
