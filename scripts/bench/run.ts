// `npm run bench`: what sshtop costs on the box it watches, beside ps and the usual top-likes
// measured in the same run. Ratios are what to track; absolute times are noisy on shared machines.
//
//   npm run bench -- --crowds 0,1000,10000 --sessions 20 --cpu-seconds 60 --idle-seconds 30 --runs 5
//
// For each crowd size the bench starts that many extra sleeping processes (crowd.ts), keeps
// `--sessions` real SSH shells open to a private test sshd, and measures:
//   first frame  time from exec to the first frame with the header (sshtop: "listening on"),
//                in a 200×50 tmux pane, median of --runs; for ps, one `ps -e -o …` run
//   scan         sshtop's reader in this process: the first (cold) full scan, a warm full scan,
//                and one explorer refresh (watch scan + model), medians; beside ps's wall time
//   CPU          utime+stime (+ waited children, such as ss) over --cpu-seconds at the default interval
//   keypress     tmux send-keys to the last byte of the redrawn frame (j/k), median of --keys
//   idle bytes   bytes the program writes to its terminal in --idle-seconds without keys
//   RSS          VmRSS at the end of the CPU window
// Every process the bench starts is ended by pid (crowd.ts, the harness's tmux and sshd).
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {cpus, tmpdir, totalmem, release} from 'node:os';
import path from 'node:path';
import {parseArgs} from 'node:util';
import {setTimeout as delay} from 'node:timers/promises';
import {execa} from 'execa';
import {connectShell, type SshClient} from '../../test/e2e/harness/clients.js';
import {startTestSshd, type TestSshd} from '../../test/e2e/harness/sshd.js';
import {cliPath} from '../../test/e2e/harness/sshtop.js';
import {startTmux} from '../../test/e2e/harness/tmux.js';
import {createProcessScanner} from '../../source/proc/process-scanner.js';
import {createReportLoader} from '../../source/report-loader.js';
import {startCrowd, type Crowd} from './crowd.js';

const {values: flags} = parseArgs({
	options: {
		crowds: {type: 'string', default: '0,1000,10000'},
		sessions: {type: 'string', default: '20'},
		'cpu-seconds': {type: 'string', default: '60'},
		'idle-seconds': {type: 'string', default: '30'},
		runs: {type: 'string', default: '5'},
		keys: {type: 'string', default: '20'},
		tools: {type: 'string', default: 'sshtop,htop,top,whowatch'},
	},
});
const crowdSizes = flags.crowds.split(',').map(Number);
const sessionCount = Number(flags.sessions);
const cpuSeconds = Number(flags['cpu-seconds']);
const idleSeconds = Math.min(Number(flags['idle-seconds']), cpuSeconds);
const runs = Number(flags.runs);
const keyCount = Number(flags.keys);

type Tool = {
	readonly name: string;
	readonly command: string;
	/** The first frame is there once the terminal output matches this. */
	readonly ready: RegExp;
	/** Two keys that move a selection down and up; undefined when the tool has none. */
	readonly keys: readonly [string, string] | undefined;
};

