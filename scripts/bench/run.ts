// `npm run bench`: what sshtop costs on the box it watches, beside ps and the usual top-likes
// measured in the same run. Ratios are what to track; absolute times are noisy on shared machines.
//
//   npm run bench -- --crowds 0,1000,10000 --sessions 20 --cpu-seconds 60 --idle-seconds 30 --runs 5
//   npm run bench -- --crowds 10000 --tools sshtop --soak-minutes 60     (one crowd, then an hour's soak)
//   npm run bench -- --busy 50,2 --cpu-seconds 60 --runs 3   (a busy SSH server instead: busy.ts)
//
// For each crowd size the bench starts that many extra sleeping processes (crowd.ts), keeps
// `--sessions` real SSH shells open to a private test sshd, and measures:
//   first frame  time from releasing the pane (a write to the FIFO it waits on) to the first frame
//                with the header (sshtop: "listening on"), in a 200×50 tmux pane, median of --runs;
//                for ps, one `ps -e -o …` run. sshtop's is also given as a ratio to `ink hello`.
//                sshtop and the baselines below are started in turn, one of each per round, so a
//                change in the host's speed during the bench reaches them alike; the ratio to the
//                Ink hello is the median of each round's own ratio.
//   − terminal   first frame minus the `terminal` baseline's: what the program itself took
//   scan         sshtop's reader in this process: the first (cold) full scan, a warm full scan,
//                and one explorer refresh (watch scan + model), medians; beside ps's wall time
//   CPU          utime+stime (+ waited children, such as ss) over --cpu-seconds at the default interval,
//                from 3 s after the first frame; for sshtop also over the part after the idle window
//                (from 3 + --idle-seconds s on), when start-up's tail is over
//   keypress     tmux send-keys to the last byte of the redrawn frame (↓/↑), median of --keys
//   idle bytes   bytes the program writes to its terminal in --idle-seconds without keys
//   RSS          VmRSS at the end of the CPU window (baselines: 1 s after their first frame)
// Baseline rows, always measured (whatever --tools says), same pane and ready detection, first
// frame only:
//   terminal     the pane's shell prints the ready text itself: tmux, pipe-pane and polling
//   node         `node -e` printing it: Node's own start-up
//   ink hello    render(<Text>listening on</Text>) (ink-hello.tsx), bundled at bench start with
//                scripts/build.mjs's options, aliases and start (patches/ applied, fetch hidden):
//                the least an Ink app built like dist/sshtop.js pays
//   ink hello without start-up patches   the same, bundled and minified alike, with its
//                dependencies as published: the issue's reference ("a bundled, minified Ink app")
//   sshtop without a scan hint   SSHTOP_SCAN_HINT=0: a first start, with a full scan before the
//                first frame (shown in sshtop's first-frame cell). sshtop's own runs start from
//                the hint its last run left: beside a new crowd (too many forks since the last
//                hint) one unmeasured start leaves them one first.
// --soak-minutes N (default 0, off): after the crowds, with the last crowd still running and the
// SSH shells open, sshtop alone in a 200×50 pane; VmRSS and CPU ticks every 30 s; prints RSS at
// start, at 5 min, at the end and the max, the slope (MB per hour, least squares over the samples
// after the first 2 minutes, or after the first half of a soak shorter than 4 minutes) and the
// mean CPU.
// Before the first crowd, sshtop runs once for 4 s, so V8's code cache for this build exists, as
// it does on a user's machine after the first start (the short runs end by SIGHUP and save none).
// Every process the bench starts is ended by pid (crowd.ts, the harness's tmux and sshd).
import process from 'node:process';
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {cpus, tmpdir, totalmem, release} from 'node:os';
import path from 'node:path';
import {parseArgs} from 'node:util';
import {setTimeout as delay} from 'node:timers/promises';
import {fileURLToPath} from 'node:url';
import {build, type BuildOptions} from 'esbuild';
import {connectShell, type SshClient} from '../../test/e2e/harness/clients.js';
import {hasTestAccount, removeTestAccount, startTestSshd, type TestSshd} from '../../test/e2e/harness/sshd.js';
import {cliPath} from '../../test/e2e/harness/sshtop.js';
import {createProcessScanner} from '../../source/proc/scanner/scanner.js';
import {createReportLoader} from '../../source/app/report-source.js';
import {startBanner} from '../bundle-app.mjs';
import {originalsOf, patchParts, servingOriginals} from '../dependency-patches.mjs';
import {startCrowd, type Crowd} from './crowd.js';
import {runBusy} from './busy.js';
import {
	cpuTicks,
	formatFigure as format,
	isAlive,
	keypressLatency,
	lastLine,
	median,
	ratioText as ratio,
	rssMegabytes,
	sizeOf,
	startPane,
} from './pane.js';
import {soakLines, soakPane} from './soak.js';

