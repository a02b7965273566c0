// `sshtop metrics`: one scan, printed as Prometheus metrics, or written atomically to a file
// (node_exporter's textfile collector reads whatever is in its directory at each scrape: a
// half-written file would be a scrape error).
import process from 'node:process';
import {closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync} from 'node:fs';
import path from 'node:path';
import {renderMetrics} from '../model/metrics/exposition.js';
import type {SessionReport} from '../model/types.js';
import {metricsHelpText, parseMetricsArgs} from '../metrics/metrics-options.js';
import {loadReportOnce} from './report-source.js';
import {type CommandIo, processIo} from './command-io.js';

/** Writes next to the file, then renames over it: a reader sees the old file or the new, whole. */
export function writeAtomically(file: string, content: string): void {
	const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
	try {
		const descriptor = openSync(temporary, 'wx', 0o644);
		try {
			writeSync(descriptor, content);
			fsyncSync(descriptor);
		} finally {
			closeSync(descriptor);
		}

		renameSync(temporary, file);
	} catch (error) {
		rmSync(temporary, {force: true});
		throw error;
	}
}

/** One scan, timed, as the exposition: what `metrics` prints and `serve` answers. `scansTotal` counts this one. */
export async function scanToExposition(
	load: () => Promise<SessionReport>,
	scansTotal: number,
	options: {readonly perSession: boolean},
): Promise<string> {
	const started = performance.now();
	const report = await load();
	return renderMetrics(report, {durationSeconds: (performance.now() - started) / 1000, scansTotal}, options);
}

/** Runs `sshtop metrics ARGS` (the words after `metrics`); returns the exit code and never throws. */
export async function runMetrics(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
	const parsed = parseMetricsArgs(argv);
	if (!parsed.ok) {
		io.stderr(`sshtop metrics: ${parsed.message} (see sshtop metrics --help)\n`);
		return 2;
	}

	const {options} = parsed;
	if (options.mode === 'help') {
		io.stdout(`${metricsHelpText()}\n`);
		return 0;
	}

	try {
		const text = await scanToExposition(loadReportOnce, 1, options);
		if (options.output === undefined) {
			io.stdout(text);
		} else {
			writeAtomically(options.output, text);
		}

		return 0;
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		io.stderr(`sshtop metrics: ${reason}\n`);
		return 1;
	}
}