function installed(program: string): boolean {
	try {
		execFileSync('sh', ['-c', `command -v ${program}`], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
}

const allTools: readonly Tool[] = [
	{name: 'sshtop', command: `node ${cliPath}`, ready: /listening on|no sshd listener/, keys: ['j', 'k']},
	{name: 'htop', command: 'htop', ready: /Load average/, keys: ['Down', 'Up']},
	{name: 'top', command: 'top', ready: /load average/, keys: undefined},
	{name: 'whowatch', command: 'whowatch', ready: /users|USER/, keys: ['Down', 'Up']},
];
const tools = allTools.filter(tool => flags.tools.split(',').includes(tool.name) && (tool.name === 'sshtop' || installed(tool.command)));

const median = (values: readonly number[]): number => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!;
};

function timeMs(work: () => void): number {
	const start = performance.now();
	work();
	return performance.now() - start;
}

function cpuTicks(pid: number): number {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	// utime, stime, cutime, cstime: fields 14-17, here 11-14 after comm.
	return [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
}

function rssMegabytes(pid: number): number {
	const kilobytes = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
	return kilobytes / 1024;
}

function sizeOf(file: string): number {
	try {
		return statSync(file).size;
	} catch {
		return 0;
	}
}

type Measured = {
	firstFrameMs?: number;
	scanMs?: number;
	coldScanMs?: number;
	warmScanMs?: number;
	cpuPercent?: number;
	keypressMs?: number;
	idleBytes?: number;
	rssMegabytes?: number;
};

type Pane = {
	readonly pid: number;
	readonly output: string;
	readonly firstFrameMs: number;
	readonly sendKeys: (...keys: string[]) => Promise<void>;
	readonly stop: () => Promise<void>;
};

/** Starts a tool in a 200×50 tmux pane, held at a FIFO until the clock starts. */
async function startPane(tool: Tool): Promise<Pane> {
	const directory = mkdtempSync(path.join(tmpdir(), 'sshtop-bench-'));
	const fifo = path.join(directory, 'go');
	const output = path.join(directory, 'output');
	execFileSync('mkfifo', [fifo]);
	const tmux = await startTmux({command: `read go < ${fifo}; exec ${tool.command}`, columns: 200, rows: 50, term: 'xterm-256color'});
	const stop = async () => {
		await tmux.stop();
		rmSync(directory, {recursive: true, force: true});
	};

	try {
		await execa('tmux', ['-L', tmux.socketName, 'pipe-pane', '-t', 'main', `cat >> ${output}`]);
		const start = performance.now();
		await execa('sh', ['-c', `echo go > ${fifo}`]);
		let firstFrameMs = Number.NaN;
		for (const deadline = start + 30_000; performance.now() < deadline;) {
			if (existsSync(output) && tool.ready.test(readFileSync(output, 'latin1'))) {
				firstFrameMs = performance.now() - start;
				break;
			}

			await delay(2);
		}

		return {pid: tmux.panePid, output, firstFrameMs, sendKeys: tmux.sendKeys, stop};
	} catch (error) {
		await stop();
		throw error;
	}
}

/** Sends keys one at a time and times each to the end of the frame it causes. */
async function keypressLatency(pane: Pane, keys: readonly [string, string]): Promise<number> {
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

async function measureTool(tool: Tool): Promise<Measured> {
	const firstFrames: number[] = [];
	for (let run = 1; run < runs; run++) {
		const pane = await startPane(tool);
		firstFrames.push(pane.firstFrameMs);
		await pane.stop();
	}

	const pane = await startPane(tool);
	firstFrames.push(pane.firstFrameMs);
	try {
		await delay(3000);
		const ticksBefore = cpuTicks(pane.pid);
		const bytesBefore = sizeOf(pane.output);
		await delay(idleSeconds * 1000);
		const idleBytes = sizeOf(pane.output) - bytesBefore;
		await delay((cpuSeconds - idleSeconds) * 1000);
		const cpuPercent = (cpuTicks(pane.pid) - ticksBefore) / (cpuSeconds * 100) * 100;
		const rss = rssMegabytes(pane.pid);
		const keypressMs = tool.keys ? await keypressLatency(pane, tool.keys) : undefined;
		return {firstFrameMs: median(firstFrames), cpuPercent, idleBytes, rssMegabytes: rss, keypressMs};
	} finally {
		await pane.stop();
	}
}

function measurePs(): Measured {
	const times: number[] = [];
	for (let run = 0; run < runs; run++) {
		times.push(timeMs(() => execFileSync('ps', ['-e', '-o', 'pid,ppid,stat,etimes,tty,comm,args'], {maxBuffer: 1 << 30})));
	}

	return {firstFrameMs: median(times), scanMs: median(times)};
}

/** sshtop's reader in this process: cold and warm full scans, and one explorer refresh. */
function measureScans(): Measured {
	const cold: number[] = [];
	const warm: number[] = [];
	const refresh: number[] = [];
	for (let run = 0; run < runs; run++) {
		cold.push(timeMs(() => createProcessScanner().read()));
		const scanner = createProcessScanner({fullScanIntervalMs: 0, fullScanCostFactor: 0});
		scanner.read();
		warm.push(timeMs(() => scanner.read()));
		const load = createReportLoader({fullScanIntervalMs: 3_600_000});
		load();
		for (let index = 0; index < 5; index++) {
			refresh.push(timeMs(() => load()));
		}
	}

	return {coldScanMs: median(cold), warmScanMs: median(warm), scanMs: median(refresh)};
}

const format = (value: number | undefined, digits = 0) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits));
const ratio = (value: number | undefined, base: number | undefined) =>
	(value === undefined || base === undefined || !(base > 0) || Number.isNaN(value) ? '' : ` (${(value / base).toFixed(value / base < 0.1 ? 3 : 2)}×)`);

async function main(): Promise<void> {
	let sshd: TestSshd | undefined;
	const clients: SshClient[] = [];
	let crowd: Crowd | undefined;
	const cleanUp = async () => {
		await crowd?.end();
		for (const client of clients) {
			await client.stop().catch(() => undefined);
		}

		await sshd?.stop();
	};

	process.once('SIGINT', () => {
		void cleanUp().finally(() => process.exit(130));
	});
	const lines: string[] = [];
	try {
		sshd = await startTestSshd();
		for (let index = 0; index < sessionCount; index++) {
			clients.push(await connectShell(sshd, {label: `bench shell ${index + 1}`}));
		}

		lines.push(
			`Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}; `
			+ `${sessionCount} SSH shells to the private test sshd; CPU over ${cpuSeconds} s, idle bytes over ${idleSeconds} s, medians of ${runs} runs / ${keyCount} keys.`,
			'',
			'| extra processes | program | first frame ms | one scan ms | CPU % of a core | keypress → frame ms | bytes written idle | RSS MB |',
			'|---:|---|---:|---:|---:|---:|---:|---:|',
		);
		for (const size of crowdSizes) {
			crowd = size > 0 ? await startCrowd(size) : undefined;
			const total = readFileSync('/proc/loadavg', 'utf8').split(' ')[3];
			console.error(`crowd ${size}: ${total} threads on the box`);
			const ps = measurePs();
			const scans = measureScans();
			const results = new Map<string, Measured>();
			for (const tool of tools) {
				console.error(`  ${tool.name}…`);
				results.set(tool.name, await measureTool(tool));
			}

			const sshtop = {...results.get('sshtop'), ...scans};
			const others = [...results].filter(([name]) => name !== 'sshtop');
			lines.push(`| ${size} | ps -e -o … | ${format(ps.firstFrameMs)} | ${format(ps.scanMs)} | – | – | – | – |`);
			const versus = (pick: (measured: Measured) => number | undefined) =>
				others.map(([name, measured]) => ratio(pick(sshtop), pick(measured)).replace(')', ` ${name})`)).join('');
			lines.push(`| ${size} | **sshtop** | ${format(sshtop.firstFrameMs)}${ratio(sshtop.firstFrameMs, ps.firstFrameMs).replace(')', ' ps)')} `
				+ `| refresh ${format(sshtop.scanMs, 1)}${ratio(sshtop.scanMs, ps.scanMs).replace(')', ' ps)')}; full ${format(sshtop.warmScanMs)}${ratio(sshtop.warmScanMs, ps.scanMs).replace(')', ' ps)')}; cold ${format(sshtop.coldScanMs)}${ratio(sshtop.coldScanMs, ps.scanMs).replace(')', ' ps)')} `
				+ `| ${format(sshtop.cpuPercent, 2)}${versus(measured => measured.cpuPercent)} | ${format(sshtop.keypressMs)} `
				+ `| ${format(sshtop.idleBytes)}${versus(measured => measured.idleBytes)} | ${format(sshtop.rssMegabytes, 1)}${versus(measured => measured.rssMegabytes)} |`);
			for (const [name, measured] of others) {
				lines.push(`| ${size} | ${name} | ${format(measured.firstFrameMs)} | – | ${format(measured.cpuPercent, 2)} | ${format(measured.keypressMs)} | ${format(measured.idleBytes)} | ${format(measured.rssMegabytes, 1)} |`);
			}

			await crowd?.end();
			crowd = undefined;
		}

		const missing = allTools.filter(tool => !tools.includes(tool)).map(tool => tool.name);
		if (missing.length > 0) {
			lines.push('', `Not installed here, so not measured: ${missing.join(', ')}.`);
		}

		console.log(lines.join('\n'));
	} finally {
		await cleanUp();
	}
}

await main();