const baselineReady = /listening on/u;

const {values: flags} = parseArgs({
	options: {
		crowds: {type: 'string', default: '0,1000,10000'},
		sessions: {type: 'string', default: '20'},
		'cpu-seconds': {type: 'string', default: '60'},
		'idle-seconds': {type: 'string', default: '30'},
		runs: {type: 'string', default: '5'},
		keys: {type: 'string', default: '20'},
		tools: {type: 'string'},
		'soak-minutes': {type: 'string', default: '0'},
		busy: {type: 'string'},
	},
});
const crowdSizes = flags.crowds.split(',').map(Number);
const sessionCount = Number(flags.sessions);
const cpuSeconds = Number(flags['cpu-seconds']);
const idleSeconds = Math.min(Number(flags['idle-seconds']), cpuSeconds);
const runs = Number(flags.runs);
const keyCount = Number(flags.keys);
const soakMinutes = Number(flags['soak-minutes']);
for (const [name, value] of Object.entries({
	crowds: Math.min(...crowdSizes),
	sessions: sessionCount,
	'cpu-seconds': cpuSeconds,
	runs,
	keys: keyCount,
	'soak-minutes': soakMinutes,
})) {
	if (!Number.isInteger(value) || value < 0 || (name === 'runs' && value < 1)) {
		throw new Error(`--${name}: expected a whole number${name === 'runs' ? ' of at least 1' : ''}`);
	}
}

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
	// As installed: the program itself, whose first lines start Node with its flags (scripts/build.mjs).
	{name: 'sshtop', command: cliPath, ready: /listening on|no sshd listener/u, keys: ['Down', 'Up']},
	{name: 'htop', command: 'htop', ready: /Load average/u, keys: ['Down', 'Up']},
	{name: 'top', command: 'top', ready: /load average/u, keys: undefined},
	{name: 'whowatch', command: 'whowatch', ready: /users|USER/u, keys: ['Down', 'Up']},
];
const sshtopTool = allTools.find(tool => tool.name === 'sshtop')!;
const tools = allTools.filter(
	tool =>
		(flags.tools?.split(',') ?? ['sshtop', 'htop', 'top', 'whowatch']).includes(tool.name) &&
		(tool.name === 'sshtop' || installed(tool.command)),
);

function timeMs(work: () => void): number {
	const start = performance.now();
	work();
	return performance.now() - start;
}

type Measured = {
	firstFrameMs?: number;
	scanMs?: number;
	coldScanMs?: number;
	warmScanMs?: number;
	cpuPercent?: number;
	/** CPU over the part of the window after the idle-bytes window: start-up's tail (the full scan after a hinted start, V8's first collections) is over by then. */
	laterCpuPercent?: number;
	keypressMs?: number;
	idleBytes?: number;
	rssMegabytes?: number;
	/** Why the program could not be measured (it exited, or never showed its first frame). */
	failure?: string;
	/** Each round's first frame, in turn with the other programs (measureInTurn); NaN where it failed. */
	firstFrames?: readonly number[];
};

