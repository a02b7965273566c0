// `sshtop metrics` and `sshtop serve` against the real Prometheus tools: promtool accepts what
// sshtop prints (hostile label values included), and a real Prometheus server, started here on
// loopback with its own config and storage, scrapes `sshtop serve` every second and answers
// queries with the sessions that ss shows for a private sshd, following a session that ends.
import process from 'node:process';
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {renderMetrics} from '../../source/model/metrics/exposition.js';
import {report, shellSession} from '../fixtures/builders.js';
import {connectShell, type SshClient} from './harness/clients.js';
import {readSs} from './harness/ground-truth.js';
import {endProcesses, ownProcess, registerExitCleanup, type OwnedProcess} from './harness/processes.js';
import {freePort, startTestSshd, type TestSshd} from './harness/sshd.js';
import {cliPath, ensureBuilt, runSshtop, testRunDirectory} from './harness/sshtop.js';
import {waitFor} from './harness/wait-for.js';

const hasPrometheus = ['promtool', 'prometheus'].every(program =>
	(process.env['PATH'] ?? '').split(':').some(directory => {
		try {
			return statSync(path.join(directory, program)).isFile();
		} catch {
			return false;
		}
	}),
);

/** `promtool check metrics` on a text: its exit code and everything it said. */
async function promtoolCheck(text: string) {
	const result = await execa('promtool', ['check', 'metrics'], {input: text, reject: false, all: true});
	return {exitCode: result.exitCode, said: result.all ?? ''};
}

type Started = {readonly child: ChildProcess; readonly owned: OwnedProcess; readonly output: () => string};

