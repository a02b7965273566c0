// Filtering and sorting against real SSH sessions of a private sshd: the explorer's filter line
// in a real terminal (tmux, over ssh), and `--filter`/`--sort`/`--reverse` for `--json` and the
// plain tree. Ground truth comes from ps and ss, never from sshtop's own code.
import process from 'node:process';
import {existsSync} from 'node:fs';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectCommand, connectShell, type SshClient} from './harness/clients.js';
import {clientPortOf, readPs, readSs, sessionTruth, type SessionTruth} from './harness/ground-truth.js';
import {startTestSshd, type TestSshd} from './harness/sshd.js';
import {cliPath, type JsonSession} from './harness/sshtop.js';
import {shellQuote as quote, startTmux, type TmuxSession} from './harness/tmux.js';
import {waitFor} from './harness/wait-for.js';

const sshtopPath = process.env['SSHTOP_E2E_BIN'] ?? cliPath;

type JsonNode = {readonly pid: number; readonly command: string; readonly children: readonly JsonNode[]};

function pidsOf(node: JsonNode): number[] {
	return [node.pid, ...node.children.flatMap(child => pidsOf(child))];
}

async function runCli(...args: string[]) {
	return execa(process.execPath, [sshtopPath, ...args], {stdin: 'ignore', reject: false, env: {NO_COLOR: '1'}});
}

async function jsonSessions(...args: string[]): Promise<Array<JsonSession & {readonly processes: JsonNode}>> {
	const result = await runCli('--json', ...args);
	expect(result.stderr).toBe('');
	expect(result.exitCode).toBe(0);
	return (JSON.parse(result.stdout) as {sessions: Array<JsonSession & {readonly processes: JsonNode}>}).sessions;
}