/** A program that only shows the ready text, to read first frames against. */
type Baseline = {
	readonly name: string;
	/** Shell text the pane runs once released. */
	readonly script: string;
	/** Whether VmRSS means anything (not for the terminal baseline's sleep). */
	readonly measuresRss: boolean;
	/** The first frame is there once the terminal output matches this; baselineReady by default. */
	readonly ready?: RegExp;
};

const startTool = async (tool: Tool) => startPane(`exec ${tool.command}`, tool.ready);

/**
 * The first frame (median of --runs), CPU, idle bytes, RSS and keypress latency. `firstFramesInTurn`:
 * first frames measured in turn with the baselines (measureInTurn), so only the long run is started.
 */
async function measureTool(tool: Tool, firstFramesInTurn?: readonly number[]): Promise<Measured> {
	const firstFrames: number[] = [...(firstFramesInTurn ?? [])];
	const startsBefore = firstFramesInTurn === undefined ? runs - 1 : 0;
	for (let run = 0; run < startsBefore; run++) {
		const pane = await startTool(tool);
		await pane.stop();
		if (pane.failure !== undefined) {
			return {failure: pane.failure};
		}

		firstFrames.push(pane.firstFrameMs);
	}

	const pane = await startTool(tool);
	if (firstFramesInTurn === undefined) {
		firstFrames.push(pane.firstFrameMs);
	}

	try {
		if (pane.failure !== undefined) {
			return {failure: pane.failure};
		}

		await delay(3000);
		if (!isAlive(pane.pid)) {
			return {
				firstFrameMs: median(firstFrames),
				failure: `exited after its first frame, last line "${lastLine(pane.output).slice(0, 120)}"`,
			};
		}

		const ticksBefore = cpuTicks(pane.pid);
		const bytesBefore = sizeOf(pane.output);
		await delay(idleSeconds * 1000);
		const idleBytes = sizeOf(pane.output) - bytesBefore;
		const ticksAfterIdle = cpuTicks(pane.pid);
		await delay((cpuSeconds - idleSeconds) * 1000);
		const ticksAfter = cpuTicks(pane.pid);
		const cpuPercent = ((ticksAfter - ticksBefore) / (cpuSeconds * 100)) * 100;
		const laterCpuPercent =
			cpuSeconds > idleSeconds ? ((ticksAfter - ticksAfterIdle) / ((cpuSeconds - idleSeconds) * 100)) * 100 : undefined;
		const rss = rssMegabytes(pane.pid);
		const keypressMs = tool.keys ? await keypressLatency(pane, tool.keys, keyCount) : undefined;
		return {firstFrameMs: median(firstFrames), cpuPercent, laterCpuPercent, idleBytes, rssMegabytes: rss, keypressMs};
	} finally {
		await pane.stop();
	}
}

/**
 * First frames of `programs`, started in turn, one of each per round for --runs rounds, so a
 * drift in the host's speed reaches each alike: the median of each, and, where it means
 * something, VmRSS 1 s after the last round's first frame. `firstFrames` keeps each round's
 * figure (NaN where a start failed) for ratios taken round by round (pairedRatio).
 */
async function measureInTurn(programs: readonly Baseline[]): Promise<Map<string, Measured>> {
	const firstFrames = new Map(programs.map(program => [program.name, [] as number[]]));
	const results = new Map<string, Measured>();
	for (let run = 0; run < runs; run++) {
		for (const program of programs) {
			const frames = firstFrames.get(program.name)!;
			if (results.get(program.name)?.failure !== undefined) {
				frames.push(Number.NaN);
				continue;
			}

			const pane = await startPane(program.script, program.ready ?? baselineReady);
			try {
				frames.push(pane.firstFrameMs);
				if (pane.failure !== undefined) {
					results.set(program.name, {failure: pane.failure});
				} else if (program.measuresRss && run === runs - 1) {
					await delay(1000);
					results.set(program.name, {rssMegabytes: rssMegabytes(pane.pid)});
				}
			} finally {
				await pane.stop();
			}
		}
	}

	return new Map(
		[...firstFrames].map(([name, frames]) => [
			name,
			{...results.get(name), firstFrameMs: median(frames.filter(frame => !Number.isNaN(frame))), firstFrames: frames},
		]),
	);
}

