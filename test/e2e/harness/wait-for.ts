// Polling with a deadline: the only way an end-to-end test may wait for the world to change.
import {setTimeout as delay} from 'node:timers/promises';

export type WaitOptions = {
	readonly timeoutMs?: number;
	readonly intervalMs?: number;
	/** Said in the timeout error, so a failure names what never happened. */
	readonly description?: string;
};

/**
 * Calls `probe` until it returns something other than `undefined`, `false` or `null`, and
 * returns that. A probe that throws counts as "not yet"; the last error or value is kept for
 * the timeout message, because "timed out" alone never explains a flaky test.
 */
export async function waitFor<T>(
	probe: () => T | undefined | false | null | Promise<T | undefined | false | null>,
	options: WaitOptions = {},
): Promise<T> {
	const {timeoutMs = 10_000, intervalMs = 50, description = 'condition'} = options;
	const deadline = Date.now() + timeoutMs;
	let lastProblem: unknown;
	for (;;) {
		try {
			const value = await probe();
			if (value !== undefined && value !== false && value !== null) {
				return value;
			}

			lastProblem = value;
		} catch (error: unknown) {
			lastProblem = error;
		}

		if (Date.now() >= deadline) {
			const detail = lastProblem instanceof Error ? lastProblem.message : String(lastProblem);
			throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description} (last: ${detail})`);
		}

		await delay(intervalMs);
	}
}

/** Like `waitFor` for a yes/no question. */
export async function waitUntil(predicate: () => boolean | Promise<boolean>, options: WaitOptions = {}): Promise<void> {
	await waitFor(async () => (await predicate()) || undefined, options);
}
