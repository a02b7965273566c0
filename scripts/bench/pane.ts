// A program in a 200×50 tmux pane, held at a FIFO until the clock starts, and what the bench reads
// of it: its first frame, its CPU ticks, RSS and terminal output, and its keypress latency.
import {Buffer} from 'node:buffer';
import {execFileSync} from 'node:child_process';
import {
	closeSync,
	constants,
	mkdtempSync,
	openSync,
	readFileSync,
	readSync,
	rmSync,
	statSync,
	writeSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {execa} from 'execa';
import {readStatFields} from '../../test/e2e/harness/processes.js';
import {startTmux} from '../../test/e2e/harness/tmux.js';
import {testRunDirectory} from '../../test/e2e/harness/sshtop.js';

export const median = (values: readonly number[]): number => {
	const sorted = values.toSorted((a, b) => a - b);
	return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!;
};

/** A figure with `digits` decimals, or – when it is missing. */
export const formatFigure = (value: number | undefined, digits = 0) =>
	value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);

/** ` (0.25×)`: a figure against its base, or nothing when either is missing. */
export const ratioText = (value: number | undefined, base: number | undefined) =>
	value === undefined || base === undefined || !(base > 0) || Number.isNaN(value)
		? ''
		: ` (${(value / base).toFixed(value / base < 0.1 ? 3 : 2)}×)`;

export function cpuTicks(pid: number): number {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	// Utime, stime, cutime, cstime: fields 14-17, here 11-14 after comm.
	return [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
}

export function rssMegabytes(pid: number): number {
	const kilobytes = Number(/^VmRSS:\s+(\d+)/mu.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
	return kilobytes / 1024;
}

export function sizeOf(file: string): number {
	try {
		return statSync(file).size;
	} catch {
		return 0;
	}
}

export type Pane = {
	readonly pid: number;
	readonly output: string;
	/** NaN when the ready text never came; `failure` then says what the pane showed. */
	readonly firstFrameMs: number;
	readonly failure: string | undefined;
	readonly sendKeys: (...keys: string[]) => Promise<void>;
	readonly stop: () => Promise<void>;
};

/**
 * Releases a pane waiting at `read go < FIFO`; returns the time of release. The FIFO is opened
 * without blocking, which succeeds only once the pane's shell is waiting to read it, so the clock
 * starts neither before the pane is there nor with a process spawn of ours in it.
 */
async function releasePane(fifo: string): Promise<number> {
	for (const deadline = performance.now() + 30_000; ;) {
		const start = performance.now();
		let fd: number;
		try {
			fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
		} catch (error) {
			if (!(error instanceof Error && 'code' in error && error.code === 'ENXIO') || performance.now() > deadline) {
				throw error;
			}

			await delay(1);
			continue;
		}

		try {
			writeSync(fd, 'go\n');
		} finally {
			closeSync(fd);
		}

		return start;
	}
}

/** Neither gone nor a zombie (tmux does not always reap a pane's exited process at once). */
export function isAlive(pid: number): boolean {
	const state = readStatFields(pid)?.state;
	return state !== undefined && state !== 'Z' && state !== 'X';
}

/** Long enough to hold any ready pattern that a read happened to cut in two. */
const patternOverlap = 256;

/**
 * Polls the pane's output file until `ready` matches; returns the time since `start`, or NaN
 * after 30 s or once the pane's process `pid` has exited. Each poll reads only what was appended
 * since the last one, plus the end of the last read.
 */
async function waitForReady(output: string, ready: RegExp, start: number, pid: number): Promise<number> {
	const buffer = Buffer.alloc(1 << 16);
	let fd: number | undefined;
	let offset = 0;
	let tail = '';
	let hasExited = false;
	try {
		for (let poll = 1, deadline = start + 30_000; performance.now() < deadline; poll++) {
			try {
				fd ??= openSync(output, 'r');
			} catch {
				// pipe-pane's cat has not created the file yet.
			}

			for (let bytesRead = fd === undefined ? 0 : 1; bytesRead > 0;) {
				bytesRead = readSync(fd!, buffer, 0, buffer.length, offset);
				offset += bytesRead;
				const text = tail + buffer.toString('latin1', 0, bytesRead);
				if (ready.test(text)) {
					return performance.now() - start;
				}

				tail = text.slice(-patternOverlap);
			}

			// Exited before this last read: the text will not come.
			if (hasExited) {
				break;
			}

			hasExited = poll % 50 === 0 && !isAlive(pid);
			if (!hasExited) {
				await delay(2);
			}
		}

		return Number.NaN;
	} finally {
		if (fd !== undefined) {
			closeSync(fd);
		}
	}
}

/** The pane's last line of text, escapes and control characters removed. */
export function lastLine(output: string): string {
	let text: string;
	try {
		text = readFileSync(output, 'utf8');
	} catch {
		return '';
	}

	// Escape sequences and control characters are what this takes out.
	const lines = text
		// eslint-disable-next-line no-control-regex
		.replaceAll(/\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007]*\u0007|[()][\dAB]|.)/gu, '\n')
		// eslint-disable-next-line no-control-regex
		.replaceAll(/[\u0000-\u0008\u000B-\u001F]/gu, '\n')
		.split('\n');
	return lines.map(line => line.trim()).findLast(line => line !== '') ?? '';
}