/** The median of the round-by-round ratios of two first-frame series from measureInTurn. */
function pairedRatio(value: Measured | undefined, base: Measured | undefined): number | undefined {
	const ratios = (value?.firstFrames ?? []).flatMap((frame, round) => {
		const baseFrame = base?.firstFrames?.[round];
		return baseFrame !== undefined && baseFrame > 0 && !Number.isNaN(frame) ? [frame / baseFrame] : [];
	});
	return ratios.length === 0 ? undefined : median(ratios);
}

type InkHello = {
	readonly file: string;
	/** The same, bundled and minified alike but with its dependencies as published: the issue's reference. */
	readonly plainFile: string;
};

/**
 * Bundles ink-hello.tsx into `directory` with scripts/build.mjs's options, aliases and start
 * (the dependencies as patched, fetch hidden until Yoga is loaded), and once more with every
 * dependency as published.
 */
async function buildInkHello(directory: string): Promise<InkHello> {
	const file = path.join(directory, 'ink-hello.js');
	const plainFile = path.join(directory, 'ink-hello-plain.js');
	const stub = (name: string) => fileURLToPath(new URL(`../${name}`, import.meta.url));
	const requireBanner =
		"import {createRequire as __sshtopCreateRequire} from 'node:module';const require=__sshtopCreateRequire(import.meta.url);";
	const options: BuildOptions = {
		entryPoints: [fileURLToPath(new URL('ink-hello.tsx', import.meta.url))],
		outfile: file,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		jsx: 'automatic',
		minify: true,
		legalComments: 'none',
		define: {'process.env.NODE_ENV': '"production"'},
		alias: {'react-devtools-core': stub('devtools-stub.mjs'), ws: stub('ws-stub.mjs')},
		logLevel: 'warning',
	};
	await build({...options, banner: {js: `${requireBanner}\n${startBanner}`}});
	await build({
		...options,
		outfile: plainFile,
		banner: {js: requireBanner},
		plugins: [servingOriginals(originalsOf(Object.keys(patchParts)))],
	});
	return {file, plainFile};
}

/** sshtop alone in a pane for --soak-minutes, VmRSS and CPU ticks every 30 s; returns the report lines. */
async function soak(crowdSize: number): Promise<string[]> {
	const result = await soakPane(async () => startTool(sshtopTool), soakMinutes);
	return soakLines(
		result,
		soakMinutes,
		`sshtop alone for ${soakMinutes} min in a 200×50 pane, ${sessionCount} SSH shells open, ${crowdSize === 0 ? 'no crowd' : `the crowd of ${crowdSize} still running`}`,
	);
}

function measurePs(): Measured {
	const times: number[] = [];
	for (let run = 0; run < runs; run++) {
		times.push(
			timeMs(() => {
				execFileSync('ps', ['-e', '-o', 'pid,ppid,stat,etimes,tty,comm,args'], {maxBuffer: 1 << 30});
			}),
		);
	}

	return {firstFrameMs: median(times), scanMs: median(times)};
}

/** sshtop's reader in this process: cold and warm full scans, and one explorer refresh. */
function measureScans(): Measured {
	const cold: number[] = [];
	const warm: number[] = [];
	const refresh: number[] = [];
	for (let run = 0; run < runs; run++) {
		cold.push(
			timeMs(() => {
				createProcessScanner().read();
			}),
		);
		const scanner = createProcessScanner({fullScanIntervalMs: 0, fullScanCostFactor: 0});
		scanner.read();
		warm.push(
			timeMs(() => {
				scanner.read();
			}),
		);
		const load = createReportLoader({fullScanIntervalMs: 3_600_000});
		load();
		for (let index = 0; index < 5; index++) {
			refresh.push(
				timeMs(() => {
					load();
				}),
			);
		}
	}

	return {coldScanMs: median(cold), warmScanMs: median(warm), scanMs: median(refresh)};
}