describe('filter and sort over real SSH sessions', () => {
	let sshd: TestSshd;
	let otherUser: string;
	let otherShell: SshClient;
	let command: SshClient;
	let tmux: TmuxSession;
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

	/** Esc clears the filter (every session of the box is shown); then only this sshd's again. */
	async function showOnlyThisSshd(): Promise<void> {
		await tmux.sendKeys('Escape');
		await tmux.waitForScreen(text => !text.includes('filter:'), {description: 'the filter cleared'});
		await tmux.sendText(String.raw`\port:${sshd.port}`);
		await tmux.sendKeys('Enter');
		await tmux.waitForScreen(
			text => [ownPort, otherShell.localPort, command.localPort].every(port => portsOnScreen(text).includes(port)),
			{description: 'every session of this sshd again'},
		);
	}

	/** Ports of the test sshd's sessions on screen (session rows show `127.0.0.1:PORT`). */
	function portsOnScreen(screen: string): number[] {
		return [...screen.matchAll(/ 127\.0\.0\.1:(\d+) /gu)].map(match => Number(match[1]));
	}

	beforeAll(async () => {
		if (!existsSync(sshtopPath)) {
			throw new Error(`${sshtopPath} is missing: run npm run build first`);
		}

		sshd = await startTestSshd();
		// Filtering by a user name needs a second user; as root the harness has one.
		otherUser = sshd.unprivilegedUser ?? sshd.defaultUser;
		[otherShell, command] = await Promise.all([
			connectShell(sshd, {user: otherUser, label: 'the other user’s shell'}),
			connectCommand(sshd, 'sleep 60051'),
		]);
		const ssh = ['ssh', '-tt', '-p', String(sshd.port), ...sshd.clientOptions, `${sshd.defaultUser}@127.0.0.1`]
			.map(word => quote(word))
			.join(' ');
		tmux = await startTmux({command: `exec ${ssh}`, columns: 150, rows: 40});
		await tmux.waitForScreen(screen => /[$#] *$/mu.test(screen), {
			description: 'the remote shell prompt',
			timeoutMs: 20_000,
		});
		await tmux.sendText("PS1='remote> '");
		await tmux.sendKeys('Enter');
		await tmux.waitForScreen(screen => screen.includes('remote> '));
		ownPort = await clientPortOf(tmux.panePid, sshd.port, {description: 'the port of the ssh client in tmux'});
		// Only this test sshd's sessions: they are on the screen however many others the box has.
		await tmux.sendText(`${quote(process.execPath)} ${quote(sshtopPath)} --filter port:${sshd.port}`);
		await tmux.sendKeys('Enter');
		await tmux.waitForScreen(
			screen => [ownPort, otherShell.localPort, command.localPort].every(port => portsOnScreen(screen).includes(port)),
			{description: 'the explorer with all three sessions', timeoutMs: 20_000},
		);
	}, 60_000);

	afterAll(async () => {
		await tmux?.stop();
		await Promise.all([otherShell?.stop(), command?.stop()]);
		await sshd?.stop();
	});

	it('the filter line: the other user’s name leaves exactly that user’s session', async () => {
		if (sshd.unprivilegedUser === undefined) {
			// Without root there is one user only: the name would match every session.
			return;
		}

		const truth = await truthOf(otherShell.localPort);
		expect(truth.user).toBe(otherUser);
		// The filter line opens with the filter in force: a word added to it narrows it.
		await tmux.sendText(String.raw`\ ${otherUser}`);
		const screen = await tmux.waitForScreen(
			text => text.includes(`filter: port:${sshd.port} ${otherUser}▏`) && !portsOnScreen(text).includes(ownPort),
			{description: 'the filtered tree'},
		);
		// Of this test's connections exactly the other user's is left; any session on screen
		// (another sshd on the box may have some) is that user's.
		const ours = new Set([ownPort, otherShell.localPort, command.localPort]);
		expect(portsOnScreen(screen).filter(port => ours.has(port))).toEqual([otherShell.localPort]);
		const sessionLines = screen.split('\n').filter(line => / 127\.0\.0\.1:\d+ /u.test(line));
		expect(sessionLines.length).toBeGreaterThan(0);
		for (const line of sessionLines) {
			expect(line).toContain(otherUser);
		}

		await tmux.sendKeys('Enter');
		await tmux.waitForScreen(text => text.includes(`filter: port:${sshd.port} ${otherUser} (`), {
			description: 'the kept filter in the footer',
		});
		await showOnlyThisSshd();
	});

	it('the filter line: from::PORT of one connection shows exactly that session, whole', async () => {
		// ss: the server end whose peer is the command client's port, and ps: its process tree.
		const truth = await truthOf(command.localPort);
		const sleep = truth.members.find(row => row.args === 'sleep 60051');
		expect(sleep).toBeDefined();
		await tmux.sendText('\\');
		await tmux.sendKeys('C-u');
		await tmux.sendText(`from::${command.localPort}`);
		await tmux.sendKeys('Enter');
		const screen = await tmux.waitForScreen(
			text => text.includes(`filter: from::${command.localPort} (1 match)`) && portsOnScreen(text).length === 1,
			{description: 'one session left'},
		);
		expect(portsOnScreen(screen)).toEqual([command.localPort]);
		// The whole session is shown: every process ps counts under its top sshd.
		for (const member of truth.members.filter(row => row.pid !== truth.pid)) {
			expect(screen).toMatch(new RegExp(`─[▾▸─] +${member.pid} `, 'u'));
		}

		// The port in the FROM column is marked: underlined by the filter (tmux keeps the attribute).
		const coloured = await tmux.capturePane({colors: true});
		const row = coloured.split('\n').find(line => line.includes(`${command.localPort}`));
		expect(row).toMatch(new RegExp(String.raw`\u001B\[[\d;]*4[\d;]*m(?:\u001B\[[\d;]*m)*${command.localPort}`, 'u'));
		await showOnlyThisSshd();
	});

	it('> changes the sort key and I inverts its direction, in the header', async () => {
		await tmux.sendText('>');
		await tmux.waitForScreen(text => text.includes('sort: login time ↑'));
		await tmux.sendText('I');
		await tmux.waitForScreen(text => text.includes('sort: login time ↓'));
		await tmux.sendText('q');
		await tmux.waitForScreen(screen => screen.trimEnd().endsWith('remote>'));
	});

	it('--json --filter from::PORT lists only that session, with its full process tree', async () => {
		const truth = await truthOf(command.localPort);
		const sessions = await jsonSessions('--filter', `from::${command.localPort}`);
		expect(sessions).toHaveLength(1);
		expect(sessions[0]!.peer?.port).toBe(command.localPort);
		expect(sessions[0]!.pid).toBe(truth.pid);
		expect(pidsOf(sessions[0]!.processes).toSorted((a, b) => a - b)).toEqual(
			truth.members.map(row => row.pid).toSorted((a, b) => a - b),
		);
	});

	it('--json --filter on a process keeps each matching session’s tree whole (the JSON tree is a contract)', async () => {
		const truth = await truthOf(command.localPort);
		const sessions = await jsonSessions('--filter', 'sleep 60051');
		const session = sessions.find(each => each.peer?.port === command.localPort);
		expect(session).toBeDefined();
		// The sshds above sleep are in the tree, not just the matching process.
		expect(pidsOf(session!.processes)).toHaveLength(truth.members.length);
		expect(sessions.some(each => each.peer?.port === ownPort)).toBe(false);
	});

	it('--json --filter user:NAME lists only that user’s sessions', async () => {
		const sessions = await jsonSessions('--filter', `user:${otherUser}`);
		expect(sessions.length).toBeGreaterThan(0);
		expect(sessions.every(session => session.user === otherUser)).toBe(true);
		expect(sessions.some(session => session.peer?.port === otherShell.localPort)).toBe(true);
	});

	it("--json --filter 'idle>1h' lists only sessions idle longer than an hour", async () => {
		const sessions = await jsonSessions('--filter', 'idle>1h');
		expect(sessions.every(session => (session.idleSeconds ?? 0) > 3600)).toBe(true);
		// Ours were all opened a moment ago.
		expect(
			sessions.some(session => [ownPort, otherShell.localPort, command.localPort].includes(session.peer?.port ?? -1)),
		).toBe(false);
	});

	it('--json --sort pid orders sessions by pid, --reverse the other way', async () => {
		const ascending = (await jsonSessions('--sort', 'pid')).map(session => session.pid);
		expect(ascending.length).toBeGreaterThanOrEqual(3);
		expect(ascending).toEqual(ascending.toSorted((a, b) => a - b));
		// Other suites' sessions may come and go between the two runs: compare each run with itself.
		const descending = (await jsonSessions('--sort', 'pid', '--reverse')).map(session => session.pid);
		expect(descending.length).toBeGreaterThanOrEqual(3);
		expect(descending).toEqual(descending.toSorted((a, b) => b - a));
		expect(descending).toContain(command.sessionPid);
	});

	it('--json sorts by idle, longest first, by default', async () => {
		const idle = (await jsonSessions()).map(session => session.idleSeconds).filter(seconds => seconds !== null);
		expect(idle).toEqual(idle.toSorted((a, b) => b - a));
	});

	it('the plain tree honours --filter: one session, its tree, and a filter line', async () => {
		const result = await runCli('--filter', `from::${command.localPort}`);
		expect(result.exitCode).toBe(0);
		expect(result.stderr).toBe('');
		expect(result.stdout).toContain(`filter: from::${command.localPort} (1 match)`);
		expect(portsOnScreen(result.stdout)).toEqual([command.localPort]);
		expect(result.stdout).toContain('sleep 60051');
	});

	it('a bad --sort or a malformed --filter is exit code 2 with one line on stderr', async () => {
		for (const args of [
			['--json', '--sort', 'colour'],
			['--sort', 'colour'],
			['--json', '--filter', 'idle>abc'],
			['--filter', 'pid:x'],
			['--json', '--sort'],
		]) {
			const result = await runCli(...args);
			expect(result.exitCode, args.join(' ')).toBe(2);
			expect(result.stdout, args.join(' ')).toBe('');
			expect(result.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
		}

		expect((await runCli('--json', '--sort', 'colour')).stderr).toMatch(
			/--sort takes one of idle, login, cpu, memory, user, peer, pid/u,
		);
		expect((await runCli('--json', '--filter', 'idle>abc')).stderr).toMatch(/--filter: idle: 'abc' is not a duration/u);
	});

	it('--help describes the new flags with examples', async () => {
		const result = await runCli('--help');
		expect(result.stdout).toContain('--filter QUERY');
		expect(result.stdout).toContain('--sort KEY');
		expect(result.stdout).toContain('--reverse');
		expect(result.stdout).toContain("sshtop --json --filter 'idle>1h'");
	});
});
