// `npm run bench -- --busy N,RATE`: a busy SSH server rather than a crowd of sleepers. N pty
// shells to the private test sshd each print a line a second, and RATE short logins a second
// (`ssh host true`) come and go, while sshtop, htop and btop are measured in turn, each in a
// 200×50 tmux pane: first frame (median of --runs starts, in turn), CPU over --cpu-seconds from
// 3 s after the first frame, bytes written to the terminal over that window, VmRSS at its end, and
// keypress → frame (↓/↑, median of --keys). Ratios are to htop's figures from the same run.
// Each tool gets a private HOME, XDG_CONFIG_HOME and XDG_CACHE_HOME: htop and btop write their
// settings on exit, btop makes a themes directory, sshtop keeps its code cache and scan hint.
// `--soak-minutes M` then runs sshtop alone, still busy, and samples VmRSS and CPU every 30 s.
import process from 'node:process';
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {cpus, release, tmpdir, totalmem} from 'node:os';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {execa} from 'execa';
import {connectShell, type SshClient} from '../../test/e2e/harness/clients.js';
import {hasTestAccount, removeTestAccount, startTestSshd, type TestSshd} from '../../test/e2e/harness/sshd.js';
import {cliPath} from '../../test/e2e/harness/sshtop.js';
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

export type BusyOptions = {
	readonly sessions: number;
	/** Short logins started per second. */
	readonly rate: number;
	readonly cpuSeconds: number;
	readonly runs: number;
	readonly keys: number;
	readonly soakMinutes: number;
	readonly tools: readonly string[];
};

type Tool = {
	readonly name: string;
	readonly command: string;
	readonly ready: RegExp;
	readonly keys: readonly [string, string];
};

const busyTools: readonly Tool[] = [
	{name: 'sshtop', command: cliPath, ready: /listening on|no sshd listener/u, keys: ['Down', 'Up']},
	{name: 'htop', command: 'htop', ready: /Load average/u, keys: ['Down', 'Up']},
	// Its process box's title; btop wants a UTF-8 locale.
	{name: 'btop', command: 'LANG=C.UTF-8 btop', ready: /proc/u, keys: ['Down', 'Up']},
];

type Measured = {
	firstFrameMs?: number;
	cpuPercent?: number;
	bytesWritten?: number;
	rssMegabytes?: number;
	keypressMs?: number;
	failure?: string;
};

/** What the short logins did: started, succeeded, and those skipped because too many were still running. */
type LoginTally = {started: number; succeeded: number; failed: number; skipped: number};

/** The busy load: shells printing once a second, and `rate` logins a second until stopped. */
export async function startBusyLoad(
	sshd: TestSshd,
	options: BusyOptions,
): Promise<{clients: SshClient[]; tally: LoginTally; stop: () => Promise<void>}> {
	const clients: SshClient[] = [];
	// Eight at a time: more unauthenticated connections at once meet MaxStartups.
	for (let index = 0; index < options.sessions; index += 8) {
		const batch = await Promise.allSettled(
			Array.from({length: Math.min(8, options.sessions - index)}, async (_, offset) =>
				connectShell(sshd, {label: `busy shell ${index + offset + 1}`, timeoutMs: 60_000}),
			),
		);
		for (const result of batch) {
			if (result.status === 'fulfilled') clients.push(result.value);
		}

		const failure = batch.find(result => result.status === 'rejected');
		if (failure !== undefined) {
			await Promise.all(clients.map(async client => client.stop()));
			throw failure.reason instanceof Error ? failure.reason : new Error(String(failure.reason));
		}
	}

	for (const client of clients) {
		client.write('while :; do echo "busy $(date +%T.%N)"; sleep 1; done\n');
	}

	const tally: LoginTally = {started: 0, succeeded: 0, failed: 0, skipped: 0};
	const running = new Set<Promise<unknown>>();
	const login = () => {
		// A login that takes more than a few seconds means the box is saturated: do not pile on.
		if (running.size >= Math.max(4, options.rate * 4)) {
			tally.skipped++;
			return;
		}

		tally.started++;
		const attempt = execa(
			'ssh',
			['-p', String(sshd.port), ...sshd.clientOptions, `${sshd.defaultUser}@127.0.0.1`, 'true'],
			{
				reject: false,
				stdin: 'ignore',
				timeout: 30_000,
			},
		).then(result => {
			if (result.exitCode === 0) tally.succeeded++;
			else tally.failed++;
		});
		running.add(attempt);
		void attempt.finally(() => {
			running.delete(attempt);
		});
	};

	const timer = options.rate > 0 ? setInterval(login, 1000 / options.rate) : undefined;
	return {
		clients,
		tally,
		async stop() {
			if (timer !== undefined) clearInterval(timer);
			await Promise.allSettled(running);
			await Promise.all(clients.map(async client => client.stop().catch(() => undefined)));
		},
	};
}

/** A pane for `tool` with its own home, settings and cache directories: nothing lands in the operator's. */
async function startTool(tool: Tool, configHome: string) {
	mkdirSync(configHome, {recursive: true, mode: 0o700});
	return startPane(
		// Through env: sh does not export an assignment before `exec` that was not exported already.
		`exec env HOME=${configHome} XDG_CONFIG_HOME=${configHome} XDG_CACHE_HOME=${configHome}/cache ${tool.command}`,
		tool.ready,
	);
}

