// What actions did: one history entry per signal and target (and per connection check), the
// status line of the last action, and the header's notes about actions.
import {
	summarizeResults,
	type ConnectionCheck,
	type ConnectionOutcome,
	type TargetResult,
	type TargetResultKind,
} from '../../model/guard/results.js';
import type {ActionsState} from './action-state.js';

export type HistoryEntry = {
	readonly at: number;
	/** What happened to one target of one signal, or what the check after a session action found. */
	readonly kind: TargetResultKind | ConnectionOutcome;
	/** The signal this entry is about; empty for a connection check. */
	readonly signal: string;
	readonly sentence: string;
	/** The process it was about (pid and start ticks), or the session a connection check was about. */
	readonly about?: {readonly pid: number; readonly startTicks: number} | {readonly sessionId: string};
};

export const historyLimit = 100;

/** One line: each signal's results (`SIGTERM: 3 sent; SIGKILL: 1 sent`), then what the connection checks found. */
export function statusOf(results: readonly TargetResult[], checks: readonly ConnectionCheck[]): string {
	const [only] = results;
	let text: string;
	if (results.length === 1 && only !== undefined) {
		text = only.sentence;
	} else {
		const bySignal = new Map<string, TargetResult[]>();
		for (const result of results) {
			bySignal.set(result.signal.name, [...(bySignal.get(result.signal.name) ?? []), result]);
		}

		const problem = results.find(result => result.kind !== 'sent');
		text =
			[...bySignal].map(([name, each]) => `${name}: ${summarizeResults(each)}`).join('; ') +
			(problem === undefined ? '' : `. ${problem.sentence}`);
	}

	const stillConnected = checks.filter(check => check.outcome === 'still-connected');
	if (stillConnected.length > 0) {
		return `${text} Still connected: ${stillConnected.map(check => check.sentence).join(' ')}`;
	}

	return checks.length === 0
		? text
		: `${text} ${checks.length === 1 ? checks[0]!.sentence : `All ${checks.length} connections are closed.`}`;
}

export function record(actions: ActionsState, entries: readonly HistoryEntry[]): ActionsState['history'] {
	return [...actions.history, ...entries].slice(-historyLimit);
}

/** Header lines about actions: read-only mode, an audit log that could not be written. */
export function actionHeaderLines(
	actions: Pick<ActionsState, 'isReadOnly' | 'readOnlyReason' | 'auditWarning'>,
): string[] {
	return [
		...(actions.isReadOnly
			? [
					actions.readOnlyReason === undefined
						? 'READ-ONLY: every action is disabled.'
						: `READ-ONLY: every action is disabled (${actions.readOnlyReason}).`,
				]
			: []),
		...(actions.auditWarning === undefined ? [] : [`Warning: ${actions.auditWarning}`]),
	];
}
