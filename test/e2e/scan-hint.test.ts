// Across runs: each full scan leaves the next start a scan hint (the SSH processes it found), so a
// second start reads those and the pids handed out since instead of all of /proc. The hint must
// never cost correctness: a session opened between the runs is on the very first frame.
// Ground truth about sessions comes from ps and ss.
import process from 'node:process';
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectShell, type SshClient} from './harness/clients.js';
import {readPs, readSs, sessionTruth, type SessionTruth} from './harness/ground-truth.js';
import {cliPath} from './harness/sshtop.js';
import {startTestSshd, type TestSshd} from './harness/sshd.js';
import {shellQuote as quote, startTmux, type TmuxSession} from './harness/tmux.js';
import {waitFor} from './harness/wait-for.js';

const sshtopPath = process.env['SSHTOP_E2E_BIN'] ?? cliPath;

describe('the scan hint kept between runs', () => {
	let sshd: TestSshd;
	let cacheHome: string;
	let tmux: TmuxSession;
	const clients: SshClient[] = [];
	const hintFile = () => path.join(cacheHome, 'sshtop', 'scan-hint.json');
	const hintPids = (): number[] => (JSON.parse(readFileSync(hintFile(), 'utf8')) as {pids: number[]}).pids;
	const sessionLine = (screen: string, port: number) =>
		screen.split('\n').find(line => line.includes(`127.0.0.1:${port} `));
	const truthOf = async (port: number): Promise<SessionTruth> =>
		waitFor(
			async () => {
				const [table, sockets] = await Promise.all([readPs(), readSs()]);
				return sessionTruth(sockets, table, sshd.pid, {serverPort: sshd.port, clientPort: port});
			},
			{description: `the server side of client port ${port}`},
		);

	const startSshtop = async () => {
		// Ink leaves its last frame on the screen: clear it, so a frame seen is this run's.
		await tmux.sendText('clear');
		await tmux.sendKeys('Enter');
		await tmux.waitForScreen(screen => !screen.includes('127.0.0.1:'), {description: 'a cleared screen'});
		// Only this test's sessions, so they are on the screen however many others the box has.
		// The filter picks rows to show; the scan, and so the hint, still covers the whole box.
		const ownSessions = `pid:${clients.map(client => client.sessionPid).join(',')}`;
		await tmux.sendText(
			`XDG_CACHE_HOME=${quote(cacheHome)} ${quote(process.execPath)} ${quote(sshtopPath)} --filter ${ownSessions}`,
		);
		await tmux.sendKeys('Enter');
	};

	const quitSshtop = async () => {
		await tmux.sendText('q');
		await tmux.waitForScreen(screen => /hint> *$/mu.test(screen), {description: 'the shell prompt after q'});
	};

	beforeAll(async () => {
		cacheHome = mkdtempSync(path.join(tmpdir(), 'sshtop-hint-cache-'));
		sshd = await startTestSshd();
		clients.push(await connectShell(sshd, {label: 'before the first run'}));
		tmux = await startTmux({command: 'exec bash --norc --noprofile', columns: 160, rows: 40});
		await tmux.waitForScreen(screen => /[$#] *$/mu.test(screen), {description: 'the shell prompt'});
		await tmux.sendText("PS1='hint> '");
		await tmux.sendKeys('Enter');
		await tmux.waitForScreen(screen => screen.includes('hint> '));
	}, 60_000);

	afterAll(async () => {
		await tmux?.stop();
		await Promise.all(clients.map(async client => client.stop()));
		await sshd?.stop();
		rmSync(cacheHome, {recursive: true, force: true});
	});

	it('is written privately after the first full scan and names the listener and each session’s processes, as ps says', async () => {
		const [first] = clients;
		await startSshtop();
		await tmux.waitForScreen(screen => sessionLine(screen, first!.localPort) !== undefined, {
			description: 'the first session',
			timeoutMs: 20_000,
		});
		await waitFor(async () => statSync(hintFile(), {throwIfNoEntry: false}) !== undefined, {
			description: 'the hint file',
		});
		expect(statSync(hintFile()).mode & 0o777).toBe(0o600);
		const truth = await truthOf(first!.localPort);
		expect(hintPids()).toEqual(expect.arrayContaining([sshd.pid, ...truth.members.map(row => row.pid)]));
		await quitSshtop();
	}, 40_000);

	it('shows a session opened between runs on the first frame of the next run', async () => {
		const [first] = clients;
		const second = await connectShell(sshd, {label: 'between the runs'});
		clients.push(second);
		const truth = await truthOf(second.localPort);
		expect(hintPids()).not.toContain(truth.pid);
		await startSshtop();
		// The first frame that shows the earlier session: poll faster than the read 300 ms later
		// that brings the full scan, so this is the frame made from the hint.
		const firstFrame = await waitFor(
			async () => {
				const screen = await tmux.capturePane();
				return sessionLine(screen, first!.localPort) === undefined ? undefined : screen;
			},
			{description: 'the first frame', timeoutMs: 20_000, intervalMs: 20},
		);
		expect(sessionLine(firstFrame, second.localPort)).toContain(truth.user);
		// After the full scan at the next refresh, the hint names the new session too.
		await waitFor(async () => (hintPids().includes(truth.pid) ? true : undefined), {
			description: 'the new session in the hint',
			timeoutMs: 10_000,
		});
		await quitSshtop();
	}, 40_000);
});
