// The explorer in a real terminal, as a person uses it over SSH: tmux runs `ssh -tt` into the
// private test sshd, sshtop runs in that remote shell, and the test reads the screen.
// Ground truth about sessions comes from ps and ss, never from sshtop's own code.
import process from 'node:process';
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectCommand, connectShell, typeLine, type SshClient} from './harness/clients.js';
import {clientPortOf, readPs, readSs, sessionTruth, type SessionTruth} from './harness/ground-truth.js';
import {isRoot, startTestSshd, type TestSshd} from './harness/sshd.js';
import {moveSelectionTo} from './harness/navigate.js';
import {testRunDirectory} from './harness/sshtop.js';
import {shellQuote as quote, startTmux, type TmuxSession} from './harness/tmux.js';
import {waitFor} from './harness/wait-for.js';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
// SSHTOP_E2E_BIN runs the suite against another build of the same CLI (an installed one, say).
const sshtopPath = process.env['SSHTOP_E2E_BIN'] ?? path.join(repositoryRoot, 'dist', 'sshtop.js');

const processRow = /[├└]─[▾▸─] +\d+ \S+ +[A-Z] /mu;

describe('the explorer in a terminal, over SSH', () => {
	let sshd: TestSshd;
	let otherShell: SshClient;
	let command: SshClient;
	let tmux: TmuxSession;
	let own: SessionTruth;
	let ownPort: number;

	async function truthOf(port: number): Promise<SessionTruth> {
		return waitFor(
			async () => {
				const [table, sockets] = await Promise.all([readPs(), readSs()]);
				return sessionTruth(sockets, table, sshd.pid, {serverPort: sshd.port, clientPort: port});
			},
			{description: `the server side of client port ${port}`},
		);
	}

	async function paneFormat(format: string): Promise<string> {
		const {stdout} = await execa('tmux', ['-L', tmux.socketName, 'display-message', '-p', '-t', 'main', format], {
			env: {TMUX_TMPDIR: testRunDirectory()},
		});
		return stdout;
	}

	async function paneTitle(): Promise<string> {
		return paneFormat('#{pane_title}');
	}

	/** The pane's scrollback, above the visible screen. */
	async function paneHistory(): Promise<string> {
		const {stdout} = await execa(
			'tmux',
			['-L', tmux.socketName, 'capture-pane', '-p', '-t', 'main', '-S', '-', '-E', '-1'],
			{
				env: {TMUX_TMPDIR: testRunDirectory()},
			},
		);
		return stdout;
	}

	/** Presses * (everything open, then every session closed, in turn) until the screen shows `wanted`. */
	async function toggleAllUntil(wanted: (screen: string) => boolean): Promise<string> {
		return waitFor(
			async () => {
				const screen = await tmux.capturePane();
				if (wanted(screen)) {
					return screen;
				}

				await tmux.sendText('*');
				return undefined;
			},
			{description: 'the rows * opens or closes', intervalMs: 700},
		);
	}

	/** The screen once two captures a moment apart agree: a frame fully drawn. */
	async function settledScreen(): Promise<string> {
		let last = '';
		return waitFor(
			async () => {
				const screen = await tmux.capturePane();
				const isSettled = screen === last;
				last = screen;
				return isSettled ? screen : undefined;
			},
			{description: 'the screen to settle', intervalMs: 300},
		);
	}

	/**
	The explorer, showing only this test's three sessions, so they are on the screen however
	many others the box has (they sort by idle time, longest first, under their listeners).
	The remote shell ($$) is one of its own session's processes. A pid: filter marks no text in
	the session rows, which the tests find by their peer.
	*/
	function explorerCommand(): string {
		return `${quote(process.execPath)} ${quote(sshtopPath)} --filter pid:$$,${otherShell.sessionPid},${command.sessionPid}`;
	}

	/** The screen line of the session whose peer is 127.0.0.1:PORT. */
	function sessionLine(screen: string, port: number): string | undefined {
		return screen.split('\n').find(line => line.includes(`127.0.0.1:${port} `));
	}

	beforeAll(async () => {
		if (!existsSync(sshtopPath)) {
			throw new Error(`${sshtopPath} is missing: run npm run build first`);
		}

		sshd = await startTestSshd();
		[otherShell, command] = await Promise.all([
			connectShell(sshd, {user: sshd.unprivilegedUser, label: 'another user’s shell'}),
			connectCommand(sshd, 'sleep 60042'),
		]);
		const ssh = ['ssh', '-tt', '-p', String(sshd.port), ...sshd.clientOptions, `${sshd.defaultUser}@127.0.0.1`]
			.map(word => quote(word))
			.join(' ');
		tmux = await startTmux({command: `exec ${ssh}`, columns: 140, rows: 40});
		await tmux.waitForScreen(screen => /[$#] *$/mu.test(screen), {
			description: 'the remote shell prompt',
			timeoutMs: 20_000,
		});
		await tmux.sendText("PS1='remote> '");
		await tmux.sendKeys('Enter');
		await tmux.waitForScreen(screen => screen.includes('remote> '));
		ownPort = await clientPortOf(tmux.panePid, sshd.port, {description: 'the port of the ssh client in tmux'});
		own = await truthOf(ownPort);
		await tmux.sendText(explorerCommand());
		await tmux.sendKeys('Enter');
		await tmux.waitForScreen(screen => sessionLine(screen, ownPort) !== undefined, {
			description: 'the explorer',
			timeoutMs: 20_000,
		});
	}, 60_000);

	afterAll(async () => {
		await tmux?.stop();
		await sshd?.stop();
	});

	it('shows each session of the test sshd with its user, tty and peer port, as ps and ss say', async () => {
		const screen = await tmux.waitForScreen(
			text =>
				sessionLine(text, command.localPort) !== undefined && sessionLine(text, otherShell.localPort) !== undefined,
		);
		for (const client of [otherShell, command]) {
			const truth = await truthOf(client.localPort);
			const line = sessionLine(screen, client.localPort)!;
			expect(line).toContain(truth.user);
			expect(line).toMatch(new RegExp(` ${truth.ttys[0] ?? '-'} `, 'u'));
		}

		const ownLine = sessionLine(screen, ownPort)!;
		expect(ownLine).toContain(own.ttys[0]);
		expect(screen).toMatch(
			new RegExp(String.raw`\d+ sessions? .*listening on .*:${sshd.port} \(pid ${sshd.pid}\)`, 'u'),
		);
		if (isRoot) {
			// Root may ask the test sshd (sshd -T -f its config): no ClientAlive settings, TCPKeepAlive on.
			// The answer comes in the background, so wait for it.
			const policy = new RegExp(
				String.raw`idle policy(?: :${sshd.port})?: ClientAliveInterval 0 \(off\), TCPKeepAlive yes`,
				'u',
			);
			await tmux.waitForScreen(text => policy.test(text));
		}
	});

	it('marks the session sshtop runs in, and shows it open down to sshtop itself', async () => {
		const screen = await tmux.capturePane();
		expect(sessionLine(screen, ownPort)).toContain(`*${own.user}`);
		expect(sessionLine(screen, command.localPort)).not.toContain('*');
		expect(screen).toContain(sshtopPath);
	});

	it('collapses every session with * (it alternates with everything open) and expands the selected one with →', async () => {
		// Process rows (tree glyphs, then a pid) are gone; session rows still name their foreground command.
		await toggleAllUntil(screen => !processRow.test(screen) && sessionLine(screen, command.localPort) !== undefined);
		// Walk to the other user's session with ↓ and ↑.
		await moveSelectionTo(
			tmux,
			lines => lines.findIndex(line => line.includes(`127.0.0.1:${otherShell.localPort} `)),
			'the other user’s session',
		);
		const otherTruth = await truthOf(otherShell.localPort);
		await tmux.sendKeys('Right');
		// One level opens: the connection sshd's child (the user-side sshd under privilege separation).
		const child = otherTruth.members.find(row => row.ppid === otherTruth.pid);
		expect(child).toBeDefined();
		await tmux.waitForScreen(screen =>
			screen.split('\n').some(line => new RegExp(`─[▾▸─] +${child!.pid} +${child!.user} `, 'u').test(line)),
		);
	});

	it('opens a help screen with ? that lists the keys, and closes it with ?', async () => {
		await tmux.sendText('?');
		const help = await tmux.waitForScreen(screen => screen.includes('Move the selection up'));
		expect(help).toContain('Expand every row; again, collapse every session');
		await tmux.sendKeys('End');
		await tmux.waitForScreen(screen => screen.includes('Quit') || screen.includes('left behind:'));
		await tmux.sendText('?');
		await tmux.waitForScreen(screen => sessionLine(screen, ownPort) !== undefined);
	});

	it('pauses with p and says so', async () => {
		await tmux.sendText('p');
		await tmux.waitForScreen(screen => screen.includes('PAUSED'));
		await tmux.sendText('p');
		await tmux.waitForScreen(screen => !screen.includes('PAUSED'));
	});

	it('shows a hostile process name as visible text: no title change, no screen clear, no bell', async () => {
		const titleBefore = await paneTitle();
		// Another user names a background job with an OSC title sequence, a bell and a clear-screen.
		typeLine(otherShell, String.raw`exec -a $'\e]0;pwned\a\e[2J' sleep 60043 &`);
		await waitFor(async () => (await readPs()).rows.find(row => row.args.includes('pwned')), {
			description: 'the hostile process',
		});
		const screen = await toggleAllUntil(text => text.includes('^[]0;pwned^G^[[2J'));
		expect(sessionLine(screen, ownPort)).toBeDefined();
		expect(await paneTitle()).toBe(titleBefore);
	});

	it('draws on the alternate screen', async () => {
		expect(await paneFormat('#{alternate_on}')).toBe('1');
	});

	it('fits a resized terminal, 80×24, and its session rows keep PID and TTY', async () => {
		await tmux.resize(80, 24);
		const screen = await tmux.waitForScreen(text => {
			const lines = text.split('\n');
			return lines.length === 24 && sessionLine(text, ownPort) !== undefined && lines.every(line => line.length < 80);
		});
		expect(screen.match(/ up \d+/gu)).toHaveLength(1);
		expect(screen).toContain('q quit');
		for (const client of [otherShell, command]) {
			const truth = await truthOf(client.localPort);
			const line = sessionLine(screen, client.localPort)!;
			expect(line).toMatch(new RegExp(` ${truth.pid} `, 'u'));
			expect(line).toMatch(new RegExp(` ${truth.ttys[0] ?? '-'} `, 'u'));
		}
	});

	it('after 200 → 84 → 200 columns the screen is what a fresh repaint draws: no stale or doubled line', async () => {
		await tmux.resize(200, 50);
		await tmux.waitForScreen(text => sessionLine(text, ownPort) !== undefined && text.split('\n').length === 50);
		// Frozen, so that the frames compared differ only by how they were drawn.
		await tmux.sendText('p');
		await tmux.waitForScreen(text => text.includes('PAUSED'));
		await tmux.resize(84, 50);
		await tmux.waitForScreen(
			text => sessionLine(text, ownPort) !== undefined && text.split('\n').every(line => line.length < 84),
		);
		await tmux.resize(200, 50);
		const resized = await settledScreen();
		await tmux.sendKeys('C-l');
		const repainted = await settledScreen();
		expect(resized).toBe(repainted);
		expect(resized.match(/ up \d+/gu)).toHaveLength(1);
		expect(resized.match(/q quit/gu)).toHaveLength(1);
		await tmux.sendText('p');
		await tmux.waitForScreen(text => !text.includes('PAUSED'));
	});

	it('Ctrl-L repaints what another program scribbled over the screen', async () => {
		await tmux.sendText('p');
		await tmux.waitForScreen(text => text.includes('PAUSED'));
		const before = await settledScreen();
		writeFileSync(`/dev/${own.ttys[0]!}`, '\u001B[5;10HSCRIBBLED-OVER');
		await tmux.waitForScreen(text => text.includes('SCRIBBLED-OVER'));
		await tmux.sendKeys('C-l');
		await tmux.waitForScreen(text => !text.includes('SCRIBBLED-OVER'));
		expect(await settledScreen()).toBe(before);
		await tmux.sendText('p');
		await tmux.waitForScreen(text => !text.includes('PAUSED'));
		await tmux.resize(140, 40);
	});

	it('says plainly when the terminal is too small, and recovers when it grows', async () => {
		await tmux.resize(30, 8);
		await tmux.waitForScreen(screen => screen.includes('Terminal too small'));
		await tmux.resize(140, 40);
		await tmux.waitForScreen(screen => sessionLine(screen, ownPort) !== undefined && !screen.includes('too small'));
	});

	it('quits with q, gives the screen back as it was, and leaves a usable shell that echoes what is typed', async () => {
		await tmux.sendText('q');
		const screen = await tmux.waitForScreen(text => text.trimEnd().endsWith('remote>'));
		expect(await paneFormat('#{alternate_on}')).toBe('0');
		// Nothing of the explorer's frames is left on the screen or in the scrollback.
		expect(screen).not.toContain('listening on');
		expect(await paneHistory()).not.toContain('listening on');
		await tmux.sendText('echo typed-$((6*7))');
		await tmux.waitForScreen(screen => screen.includes('remote> echo typed-$((6*7))'));
		await tmux.sendKeys('Enter');
		await tmux.waitForScreen(screen => /^typed-42$/mu.test(screen));
	});

	it('quits with Ctrl-C too', async () => {
		await tmux.sendText('clear');
		await tmux.sendKeys('Enter');
		await tmux.sendText(explorerCommand());
		await tmux.sendKeys('Enter');
		await tmux.waitForScreen(screen => sessionLine(screen, ownPort) !== undefined);
		await tmux.sendKeys('C-c');
		await tmux.waitForScreen(screen => screen.trimEnd().endsWith('remote>'));
	});

	it('draws correctly in a terminal left in raw mode without output processing', async () => {
		await tmux.sendText('clear; stty raw -echo -onlcr; ' + explorerCommand() + '; stty sane');
		await tmux.sendKeys('Enter');
		const screen = await tmux.waitForScreen(
			text => sessionLine(text, ownPort) !== undefined && text.includes('q quit'),
		);
		const lines = screen.split('\n');
		// Every line starts at the first column: a bare newline there moves down without returning.
		expect(lines[0]).toMatch(/^\S+ {2}up /u);
		expect(lines.filter(line => line.includes('listening on'))).toEqual([expect.stringMatching(/^\d+ sessions? /u)]);
		expect(lines.filter(line => line.includes('q quit'))).toEqual([expect.stringMatching(/^filter: pid:/u)]);
		await tmux.sendText('q');
		await tmux.waitForScreen(text => text.trimEnd().endsWith('remote>'));
	});

	it('keeps a sort changed in the explorer for the next start, unless a flag says otherwise', async () => {
		const configHome = mkdtempSync(path.join(testRunDirectory(), 'config-'));
		const file = path.join(configHome, 'sshtop', 'config.json');
		const start = async (flags = '') => {
			await tmux.sendText(`clear; XDG_CONFIG_HOME=${quote(configHome)} ${explorerCommand()} ${flags}`);
			await tmux.sendKeys('Enter');
			return tmux.waitForScreen(text => sessionLine(text, ownPort) !== undefined);
		};

		const quit = async () => {
			await tmux.sendText('q');
			await tmux.waitForScreen(text => text.trimEnd().endsWith('remote>'));
		};

		try {
			// Alone (vitest -t), the explorer of beforeAll is still running.
			if (!(await tmux.capturePane()).trimEnd().endsWith('remote>')) {
				await quit();
			}

			expect((await start()).split('\n')[0]).toContain('sort: idle');
			// The setup screen opens with htop's F2 as tmux sends it, and closing it changes nothing.
			await tmux.sendKeys('F2');
			await tmux.waitForScreen(text => text.includes('Setup (kept for the next start)'));
			await tmux.sendKeys('Escape');
			await tmux.waitForScreen(text => sessionLine(text, ownPort) !== undefined);
			expect(existsSync(file)).toBe(false);
			await tmux.sendText('>');
			await tmux.waitForScreen(text => text.split('\n')[0]!.includes('sort: login'));
			await quit();
			expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({sort: 'login'});
			expect(statSync(file).mode & 0o777).toBe(0o600);

			expect((await start()).split('\n')[0]).toContain('sort: login');
			await quit();
			expect((await start('--sort cpu')).split('\n')[0]).toContain('sort: CPU');
			await quit();
			// A flag is not a change made in the explorer: the file still says login.
			expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({sort: 'login'});
		} finally {
			rmSync(configHome, {recursive: true, force: true});
		}
	});

	it('without a terminal prints a plain-text tree once and exits 0', async () => {
		const result = await execa(process.execPath, [sshtopPath], {stdin: 'ignore', reject: false, env: {NO_COLOR: '1'}});
		expect(result.exitCode).toBe(0);
		expect(result.stderr).toBe('');
		expect(result.stdout).not.toContain('\u001B');
		for (const client of [otherShell, command]) {
			const truth = await truthOf(client.localPort);
			const line = result.stdout.split('\n').find(each => each.includes(`127.0.0.1:${client.localPort} `));
			expect(line).toContain(truth.user);
		}
	});
});