/** Starts `script` in a 200×50 tmux pane, held at a FIFO until the clock starts. */
export async function startPane(script: string, ready: RegExp): Promise<Pane> {
	const directory = mkdtempSync(path.join(tmpdir(), 'sshtop-bench-'));
	const fifo = path.join(directory, 'go');
	const output = path.join(directory, 'output');
	execFileSync('mkfifo', [fifo]);
	const tmux = await startTmux({
		command: `read go < ${fifo}; ${script}`,
		columns: 200,
		rows: 50,
		term: 'xterm-256color',
	});
	const stop = async () => {
		await tmux.stop();
		rmSync(directory, {recursive: true, force: true});
	};

	try {
		// The harness's tmux keeps its socket under the run directory (TMUX_TMPDIR).
		await execa('tmux', ['-L', tmux.socketName, 'pipe-pane', '-t', 'main', `cat >> ${output}`], {
			env: {TMUX_TMPDIR: testRunDirectory()},
		});
		const start = await releasePane(fifo);
		const firstFrameMs = await waitForReady(output, ready, start, tmux.panePid);
		const failure = Number.isNaN(firstFrameMs)
			? `${isAlive(tmux.panePid) ? 'no first frame in 30 s' : 'exited before its first frame'}, last line "${lastLine(output).slice(0, 120)}"`
			: undefined;
		return {pid: tmux.panePid, output, firstFrameMs, failure, sendKeys: tmux.sendKeys, stop};
	} catch (error) {
		await stop();
		throw error;
	}
}

/** Sends keys one at a time and times each to the end of the frame it causes. */
export async function keypressLatency(pane: Pane, keys: readonly [string, string], keyCount: number): Promise<number> {
	const latencies: number[] = [];
	for (let index = 0; index < keyCount; index++) {
		await delay(300);
		const before = sizeOf(pane.output);
		const start = performance.now();
		await pane.sendKeys(keys[index % 2]!);
		let last = before;
		let lastChangeAt: number | undefined;
		for (const deadline = start + 2000; performance.now() < deadline;) {
			const size = sizeOf(pane.output);
			if (size !== last) {
				last = size;
				lastChangeAt = performance.now();
			} else if (lastChangeAt !== undefined && performance.now() - lastChangeAt > 40) {
				break;
			}

			await delay(1);
		}

		if (lastChangeAt !== undefined) {
			latencies.push(lastChangeAt - start);
		}
	}

	return median(latencies);
}