/** CPU, bytes written, RSS and keypress latency over one long run of `tool`. */
async function measureRun(tool: Tool, options: BusyOptions, configHome: string): Promise<Measured> {
	const pane = await startTool(tool, configHome);
	try {
		if (pane.failure !== undefined) return {failure: pane.failure};
		await delay(3000);
		const ticksBefore = cpuTicks(pane.pid);
		const bytesBefore = sizeOf(pane.output);
		await delay(options.cpuSeconds * 1000);
		if (!isAlive(pane.pid)) return {failure: `exited, last line "${lastLine(pane.output).slice(0, 120)}"`};
		const cpuPercent = ((cpuTicks(pane.pid) - ticksBefore) / (options.cpuSeconds * 100)) * 100;
		const bytesWritten = sizeOf(pane.output) - bytesBefore;
		const rss = rssMegabytes(pane.pid);
		const keypressMs = await keypressLatency(pane, tool.keys, options.keys);
		return {cpuPercent, bytesWritten, rssMegabytes: rss, keypressMs};
	} finally {
		await pane.stop();
	}
}

/** Runs the busy scenario; returns the report's lines (Markdown). */
export async function runBusy(options: BusyOptions): Promise<string[]> {
	const tools = busyTools.filter(tool => options.tools.includes(tool.name));
	const directory = mkdtempSync(path.join(tmpdir(), 'sshtop-bench-busy-'));
	// The harness's tmux keeps its sockets under the run directory: this one, removed at the end.
	process.env['SSHTOP_TEST_RUN_DIR'] ??= directory;
	const createdAccount = !(await hasTestAccount());
	let sshd: TestSshd | undefined;
	let load: Awaited<ReturnType<typeof startBusyLoad>> | undefined;
	try {
		// Room for the logins' unauthenticated phase beside the shells being opened.
		sshd = await startTestSshd({extraConfig: ['MaxStartups 100:30:200']});
		console.error(`busy: opening ${options.sessions} printing shells, ${options.rate} logins/s…`);
		load = await startBusyLoad(sshd, options);
		await delay(5000);
		const configHome = (tool: Tool) => path.join(directory, tool.name);
		const firstFrames = new Map(tools.map(tool => [tool.name, [] as number[]]));
		const results = new Map<string, Measured>();
		for (let run = 0; run < options.runs; run++) {
			for (const tool of tools) {
				const pane = await startTool(tool, configHome(tool));
				await pane.stop();
				if (pane.failure === undefined) firstFrames.get(tool.name)!.push(pane.firstFrameMs);
				else results.set(tool.name, {failure: pane.failure});
			}
		}

		const tallyBefore = {...load.tally};
		const startedAt = performance.now();
		for (const tool of tools) {
			if (results.get(tool.name)?.failure !== undefined) continue;
			console.error(`  ${tool.name}…`);
			results.set(tool.name, {
				...(await measureRun(tool, options, configHome(tool))),
				firstFrameMs: median(firstFrames.get(tool.name)!),
			});
		}

		const seconds = (performance.now() - startedAt) / 1000;
		const logins = load.tally.succeeded - tallyBefore.succeeded;
		const htop = results.get('htop');
		const lines = [
			`Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}. ` +
				`Busy: ${load.clients.length} pty shells printing a line a second, ${options.rate} logins a second asked ` +
				`(${(logins / seconds).toFixed(2)}/s succeeded while measuring, ${load.tally.failed} failed, ${load.tally.skipped} skipped as the box lagged); ` +
				`CPU and bytes over ${options.cpuSeconds} s, first frames median of ${options.runs} starts in turn, keypress median of ${options.keys}. Ratios to htop.`,
			'',
			'| program | first frame ms | CPU % of a core | bytes written | RSS MB | keypress → frame ms |',
			'|---|---:|---:|---:|---:|---:|',
		];
		for (const tool of tools) {
			const measured = results.get(tool.name) ?? {};
			const cell = (pick: (value: Measured) => number | undefined, digits = 0) =>
				`${format(pick(measured), digits)}${tool.name === 'htop' ? '' : ratio(pick(measured), htop === undefined ? undefined : pick(htop))}`;
			lines.push(
				`| ${tool.name === 'sshtop' ? '**sshtop**' : tool.name} | ${cell(value => value.firstFrameMs)} | ${cell(value => value.cpuPercent, 2)} ` +
					`| ${cell(value => value.bytesWritten)} | ${cell(value => value.rssMegabytes, 1)} | ${cell(value => value.keypressMs)} |`,
			);
		}

		const failures = [...results].filter(([, measured]) => measured.failure !== undefined);
		if (failures.length > 0) {
			lines.push(
				'',
				`Not measured: ${failures.map(([name, measured]) => `${name}: ${measured.failure!}`).join('; ')}.`,
			);
		}

		if (options.soakMinutes > 0) {
			console.error(`  soak, ${options.soakMinutes} min…`);
			const sshtop = busyTools[0]!;
			const samples = await soakPane(async () => startTool(sshtop, configHome(sshtop)), options.soakMinutes);
			lines.push(
				'',
				...soakLines(
					samples,
					options.soakMinutes,
					`sshtop alone for ${options.soakMinutes} min in a 200×50 pane, still busy (${load.clients.length} printing shells, ${options.rate} logins/s)`,
				),
			);
		}

		return lines;
	} finally {
		await load?.stop();
		await sshd?.stop();
		if (createdAccount) await removeTestAccount();
		rmSync(directory, {recursive: true, force: true});
	}
}
