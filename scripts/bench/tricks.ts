// `npm run bench:tricks`: what each of sshtop's runtime tricks buys, measured against the program
// as built with all of them, in the same run (docs/benchmark.md, "What each trick buys").
//
//   npm run bench:tricks -- --runs 9 --cpu-rounds 3 --cpu-seconds 60 --sessions 20
//
// Each variant is the installed program with one trick taken away:
//   no code cache         SSHTOP_CODE_CACHE=0 (source/launch.ts)
//   V8 optimiser on        without --no-opt in the launcher's flags (scripts/build.mjs)
//   memory reducer on      without --no-memory-reducer
//   16 MB semi-spaces      without --max-semi-space-size=2 (RSS)
//   without hidden-fetch   fetch left in place while Yoga loads (scripts/bundle-app.mjs)
//   without PATCH          the application bundled with that patch's files as published
//                          (patches/, scripts/dependency-patches.mjs)
// First frames are taken in turn (one start of each variant per round, --runs rounds) beside
// `--sessions` SSH shells to a private sshd; each variant first runs once for 4 s to leave its own
// code cache and scan hint (each has its own XDG_CACHE_HOME), as a user's earlier run would.
// CPU (% of a core over --cpu-seconds from 3 s after the first frame), bytes written and RSS
// at the end are taken in turn too, --cpu-rounds rounds, for the variants that target them;
// keypress latency (↓/↑, median of --keys) for the frame patches.
// The scan hint's figure comes from `npm run bench` ("without a scan hint"), beside crowds.
import process from 'node:process';
import {copyFileSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {cpus, release, tmpdir, totalmem} from 'node:os';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {parseArgs} from 'node:util';
import {fileURLToPath} from 'node:url';
import {connectShell, type SshClient} from '../../test/e2e/harness/clients.js';
import {hasTestAccount, removeTestAccount, startTestSshd, type TestSshd} from '../../test/e2e/harness/sshd.js';
import {bundleApp} from '../bundle-app.mjs';
import {cpuTicks, isAlive, keypressLatency, median, rssMegabytes, sizeOf, startPane} from './pane.js';

const {values: flags} = parseArgs({
	options: {
		runs: {type: 'string', default: '9'},
		'cpu-rounds': {type: 'string', default: '3'},
		'cpu-seconds': {type: 'string', default: '60'},
		sessions: {type: 'string', default: '20'},
		keys: {type: 'string', default: '20'},
		only: {type: 'string', default: 'first-frame,cpu'},
		// Patches taken away together, as one more variant: `--together lazy-slice-ansi+narrow-tokenize`.
		together: {type: 'string', default: ''},
	},
});
const runs = Number(flags.runs);
const cpuRounds = Number(flags['cpu-rounds']);
const cpuSeconds = Number(flags['cpu-seconds']);
const sessionCount = Number(flags.sessions);
const keyCount = Number(flags.keys);
const parts = new Set(flags.only.split(','));

const root = fileURLToPath(new URL('../..', import.meta.url));
const launcher = path.join(root, 'dist/sshtop.js');
const v8Flags = ['--no-opt', '--no-memory-reducer', '--max-semi-space-size=2'];
const ready = /listening on|no sshd listener/u;

type Variant = {
	readonly name: string;
	/** What it is measured for: first frames, CPU (with idle bytes and RSS), keypresses. */
	readonly targets: ReadonlySet<'first-frame' | 'cpu' | 'keypress'>;
	/** Shell text that starts it. */
	readonly script: string;
};

const variantScript = (cacheHome: string, command: string, environment = '') =>
	`XDG_CACHE_HOME=${cacheHome} ${environment}exec ${command}`;

async function buildVariants(directory: string): Promise<Variant[]> {
	const cacheHome = (name: string) => {
		const home = path.join(directory, 'cache', name.replaceAll(/\W+/gu, '-'));
		mkdirSync(home, {recursive: true, mode: 0o700});
		return home;
	};

	const withFlags = (flagsUsed: readonly string[], program = launcher) => `node ${flagsUsed.join(' ')} ${program}`;
	const variants: Variant[] = [
		{
			name: 'all tricks',
			targets: new Set(['first-frame', 'cpu', 'keypress']),
			script: variantScript(cacheHome('all'), withFlags(v8Flags)),
		},
		{
			name: 'no code cache',
			targets: new Set(['first-frame']),
			script: variantScript(cacheHome('no-code-cache'), withFlags(v8Flags), 'SSHTOP_CODE_CACHE=0 '),
		},
		{
			name: 'V8 optimiser on',
			targets: new Set(['first-frame', 'cpu']),
			script: variantScript(cacheHome('opt'), withFlags(v8Flags.filter(flag => flag !== '--no-opt'))),
		},
		{
			name: 'memory reducer on',
			targets: new Set(['cpu']),
			script: variantScript(cacheHome('reducer'), withFlags(v8Flags.filter(flag => flag !== '--no-memory-reducer'))),
		},
		{
			name: '16 MB semi-spaces',
			targets: new Set(['cpu']),
			script: variantScript(
				cacheHome('semi-space'),
				withFlags(v8Flags.filter(flag => !flag.startsWith('--max-semi-space-size'))),
			),
		},
	];
	const patches: ReadonlyArray<readonly [string, Variant['targets']]> = [
		['hidden-fetch', new Set(['first-frame'])],
		['lazy-string-width', new Set(['first-frame'])],
		['ink-row-reuse', new Set(['cpu', 'keypress'])],
		['ink-cell-diff', new Set(['cpu'])],
		['styled-chars-diff', new Set(['first-frame', 'keypress'])],
	];
	for (const [patch, targets] of patches) {
		const variantDirectory = path.join(directory, patch);
		mkdirSync(variantDirectory);

		await bundleApp({outfile: path.join(variantDirectory, 'sshtop-app.cjs'), without: [patch]});
		copyFileSync(launcher, path.join(variantDirectory, 'sshtop.js'));
		variants.push({
			name: `without ${patch}`,
			targets,
			script: variantScript(cacheHome(patch), withFlags(v8Flags, path.join(variantDirectory, 'sshtop.js'))),
		});
	}

	const together = flags.together.split('+').filter(Boolean);
	if (together.length > 0) {
		const name = together.join('+');
		const variantDirectory = path.join(directory, 'together');
		mkdirSync(variantDirectory);
		await bundleApp({outfile: path.join(variantDirectory, 'sshtop-app.cjs'), without: together});
		copyFileSync(launcher, path.join(variantDirectory, 'sshtop.js'));
		variants.push({
			name: `without ${name}`,
			targets: new Set(['first-frame', 'cpu', 'keypress']),
			script: variantScript(cacheHome(name), withFlags(v8Flags, path.join(variantDirectory, 'sshtop.js'))),
		});
	}

	return variants;
}

type Figures = {firstFrames: number[]; cpu: number[]; idleBytes: number[]; rss: number[]; keypress: number[]};

async function measureCpu(variant: Variant, figures: Figures): Promise<void> {
	const pane = await startPane(variant.script, ready);
	try {
		if (pane.failure !== undefined) {
			throw new Error(`${variant.name}: ${pane.failure}`);
		}

		await delay(3000);
		const ticks = cpuTicks(pane.pid);
		const bytes = sizeOf(pane.output);
		await delay(cpuSeconds * 1000);
		if (!isAlive(pane.pid)) {
			throw new Error(`${variant.name} exited during the CPU window`);
		}

		figures.cpu.push((cpuTicks(pane.pid) - ticks) / cpuSeconds);
		figures.idleBytes.push(sizeOf(pane.output) - bytes);
		figures.rss.push(rssMegabytes(pane.pid));
		if (variant.targets.has('keypress')) {
			figures.keypress.push(await keypressLatency(pane, ['Down', 'Up'], keyCount));
		}
	} finally {
		await pane.stop();
	}
}

const format = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

/** `value` against `base`: how much worse the program is without the trick, in per cent of the figure with it. */
const costWithout = (value: number, base: number) =>
	Number.isFinite(value) && base > 0 ? `${value >= base ? '+' : ''}${format(((value - base) / base) * 100)} %` : '';

async function main(): Promise<void> {
	const directory = mkdtempSync(path.join(tmpdir(), 'sshtop-tricks-'));
	// The harness's tmux keeps its sockets under the run directory: this one, removed at the end.
	process.env['SSHTOP_TEST_RUN_DIR'] ??= directory;
	let sshd: TestSshd | undefined;
	let createdAccount = false;
	const clients: SshClient[] = [];
	try {
		const variants = await buildVariants(directory);
		// The test account is made when missing (startTestSshd); it goes again with the sshd.
		createdAccount = !(await hasTestAccount());
		sshd = await startTestSshd();
		for (let index = 0; index < sessionCount; index += 8) {
			const batch = Array.from({length: Math.min(8, sessionCount - index)}, async (_, offset) =>
				connectShell(sshd!, {label: `tricks shell ${index + offset + 1}`, timeoutMs: 60_000}),
			);

			clients.push(...(await Promise.all(batch)));
		}

		const noFigures = (): Figures => ({firstFrames: [], cpu: [], idleBytes: [], rss: [], keypress: []});
		const figures = new Map(variants.map(variant => [variant.name, noFigures()]));
		for (const variant of variants) {
			console.error(`warming ${variant.name}…`);
			const pane = await startPane(variant.script, ready);
			await delay(4000);
			await pane.stop();
		}

		if (parts.has('first-frame')) {
			for (let round = 1; round <= runs; round++) {
				console.error(`first frames, round ${round} of ${runs}`);
				for (const variant of variants.filter(each => each.targets.has('first-frame'))) {
					const pane = await startPane(variant.script, ready);
					await pane.stop();
					figures.get(variant.name)!.firstFrames.push(pane.firstFrameMs);
				}
			}
		}

		if (parts.has('cpu')) {
			for (let round = 1; round <= cpuRounds; round++) {
				for (const variant of variants.filter(each => each.targets.has('cpu') || each.targets.has('keypress'))) {
					console.error(`CPU, round ${round} of ${cpuRounds}: ${variant.name}`);
					await measureCpu(variant, figures.get(variant.name)!);
				}
			}
		}

		const all = figures.get('all tricks')!;
		const base = {
			firstFrame: median(all.firstFrames),
			cpu: median(all.cpu),
			idleBytes: median(all.idleBytes),
			rss: median(all.rss),
			keypress: median(all.keypress),
		};
		const lines = [
			`Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}; ` +
				`${sessionCount} SSH shells; first frames: medians of ${runs} rounds in turn; CPU over ${cpuSeconds} s from 3 s after the first frame, medians of ${cpuRounds} rounds in turn; keypress: median of ${keyCount} keys.`,
			'',
			'| variant | first frame ms | CPU % of a core | bytes written | RSS MB | keypress → frame ms |',
			'|---|---:|---:|---:|---:|---:|',
		];
		for (const variant of variants) {
			const measured = figures.get(variant.name)!;
			const cell = (values: number[], baseValue: number, digits = 0) =>
				values.length === 0
					? '–'
					: `${format(median(values), digits)}${variant.name === 'all tricks' ? '' : ` (${costWithout(median(values), baseValue)})`}`;
			lines.push(
				`| ${variant.name} | ${cell(measured.firstFrames, base.firstFrame)} | ${cell(measured.cpu, base.cpu, 2)} | ${cell(measured.idleBytes, base.idleBytes)} ` +
					`| ${cell(measured.rss, base.rss, 1)} | ${cell(measured.keypress, base.keypress)} |`,
			);
		}

		console.log(lines.join('\n'));
	} finally {
		for (const client of clients) {
			await client.stop().catch(() => undefined);
		}

		await sshd?.stop();
		if (createdAccount) await removeTestAccount();
		rmSync(directory, {recursive: true, force: true});
	}
}

await main();