/** Starts a long-running program, keeping what it prints; ended by pid in afterAll. */
function startProgram(file: string, args: readonly string[]): Started {
	const child = spawn(file, args, {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1'}});
	let output = '';
	const keep = (chunk: Uint8Array) => {
		output += chunk.toString();
	};

	child.stdout.on('data', keep);
	child.stderr.on('data', keep);
	const owned = ownProcess(child.pid!);
	if (owned === undefined) throw new Error(`${file} exited at once: ${output}`);
	return {child, owned, output: () => output};
}

describe.skipIf(!hasPrometheus)('Prometheus metrics', () => {
	let sshd: TestSshd;
	let clients: SshClient[] = [];
	let directory: string;
	const started: Started[] = [];

	/** `sshtop serve` on a free loopback port, once it says where it listens. */
	async function startServe(extra: readonly string[]): Promise<{readonly serve: Started; readonly url: string}> {
		const serve = startProgram('node', [cliPath, 'serve', '--listen', '127.0.0.1:0', '--interval', '1', ...extra]);
		started.push(serve);
		const url = await waitFor(() => /listening on (http:\/\/\S+)/u.exec(serve.output())?.[1], {
			timeoutMs: 15_000,
			description: `sshtop serve to listen (it said: ${serve.output()})`,
		});
		return {serve, url};
	}

	beforeAll(async () => {
		await ensureBuilt();
		directory = mkdtempSync(path.join(testRunDirectory(), 'sshtop-prometheus-'));
		registerExitCleanup({processes: () => started.map(each => each.owned), directories: [directory]});
		sshd = await startTestSshd();
		clients = [await connectShell(sshd, {label: 'first'}), await connectShell(sshd, {label: 'second'})];
	}, 60_000);

	afterAll(async () => {
		await endProcesses(started.map(each => each.owned));
		await Promise.all(clients.map(async client => client.stop()));
		await sshd?.stop();
		if (directory !== undefined) rmSync(directory, {recursive: true, force: true});
	}, 60_000);

	it('prints what promtool check metrics accepts, per-session series included', async () => {
		const run = await runSshtop(['metrics', '--per-session']);
		expect(run.stderr).toBe('');
		expect(run.exitCode).toBe(0);
		// Execa drops the last newline sshtop wrote; the format needs one.
		expect(await promtoolCheck(`${run.stdout}\n`)).toEqual({exitCode: 0, said: ''});
		for (const client of clients) {
			expect(run.stdout).toContain(`peer="127.0.0.1:${client.localPort}"`);
		}
	});

	it('escapes hostile user names and ttys so that promtool still accepts the exposition', async () => {
		const hostile = [
			shellSession(1000, {user: 'ev"il\\\n} 1\nfake_metric 9', tty: 'pts/\u001B]52;c;x\u0007'}),
			shellSession(1100, {user: '\u202Eresu\u0085\uFFFD', tty: 'pts/1'}),
		];
		const text = renderMetrics(report(hostile), {durationSeconds: 0.1, scansTotal: 1}, {perSession: true});
		expect(await promtoolCheck(text)).toEqual({exitCode: 0, said: ''});
		expect(text).not.toMatch(/^fake_metric/mu);
	});

	it('writes --output atomically: the whole exposition, readable, and no temporary file left', async () => {
		const output = path.join(directory, 'sshtop.prom');
		const run = await runSshtop(['metrics', '--output', output]);
		expect(run.exitCode).toBe(0);
		expect(run.stdout).toBe('');
		expect(await promtoolCheck(readFileSync(output, 'utf8'))).toEqual({exitCode: 0, said: ''});
		expect((statSync(output).mode & 0o777).toString(8)).toBe('644');
		const {stdout: listing} = await execa('ls', ['-A', directory]);
		expect(listing.split('\n').filter(name => name.startsWith('.'))).toEqual([]);
	});

	it('serves the sessions ss shows to a real Prometheus, and follows a session that ends', async () => {
		const {url} = await startServe(['--per-session']);
		const target = new URL(url).host;
		const prometheusPort = await freePort();
		const config = path.join(directory, 'prometheus.yml');
		writeFileSync(
			config,
			[
				'global:',
				'  scrape_interval: 1s',
				'  evaluation_interval: 1s',
				'scrape_configs:',
				'  - job_name: sshtop',
				'    scrape_interval: 1s',
				'    static_configs:',
				`      - targets: ['${target}']`,
				'',
			].join('\n'),
		);
		const prometheus = startProgram('prometheus', [
			`--config.file=${config}`,
			`--storage.tsdb.path=${path.join(directory, 'data')}`,
			`--web.listen-address=127.0.0.1:${prometheusPort}`,
			'--log.level=warn',
		]);
		started.push(prometheus);

		/** One instant value from Prometheus' query API; undefined while it has none. */
		async function query(expression: string): Promise<number | undefined> {
			const response = await fetch(
				`http://127.0.0.1:${prometheusPort}/api/v1/query?query=${encodeURIComponent(expression)}`,
			);
			const body = (await response.json()) as {data?: {result?: Array<{value: [number, string]}>}};
			const value = body.data?.result?.[0]?.value[1];
			return value === undefined ? undefined : Number(value);
		}

		// Ground truth: the client ends of the private sshd's established connections, per ss.
		const connectedPorts = async () =>
			(await readSs())
				.filter(socket => socket.state === 'ESTAB' && socket.local.port === sshd.port)
				.map(socket => socket.peer.port)
				.toSorted((a, b) => a - b);
		const ourSessions = (ports: readonly number[]) =>
			String.raw`count(sshtop_session_info{job="sshtop",peer=~"127\\.0\\.0\\.1:(${ports.join('|')})"}) or vector(0)`;

		const ports = await connectedPorts();
		expect(ports).toEqual(clients.map(client => client.localPort).toSorted((a, b) => a - b));
		await waitFor(async () => (await query(ourSessions(ports))) === 2, {
			timeoutMs: 60_000,
			intervalMs: 500,
			description: `Prometheus to count the 2 sessions (prometheus said: ${prometheus.output().slice(-500)})`,
		});
		expect(await query('up{job="sshtop"}')).toBe(1);
		expect(await query('sshtop_listeners{job="sshtop"}')).toBeGreaterThanOrEqual(1);

		await clients[1]!.stop();
		expect(await connectedPorts()).toEqual([clients[0]!.localPort]);
		await waitFor(async () => (await query(ourSessions(ports))) === 1, {
			timeoutMs: 30_000,
			intervalMs: 500,
			description: 'Prometheus to see the ended session gone',
		});
		clients = [clients[0]!];
	}, 120_000);

	it('answers 50 parallel scrapers for 30 s with valid expositions, its memory flat', async () => {
		const {serve, url} = await startServe([]);
		const rssKb = () => Number(/^VmRSS:\s+(\d+)/mu.exec(readFileSync(`/proc/${serve.owned.pid}/status`, 'utf8'))?.[1]);
		const bodies = new Set<string>();
		const statuses = new Map<number, number>();
		let responses = 0;
		const endAt = Date.now() + 30_000;
		const samples: number[] = [];
		const sampler = setInterval(() => {
			samples.push(rssKb());
		}, 2000);
		await Promise.all(
			Array.from({length: 50}, async () => {
				while (Date.now() < endAt) {
					const response = await fetch(url);
					statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
					bodies.add(await response.text());
					responses += 1;
				}
			}),
		);
		clearInterval(sampler);
		expect([...statuses.keys()]).toEqual([200]);
		expect(responses).toBeGreaterThan(1000);
		// Each scan is served until the next: a few dozen distinct bodies, each checked.
		for (const body of bodies) {
			expect(await promtoolCheck(body)).toEqual({exitCode: 0, said: ''});
		}

		const scans = Math.max(...[...bodies].map(body => Number(/^sshtop_scans_total (\d+)$/mu.exec(body)?.[1])));
		expect(scans).toBeLessThanOrEqual(32);
		// The heap grows to its working size in the first seconds of load (V8 sizes its young
		// generation to the allocation rate), then stays: a body kept per request (5 KB, at the
		// 1,000+ requests a second here) would add tens of MB in the last third alone.
		const lastThird = samples.slice(-5);
		expect(Math.max(...lastThird) - Math.min(...lastThird)).toBeLessThan(12 * 1024);
		expect(Math.max(...samples)).toBeLessThan(200 * 1024);
	}, 90_000);

	it('answers 404 off /metrics and 405 to other methods, never stalls on a slow client, and stops on SIGTERM', async () => {
		const {serve, url} = await startServe([]);
		const base = new URL(url);
		expect((await fetch(new URL('/nope', base))).status).toBe(404);
		const post = await fetch(url, {method: 'POST', body: 'x'});
		expect(post.status).toBe(405);
		expect(post.headers.get('allow')).toBe('GET, HEAD');
		const {createConnection} = await import('node:net');
		// A client that sends half a request and then nothing.
		const slow = createConnection({host: base.hostname, port: Number(base.port)});
		slow.write('GET /metrics HTTP/1.1\r\nHost: x\r\n');
		const answered = await fetch(url);
		expect(answered.status).toBe(200);
		expect(answered.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
		expect(await promtoolCheck(await answered.text())).toEqual({exitCode: 0, said: ''});
		slow.destroy();

		serve.child.kill('SIGTERM');
		const exitCode = await new Promise<number | null>(resolve => {
			serve.child.once('exit', code => {
				resolve(code);
			});
		});
		expect(exitCode).toBe(0);
		expect(serve.output()).toContain('sshtop serve: stopped');
	}, 60_000);
});
