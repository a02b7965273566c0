const secondsPerUnit: ReadonlyMap<string, number> = new Map([
	['s', 1],
	['m', 60],
	['h', 60 * 60],
	['d', 24 * 60 * 60],
]);

const unitPattern = /(\d+(?:\.\d+)?)([smhd])/guy;

/**
Reads a duration written the way people type it in a filter: `90` (seconds), `30s`, `10m`, `1.5h`, `2d`, or a sum such as `1h30m`.

@returns Seconds, or `undefined` when the text is not a duration.
*/
export function parseDuration(text: string): number | undefined {
	const trimmed = text.trim().toLowerCase();
	if (/^\d+(?:\.\d+)?$/u.test(trimmed)) {
		return Number(trimmed);
	}

	if (trimmed === '') {
		return undefined;
	}

	let seconds = 0;
	let consumed = 0;
	for (const match of trimmed.matchAll(unitPattern)) {
		const [whole, amount, unit] = match;
		seconds += Number(amount) * (secondsPerUnit.get(unit ?? '') ?? Number.NaN);
		consumed += whole.length;
	}

	// A sticky pattern stops at the first character it cannot read, so anything left over is garbage.
	return consumed === trimmed.length ? seconds : undefined;
}
