// Parsers for the system-wide files a snapshot header needs.

/** Boot time in epoch seconds, from the `btime` line of /proc/stat. */
export function parseBootTime(procStat: string): number | undefined {
	const match = /^btime\s+(\d+)$/mu.exec(procStat);
	return match ? Number(match[1]) : undefined;
}

export function parseUptime(text: string): number | undefined {
	const seconds = Number(text.trim().split(/\s+/u)[0]);
	return Number.isFinite(seconds) ? seconds : undefined;
}

export function parseLoadAverage(text: string): [number, number, number] | undefined {
	const [one, five, fifteen] = text.trim().split(/\s+/u).map(Number);
	if (one === undefined || five === undefined || fifteen === undefined) {
		return undefined;
	}

	return [one, five, fifteen].every(value => Number.isFinite(value)) ? [one, five, fifteen] : undefined;
}

/** Processes and threads forked since boot, from the `processes` line of /proc/stat. */
export function parseForkCount(procStat: string): number | undefined {
	const match = /^processes\s+(\d+)$/mu.exec(procStat);
	return match ? Number(match[1]) : undefined;
}