const formatRatio = (value: number | undefined, label: string) =>
	value === undefined ? '' : ` (${value.toFixed(2)}× ${label})`;
const minus = (value: number | undefined, base: number | undefined) =>
	format(value === undefined || base === undefined ? undefined : value - base);

async function main(): Promise<void> {
	let sshd: TestSshd | undefined;
	let createdAccount = false;
	const clients: SshClient[] = [];
	let crowd: Crowd | undefined;
	const buildDirectory = mkdtempSync(path.join(tmpdir(), 'sshtop-bench-ink-'));
	// The harness's tmux keeps its sockets under the run directory: this one, removed at the end.
	process.env['SSHTOP_TEST_RUN_DIR'] ??= buildDirectory;
	const cleanUp = async () => {
		await crowd?.end();
		for (const client of clients) {
			await client.stop().catch(() => undefined);
		}

		await sshd?.stop();
		if (createdAccount) await removeTestAccount();
		rmSync(buildDirectory, {recursive: true, force: true});
	};

	process.once('SIGINT', () => {
		void cleanUp().finally(() => process.exit(130));
	});
	const lines: string[] = [];
	const failures: string[] = [];
	try {
		const inkHello = await buildInkHello(buildDirectory);
		const baselines: readonly Baseline[] = [
			{name: 'terminal', script: String.raw`printf 'listening on\n'; exec sleep 3600`, measuresRss: false},
			{
				name: 'node',
				script: `exec node -e 'console.log("listening on"); setInterval(() => undefined, 2 ** 30)'`,
				measuresRss: true,
			},
			{name: 'ink hello', script: `exec node ${inkHello.file}`, measuresRss: true},
			{name: 'ink hello without start-up patches', script: `exec node ${inkHello.plainFile}`, measuresRss: false},
			// sshtop's first start on a box (or after many forks): a full scan before the first
			// frame. Later starts begin from the scan hint the last run left (proc/scan-hint.ts).
			{name: 'sshtop without a scan hint', script: `SSHTOP_SCAN_HINT=0 exec ${cliPath}`, measuresRss: false},
		];
		// The test account is made when missing (startTestSshd); it goes again with the sshd.
		createdAccount = !(await hasTestAccount());
		sshd = await startTestSshd();
		// Eight at a time: the test sshd's MaxStartups (10) refuses more unauthenticated
		// connections at once, and 500 shells one by one took twelve minutes.
		for (let index = 0; index < sessionCount; index += 8) {
			const batch = Array.from({length: Math.min(8, sessionCount - index)}, async (_, offset) =>
				connectShell(sshd!, {label: `bench shell ${index + offset + 1}`, timeoutMs: 60_000}),
			);

			const settled = await Promise.allSettled(batch);
			for (const result of settled) {
				if (result.status === 'fulfilled') {
					clients.push(result.value);
				}
			}

			const failure = settled.find(result => result.status === 'rejected');
			if (failure) {
				throw failure.reason instanceof Error ? failure.reason : new Error(String(failure.reason));
			}
		}

		lines.push(
			`Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}; ` +
				`${sessionCount} SSH shells to the private test sshd; CPU over ${cpuSeconds} s, idle bytes over ${idleSeconds} s, medians of ${runs} runs / ${keyCount} keys.`,
			'',
			'| extra processes | program | first frame ms | − terminal ms | one scan ms | CPU % of a core | keypress → frame ms | bytes written idle | RSS MB |',
			'|---:|---|---:|---:|---:|---:|---:|---:|---:|',
		);
		// One explorer run long enough to write V8's code cache (the launcher saves it after 3 s;
		// the bench's short runs end by SIGHUP, which saves nothing): every start after a user's
		// first has it, and without this one every start measured here compiled the bundle anew.
		const warmUp = await startTool(sshtopTool);
		await delay(4000);
		await warmUp.stop();
		for (const [index, size] of crowdSizes.entries()) {
			crowd = size > 0 ? await startCrowd(size) : undefined;
			const total = readFileSync('/proc/loadavg', 'utf8').split(' ')[3];
			console.error(`crowd ${size}: ${total} threads on the box`);
			const ps = measurePs();
			const scans = measureScans();
			const isSshtopMeasured = tools.includes(sshtopTool);
			if (isSshtopMeasured) {
				// Beside a new crowd the last hint is too old (too many forks since): this start
				// leaves the measured ones a hint, as a user's last run does.
				const hintMaker = await startTool(sshtopTool);
				await hintMaker.stop();
			}

			const inTurnPrograms: readonly Baseline[] = [
				...(isSshtopMeasured
					? [{name: 'sshtop', script: `exec ${sshtopTool.command}`, measuresRss: false, ready: sshtopTool.ready}]
					: []),
				...baselines,
			];
			console.error(`  first frames in turn: ${inTurnPrograms.map(program => program.name).join(', ')}…`);
			const inTurn = await measureInTurn(inTurnPrograms);
			const baselineResults = new Map([...inTurn].filter(([name]) => name !== 'sshtop'));
			const results = new Map<string, Measured>();
			for (const tool of tools) {
				console.error(`  ${tool.name}…`);
				const measuredInTurn = inTurn.get(tool.name);
				results.set(
					tool.name,
					measuredInTurn?.failure === undefined
						? await measureTool(
								tool,
								measuredInTurn?.firstFrames?.filter(frame => !Number.isNaN(frame)),
							)
						: measuredInTurn,
				);
			}

			const terminalMs = baselineResults.get('terminal')?.firstFrameMs;
			const sshtop = {...results.get('sshtop'), ...scans};
			const others = [...results].filter(([name]) => name !== 'sshtop');
			lines.push(`| ${size} | ps -e -o … | ${format(ps.firstFrameMs)} | – | ${format(ps.scanMs)} | – | – | – | – |`);
			const versus = (pick: (measured: Measured) => number | undefined) =>
				others.map(([name, measured]) => ratio(pick(sshtop), pick(measured)).replace(')', ` ${name})`)).join('');
			if (results.has('sshtop')) {
				const inkHello = baselineResults.get('ink hello');
				const plainInkHello = baselineResults.get('ink hello without start-up patches');
				const helloRatios = (measured: Measured | undefined) =>
					`${formatRatio(pairedRatio(measured, inkHello), 'ink hello')}${formatRatio(pairedRatio(measured, plainInkHello), 'without patches')}`.replace(
						') (',
						'; ',
					);
				const firstFrameRatios = [
					ratio(sshtop.firstFrameMs, ps.firstFrameMs).replace(')', ' ps)'),
					helloRatios(inTurn.get('sshtop')),
				]
					.join('')
					.replace(') (', '; ');
				const noHint = baselineResults.get('sshtop without a scan hint');
				const noHintText =
					noHint?.firstFrameMs === undefined
						? ''
						: `; without a scan hint ${format(noHint.firstFrameMs)}${helloRatios(noHint)}`;
				lines.push(
					`| ${size} | **sshtop** | ${format(sshtop.firstFrameMs)}${firstFrameRatios}${noHintText} | ${minus(sshtop.firstFrameMs, terminalMs)} ` +
						`| refresh ${format(sshtop.scanMs, 1)}${ratio(sshtop.scanMs, ps.scanMs).replace(')', ' ps)')}; full ${format(sshtop.warmScanMs)}${ratio(sshtop.warmScanMs, ps.scanMs).replace(')', ' ps)')}; cold ${format(sshtop.coldScanMs)}${ratio(sshtop.coldScanMs, ps.scanMs).replace(')', ' ps)')} ` +
						`| ${format(sshtop.cpuPercent, 2)}${versus(measured => measured.cpuPercent)}${sshtop.laterCpuPercent === undefined ? '' : `; after ${3 + idleSeconds} s ${format(sshtop.laterCpuPercent, 2)}`} | ${format(sshtop.keypressMs)} ` +
						`| ${format(sshtop.idleBytes)}${versus(measured => measured.idleBytes)} | ${format(sshtop.rssMegabytes, 1)}${versus(measured => measured.rssMegabytes)} |`,
				);
			}

			for (const [name, measured] of others) {
				lines.push(
					`| ${size} | ${name} | ${format(measured.firstFrameMs)} | ${minus(measured.firstFrameMs, terminalMs)} | – | ${format(measured.cpuPercent, 2)} | ${format(measured.keypressMs)} | ${format(measured.idleBytes)} | ${format(measured.rssMegabytes, 1)} |`,
				);
			}

			for (const [name, measured] of baselineResults) {
				lines.push(
					`| ${size} | *${name}* (baseline) | ${format(measured.firstFrameMs)} | ${name === 'terminal' ? '–' : minus(measured.firstFrameMs, terminalMs)} | – | – | – | – | ${format(measured.rssMegabytes, 1)} |`,
				);
			}

			// The soak runs beside the last crowd; every other crowd ends here.
			if (soakMinutes === 0 || index < crowdSizes.length - 1) {
				await crowd?.end();
				crowd = undefined;
			}

			for (const [name, measured] of [...results, ...baselineResults]) {
				if (measured.failure !== undefined) {
					failures.push(`${name} at ${size}: ${measured.failure}`);
				}
			}
		}

		lines.push(
			'',
			"Baselines, same pane and ready detection: *terminal* is the pane's shell printing the ready text itself (tmux, pipe-pane and polling); " +
				'*node* is `node -e` printing it; *ink hello* is `render(<Text>listening on</Text>)` bundled like dist/sshtop.js (patches/ applied, fetch hidden until Yoga is loaded), ' +
				"*ink hello without start-up patches* the same bundled and minified with its dependencies as published (the issue's reference app); their RSS is taken 1 s after the first frame. " +
				"− terminal: first frame minus the terminal baseline's. sshtop's first frames and the baselines' were taken in turn, one of each per round; " +
				"the ratios to the Ink hello are medians of the rounds' own ratios.",
		);
		if (failures.length > 0) {
			lines.push('', `Not measured: ${failures.join('; ')}.`);
		}

		const missing = allTools.filter(tool => !tools.includes(tool)).map(tool => tool.name);
		if (missing.length > 0) {
			lines.push('', `Not installed or not asked for (--tools), so not measured: ${missing.join(', ')}.`);
		}

		// Printed before the soak, which may take an hour.
		console.log(lines.join('\n'));
		if (soakMinutes > 0) {
			console.error(`soak, ${soakMinutes} min…`);
			console.log(['', ...(await soak(crowdSizes.at(-1) ?? 0))].join('\n'));
		}
	} finally {
		await cleanUp();
	}
}

if (flags.busy === undefined) {
	await main();
} else {
	const [busySessions, rate] = flags.busy.split(',').map(Number);
	if (!Number.isInteger(busySessions) || busySessions! < 1 || !Number.isInteger(rate) || rate! < 0) {
		throw new Error('--busy N,RATE: N printing shells (at least 1) and RATE logins a second, such as --busy 50,2');
	}

	const report = await runBusy({
		sessions: busySessions!,
		rate: rate!,
		cpuSeconds,
		runs,
		keys: keyCount,
		soakMinutes,
		tools: flags.tools?.split(',') ?? ['sshtop', 'htop', 'btop'],
	});
	console.log(report.join('\n'));
}
