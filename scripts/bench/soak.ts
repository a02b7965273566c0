// A long run of one program in a pane: VmRSS and CPU ticks every 30 s, and the report of them
// (RSS at start, at 5 min, at the end and the max, the least-squares slope after the warm-up,
// and the mean CPU), shared by the crowd and busy benchmarks.
import {setTimeout as delay} from 'node:timers/promises';
import {cpuTicks, formatFigure as format, isAlive, lastLine, rssMegabytes, type Pane} from './pane.js';

export type SoakSample = {readonly seconds: number; readonly rssMegabytes: number; readonly ticks: number};

export type Soak = {
	readonly samples: readonly SoakSample[];
	/** Why the soak ended early, when it did; empty otherwise. */
	readonly ended: string;
};

export const soakIntervalSeconds = 30;

/** Least-squares slope of y over x; NaN with fewer than two distinct x. */
function slope(points: ReadonlyArray<readonly [number, number]>): number {
	const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
	const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
	const spread = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
	return spread > 0 ? points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0) / spread : Number.NaN;
}

/** Starts a pane and samples it every 30 s for `minutes`. */
export async function soakPane(start: () => Promise<Pane>, minutes: number): Promise<Soak> {
	const pane = await start();
	const samples: SoakSample[] = [];
	let ended = '';
	try {
		if (pane.failure !== undefined) return {samples, ended: ` Not run: ${pane.failure}.`};
		const startedAt = performance.now();
		for (let index = 0; index * soakIntervalSeconds <= minutes * 60; index++) {
			await delay(startedAt + index * soakIntervalSeconds * 1000 - performance.now());
			if (!isAlive(pane.pid)) {
				ended = ` It had exited by ${index * soakIntervalSeconds} s, last line "${lastLine(pane.output).slice(0, 120)}".`;
				break;
			}

			samples.push({
				seconds: index * soakIntervalSeconds,
				rssMegabytes: rssMegabytes(pane.pid),
				ticks: cpuTicks(pane.pid),
			});
			console.error(`  soak ${samples.at(-1)!.seconds} s: ${samples.at(-1)!.rssMegabytes.toFixed(1)} MB`);
		}
	} finally {
		await pane.stop();
	}

	return {samples, ended};
}

/** The soak's paragraph and table; `what` says what ran where. */
export function soakLines({samples, ended}: Soak, minutes: number, what: string): string[] {
	const first = samples[0];
	const last = samples.at(-1);
	const warmUpSeconds = minutes >= 4 ? 120 : minutes * 30;
	const steady = samples.filter(sample => sample.seconds >= warmUpSeconds);
	const slopePerHour = slope(steady.map(sample => [sample.seconds / 3600, sample.rssMegabytes] as const));
	const cpuPercent = (from: SoakSample | undefined, to: SoakSample | undefined) =>
		from === undefined || to === undefined || to.seconds === from.seconds
			? Number.NaN
			: ((to.ticks - from.ticks) / ((to.seconds - from.seconds) * 100)) * 100;
	return [
		`Soak: ${what}; VmRSS and CPU ticks every ${soakIntervalSeconds} s from the first frame (${samples.length} samples), slope and steady CPU over the samples from ${warmUpSeconds / 60} min on` +
			`${minutes * 60 - warmUpSeconds < 600 ? " (less than 10 min of them: the slope is mostly the garbage collector's sawtooth)" : ''}.${ended}`,
		'',
		'| RSS at start MB | RSS at 5 min MB | RSS at end MB | RSS max MB | RSS slope MB/hour | CPU % of a core (whole soak; steady) |',
		'|---:|---:|---:|---:|---:|---:|',
		`| ${format(first?.rssMegabytes, 1)} | ${format(samples.find(sample => sample.seconds === 300)?.rssMegabytes, 1)} | ${format(last?.rssMegabytes, 1)} ` +
			`| ${format(Math.max(...samples.map(sample => sample.rssMegabytes)), 1)} | ${format(slopePerHour, 1)} ` +
			`| ${format(cpuPercent(first, last), 2)}; ${format(cpuPercent(steady[0], last), 2)} |`,
	];
}
