// Every action also reaches the system log: a real rsyslogd, started here with a private config
// and socket, receives one authpriv line per signalled target, tagged sshtop, naming the pid,
// the signal, the result and the operator; --no-syslog sends it nothing.
import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {userInfo} from 'node:os';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectShell, type SshClient} from './harness/clients.js';
import {endProcesses, ownProcess, registerExitCleanup, type OwnedProcess} from './harness/processes.js';
import {isRoot, startTestSshd, type TestSshd} from './harness/sshd.js';
import {ensureBuilt, runSshtop, testRunDirectory} from './harness/sshtop.js';
import {waitFor} from './harness/wait-for.js';

const rsyslogd = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'].find(file => existsSync(file));

describe.skipIf(!isRoot || rsyslogd === undefined)('actions in the system log', () => {
	let sshd: TestSshd;
	let directory: string;
	let socket: string;
	let messages: string;
	let daemon: OwnedProcess | undefined;
	const clients: SshClient[] = [];

	beforeAll(async () => {
		await ensureBuilt();
		directory = mkdtempSync(path.join(testRunDirectory(), 'sshtop-rsyslog-'));
		registerExitCleanup({processes: () => (daemon === undefined ? [] : [daemon]), directories: [directory]});
		socket = path.join(directory, 'log.sock');
		messages = path.join(directory, 'messages.log');
		mkdirSync(path.join(directory, 'work'));
		const config = path.join(directory, 'rsyslog.conf');
		writeFileSync(
			config,
			[
				`global(workDirectory="${path.join(directory, 'work')}")`,
				'module(load="imuxsock" SysSock.Use="off")',
				`input(type="imuxsock" Socket="${socket}" CreatePath="on")`,
				String.raw`template(name="line" type="string" string="%syslogfacility-text%.%syslogseverity-text% %syslogtag%%msg%\n")`,
				`*.* action(type="omfile" file="${messages}" template="line")`,
				'',
			].join('\n'),
		);
		const child = spawn(rsyslogd!, ['-n', '-f', config, '-i', path.join(directory, 'rsyslogd.pid')], {
			stdio: 'ignore',
		});
		daemon = ownProcess(child.pid!);
		await waitFor(() => existsSync(socket), {timeoutMs: 10_000, description: 'rsyslogd to create its socket'});
		sshd = await startTestSshd();
		clients.push(await connectShell(sshd, {label: 'logged'}), await connectShell(sshd, {label: 'not logged'}));
	}, 60_000);

	afterAll(async () => {
		await Promise.all(clients.map(async client => client.stop()));
		await sshd?.stop();
		if (daemon !== undefined) await endProcesses([daemon]);
		if (directory !== undefined) rmSync(directory, {recursive: true, force: true});
	}, 60_000);

	/** `sshtop reap --yes` of one client's session, logged to `auditLog`, with these flags too. */
	async function reapSession(client: SshClient, auditLog: string, ...flags: string[]) {
		return runSshtop([
			'reap',
			'--filter',
			`pid:${client.sessionPid}`,
			'--yes',
			'--grace',
			'1s',
			'--audit-log',
			auditLog,
			...flags,
		]);
	}

	const linesOf = () =>
		existsSync(messages)
			? readFileSync(messages, 'utf8')
					.split('\n')
					.filter(line => line !== '')
			: [];

	it('gets one authpriv.notice line per signalled target from sshtop reap, with pid, signal, result and operator', async () => {
		const [client] = clients;
		const auditLog = path.join(directory, 'actions.log');
		const run = await reapSession(client!, auditLog, '--syslog-socket', socket);
		expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
		expect(run.stderr).toBe('');
		const lines = await waitFor(
			() => {
				const found = linesOf().filter(line => line.includes(`pid=${client!.sessionPid} `));
				return found.length > 0 && found;
			},
			{description: 'rsyslogd to write the line'},
		);
		expect(lines).toHaveLength(1);
		const operator = userInfo().username;
		expect(lines[0]).toMatch(
			new RegExp(
				String.raw`^authpriv\.notice sshtop\[\d+\]: action=reap signal=SIGTERM pid=${client!.sessionPid} result=sent user=\S+ tty=\S+ peer=127\.0\.0\.1:${client!.localPort} operator=${operator} operator_uid=0 `,
				'u',
			),
		);
		// One line per target and per audit line's target: the audit file names the same ones.
		const audited = readFileSync(auditLog, 'utf8')
			.split('\n')
			.filter(line => line !== '')
			.flatMap(line => (JSON.parse(line) as {targets: Array<{pid: number}>}).targets.map(target => target.pid));
		const logged = linesOf().map(line => Number(/ pid=(\d+) /u.exec(line)?.[1]));
		expect(logged.toSorted()).toEqual(audited.toSorted());
	});

	it('gets nothing with --no-syslog', async () => {
		const [, client] = clients;
		const before = linesOf().length;
		const run = await reapSession(client!, path.join(directory, 'quiet.log'), '--no-syslog');
		expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
		// Rsyslogd writes what it gets at once; a marker sent after proves it had its chance.
		await execa('logger', ['--socket', socket, '--tag', 'marker', 'after']);
		await waitFor(() => linesOf().some(line => line.includes('marker')), {description: 'the marker line'});
		expect(
			linesOf()
				.slice(before)
				.filter(line => line.includes('sshtop')),
		).toEqual([]);
	});
});
