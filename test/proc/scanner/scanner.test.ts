import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {buildReport} from '../../../source/model/report/build-report.js';
import {createProcessScanner, type ScannerOptions} from '../../../source/proc/scanner/scanner.js';
import {readSnapshot} from '../../../source/proc/read-snapshot.js';
import type {Snapshot} from '../../../source/proc/types.js';
import {FakeProc, fakeBootSeconds, statLine, type FakeProcess} from '../fake-proc.js';

// 10.0.0.5:22 listening (inode 9000) and accepted from 192.168.0.100:50001 (inode 9001).
const listenLine = '   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9000 1';
const connectionLine =
	'   1: 0500000A:0016 6400A8C0:C351 01 00000000:00000000 00:00000000 00000000     0        0 9001 1';
const secondListenLine =
	'   2: 00000000:0017 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9100 1';

const listener: FakeProcess = {
	pid: 100,
	comm: 'sshd',
	ppid: 1,
	start: 500,
	cmdline: 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups\0',
	exe: '/usr/sbin/sshd',
	fds: ['/dev/null', 'socket:[9000]'],
};
const monitor: FakeProcess = {
	pid: 200,
	comm: 'sshd',
	ppid: 100,
	start: 900,
	cmdline: 'sshd: alice [priv]\0',
	exe: '/usr/sbin/sshd',
	fds: ['socket:[9001]'],
};
const userSide: FakeProcess = {
	pid: 201,
	comm: 'sshd',
	ppid: 200,
	start: 901,
	uid: 1000,
	cmdline: 'sshd: alice@pts/3\0',
	exe: '/usr/sbin/sshd',
	fds: ['socket:[9001]'],
};
const shell: FakeProcess = {
	pid: 202,
	comm: 'bash',
	ppid: 201,
	start: 902,
	uid: 1000,
	tty: 34_819,
	cmdline: '-bash\0',
	exe: '/usr/bin/bash',
};
/** Outlived a connection that is gone: re-parented to PID 1 with the old SSH_CONNECTION. */
const leftover: FakeProcess = {
	pid: 400,
	comm: 'job',
	ppid: 1,
	start: 700,
	uid: 1000,
	cmdline: './job\0',
	exe: '/home/alice/job',
	environ: 'HOME=/home/alice\0SSH_CONNECTION=192.168.0.100 50002 10.0.0.5 22\0SSH_TTY=/dev/pts/1\0',
};
const leftoverChild: FakeProcess = {
	pid: 401,
	comm: 'sleep',
	ppid: 400,
	start: 701,
	uid: 1000,
	cmdline: 'sleep\u0000999\0',
	exe: '/usr/bin/sleep',
};
const cron: FakeProcess = {
	pid: 300,
	comm: 'cron',
	ppid: 1,
	start: 300,
	cmdline: '/usr/sbin/cron\0',
	exe: '/usr/sbin/cron',
	environ: 'PATH=/usr/bin\0',
};
const unrelated: FakeProcess = {
	pid: 301,
	comm: 'python3',
	ppid: 300,
	start: 800,
	cmdline: 'python3\0backup.py\0',
	exe: '/usr/bin/python3',
};

/** One hour after boot: every fixture process is old, so only changes make it re-read. */
const oneHourAfterBoot = (fakeBootSeconds + 3600) * 1000;

describe('createProcessScanner over a fake /proc', () => {
	let fake: FakeProc;
	let clock: number;
	const scanner = (options: ScannerOptions = {}) =>
		createProcessScanner({
			procRoot: fake.proc,
			devRoot: fake.dev,
			passwdPath: fake.passwd,
			selfPid: 999,
			now: () => clock,
			...options,
		});
	const pids = (snapshot: Snapshot) => snapshot.processes.map(process => process.pid);
	const byPid = (snapshot: Snapshot, pid: number) => snapshot.processes.find(process => process.pid === pid);

	beforeEach(() => {
		fake = new FakeProc();
		clock = oneHourAfterBoot;
		for (const process of [
			{pid: 1, comm: 'init', ppid: 0, start: 1, cmdline: '/sbin/init\0', exe: '/sbin/init'},
			{pid: 2, comm: 'kthreadd', ppid: 0, start: 1, flags: 0x20_80_40},
			listener,
			monitor,
			userSide,
			shell,
			leftover,
			leftoverChild,
			cron,
			unrelated,
		]) {
			fake.write(process);
		}

		fake.setTcp([listenLine, connectionLine]);
		fake.setLastPid(401);
	});

	afterEach(() => {
		fake.dispose();
	});

	it('keeps only the SSH part of the table: sshd trees and PID 1 children with an SSH_CONNECTION', () => {
		const reader = scanner();
		const snapshot = reader.read();
		expect(reader.lastScan()).toMatchObject({kind: 'full', reason: 'first'});
		expect(pids(snapshot)).toEqual([100, 200, 201, 202, 400, 401]);
		expect(byPid(snapshot, 100)?.socketInodes).toEqual([9000]);
		expect(byPid(snapshot, 202)).toMatchObject({user: 'alice', argv: ['-bash'], tty: 'pts/3'});
		expect(byPid(snapshot, 400)?.sshEnvironment).toEqual({
			connection: '192.168.0.100 50002 10.0.0.5 22',
			tty: '/dev/pts/1',
		});
	});

	it("finds a session process whose pid is below its parent's (the pid counter wrapped) and reads it whole", () => {
		fake.write({
			pid: 50,
			comm: 'top',
			ppid: 202,
			start: 1000,
			uid: 1000,
			tty: 34_819,
			cmdline: 'top\u0000-d\u00001\u0000',
			exe: '/usr/bin/top',
		});
		const reader = scanner();
		const snapshot = reader.read();
		expect(pids(snapshot)).toEqual([50, 100, 200, 201, 202, 400, 401]);
		expect(byPid(snapshot, 50)).toMatchObject({ppid: 202, user: 'alice', argv: ['top', '-d', '1'], tty: 'pts/3'});
		// All eleven once; 50 again, whose parent came later in pid order, and 401 below leftover 400, which is
		// known to be one only once its environment is read.
		expect(reader.lastScan()?.statReads).toBe(11 + 2);
	});

	it('parses a line the quick reading declines the slow way, rather than losing the process', () => {
		fake.write({pid: 203, comm: 'odd', ppid: 202, start: 1000, uid: 1000, cmdline: 'odd\0'});
		writeFileSync(path.join(fake.proc, '203/stat'), ` ${statLine({pid: 203, comm: 'odd', ppid: 202, start: 1000})}`);
		expect(byPid(scanner().read(), 203)).toMatchObject({ppid: 202, comm: 'odd', argv: ['odd']});
	});

	it('gives the model the same sessions, listeners and leftovers as a full snapshot', () => {
		const options = {procRoot: fake.proc, devRoot: fake.dev, passwdPath: fake.passwd, selfPid: 999, now: () => clock};
		const fromScanner = buildReport(scanner().read());
		const fromFull = buildReport(readSnapshot(options));
		expect(fromScanner.sessions).toEqual(fromFull.sessions);
		expect(fromScanner.listeners).toEqual(fromFull.listeners);
		expect(fromScanner.leftovers).toEqual(fromFull.leftovers);
		expect(fromScanner.sessions).toHaveLength(1);
		expect(fromScanner.leftovers).toHaveLength(1);
	});

	it('between full scans reads the watched stat lines and the new pids, not the whole table', () => {
		const reader = scanner();
		reader.read();
		fake.write({
			pid: 450,
			comm: 'vim',
			ppid: 202,
			start: 360_000,
			uid: 1000,
			tty: 34_819,
			cmdline: 'vim\0notes\0',
			exe: '/usr/bin/vim',
		});
		fake.write({pid: 451, comm: 'make', ppid: 301, start: 360_000, cmdline: 'make\0'});
		fake.setLastPid(451);
		clock += 2000;
		const snapshot = reader.read();
		expect(reader.lastScan()).toMatchObject({kind: 'watch', reason: undefined});
		expect(pids(snapshot)).toEqual([100, 200, 201, 202, 400, 401, 450]);
		expect(byPid(snapshot, 450)?.argv).toEqual(['vim', 'notes']);
		// Six watched processes plus the two new pids; the margin below the last pid re-reads none that were read before.
		expect(reader.lastScan()?.statReads).toBe(6 + 2);
	});

	it('reads a new session process at a glance (title, user), its executable and sockets once it outlives a refresh', () => {
		const reader = scanner();
		reader.read();
		// An ssh client started in alice's shell: a nested session's client end, and a short `sleep`.
		const client: FakeProcess = {
			pid: 450,
			comm: 'ssh',
			ppid: 202,
			start: 360_000,
			uid: 1000,
			tty: 34_819,
			cmdline: 'ssh\0bastion\0',
			exe: '/usr/bin/ssh',
			fds: ['socket:[9300]'],
		};
		fake.write(client);
		fake.write({
			pid: 451,
			comm: 'sleep',
			ppid: 202,
			start: 360_000,
			uid: 1000,
			cmdline: 'sleep\u00001\0',
			exe: '/usr/bin/sleep',
		});
		fake.setLastPid(451);
		clock += 2000;
		const glance = reader.read();
		expect(byPid(glance, 450)).toMatchObject({
			argv: ['ssh', 'bastion'],
			user: 'alice',
			executable: undefined,
			socketInodes: undefined,
		});
		fake.remove(451);
		fake.write({...client, state: 'R'});
		clock += 2000;
		const next = reader.read();
		expect(byPid(next, 450)).toMatchObject({executable: '/usr/bin/ssh', socketInodes: [9300]});
		expect(pids(next)).not.toContain(451);
	});

	it('holds a new sshd back with what runs below it for one refresh, then reads it whole', () => {
		const reader = scanner();
		reader.read();
		fake.write({...monitor, pid: 460, start: 360_000, cmdline: 'sshd: bob [priv]\0', fds: ['socket:[9400]']});
		fake.write({...shell, pid: 461, ppid: 460, start: 360_000});
		// A short login: its sshd comes and goes between two refreshes.
		fake.write({...monitor, pid: 462, start: 360_000, cmdline: 'sshd: carol [priv]\0', fds: ['socket:[9500]']});
		fake.setLastPid(462);
		clock += 2000;
		const first = reader.read();
		expect(pids(first)).not.toContain(460);
		expect(pids(first)).not.toContain(461);
		expect(pids(first)).not.toContain(462);
		fake.remove(462);
		clock += 2000;
		const next = reader.read();
		expect(byPid(next, 460)).toMatchObject({executable: monitor.exe, socketInodes: [9400], argv: ['sshd: bob [priv]']});
		expect(byPid(next, 461)).toMatchObject({argv: ['-bash']});
		expect(pids(next)).not.toContain(462);
	});

	it('hands back the same record for a process whose stat line has not changed, and a new one when it has', () => {
		const reader = scanner();
		reader.read();
		clock += 2000;
		const before = reader.read();
		clock += 2000;
		fake.write({...shell, state: 'R'});
		const after = reader.read();
		expect(reader.lastScan()).toMatchObject({kind: 'watch', detailReads: 0});
		// Idle: not parsed or built again, so what is made from it downstream can be kept too.
		expect(byPid(after, 201)).toBe(byPid(before, 201));
		expect(byPid(after, 202)).not.toBe(byPid(before, 202));
		expect(byPid(after, 202)).toMatchObject({state: 'R', argv: ['-bash'], user: 'alice'});
	});

	it('does not see a new process outside the probed pids until the next full scan, which runs at the interval', () => {
		const reader = scanner({fullScanIntervalMs: 30_000});
		reader.read();
		// A new sshd with a pid below the probed range stands for one the probe missed.
		fake.write({
			...listener,
			pid: 5,
			start: 350_000,
			cmdline: 'sshd: /usr/sbin/sshd -D -p 2222 [listener] 0 of 10-100 startups\0',
			fds: [],
		});
		clock += 2000;
		expect(pids(reader.read())).not.toContain(5);
		clock += 30_000;
		expect(pids(reader.read())).toContain(5);
		expect(reader.lastScan()).toMatchObject({kind: 'full', reason: 'interval'});
		expect(reader.lastFullScanAt()).toBe(clock);
	});

	it('runs a full scan soon after the set of listening sockets changes, once the socket table is read again', () => {
		const reader = scanner({earlyFullScanGapMs: 5000, socketsMaxAgeMs: 4000});
		reader.read();
		fake.setTcp([listenLine, connectionLine, secondListenLine]);
		clock += 2000;
		reader.read();
		expect(reader.lastScan()?.kind).toBe('watch');
		// The table is 4 s old: read again, the new listener noticed, the full scan waits out its gap.
		clock += 2000;
		reader.read();
		expect(reader.lastScan()?.kind).toBe('watch');
		clock += 2000;
		reader.read();
		expect(reader.lastScan()).toMatchObject({kind: 'full', reason: 'listeners changed'});
	});

	it('reuses the socket table between watch scans until it is socketsMaxAgeMs old', () => {
		const reader = scanner({socketsMaxAgeMs: 10_000});
		const queued = connectionLine.replace('00000000:00000000 00:', '00000400:00000000 00:');
		reader.read();
		fake.setTcp([listenLine, queued]);
		clock += 2000;
		const inode9001 = (snapshot: Snapshot) => snapshot.sockets.find(socket => socket.inode === 9001);
		expect(inode9001(reader.read())?.sendQueueBytes).toBe(0);
		clock += 8000;
		expect(inode9001(reader.read())?.sendQueueBytes).toBe(1024);
	});

	it("looks up a new session's socket once it outlived a refresh, without waiting for the table to age", () => {
		const reader = scanner({socketsMaxAgeMs: 60_000});
		reader.read();
		const newConnection =
			'   3: 0500000A:0016 6500A8C0:C352 01 00000000:00000000 00:00000000 00000000     0        0 9002 1';
		fake.setTcp([listenLine, connectionLine, newConnection]);
		fake.write({
			pid: 480,
			comm: 'sshd',
			ppid: 100,
			start: 360_000,
			cmdline: 'sshd: bob [priv]\0',
			exe: '/usr/sbin/sshd',
			fds: ['socket:[9002]'],
		});
		fake.setLastPid(480);
		clock += 2000;
		// A login that lasts less than a refresh costs nothing: it shows from the next refresh on.
		expect(buildReport(reader.read()).sessions.map(session => session.pid)).not.toContain(480);
		clock += 2000;
		const report = buildReport(reader.read());
		expect(reader.lastScan()?.kind).toBe('watch');
		expect(report.sessions.map(session => session.peer?.address)).toContain('192.168.0.101');
	});

	it('reads a new pid that was handed out but not readable yet (a fork in progress) at the next scan', () => {
		const reader = scanner();
		reader.read();
		fake.setLastPid(450);
		clock += 2000;
		expect(pids(reader.read())).not.toContain(450);
		fake.write({
			pid: 450,
			comm: 'vim',
			ppid: 202,
			start: 360_000,
			uid: 1000,
			tty: 34_819,
			cmdline: 'vim\0',
			exe: '/usr/bin/vim',
		});
		clock += 2000;
		expect(pids(reader.read())).toContain(450);
		expect(reader.lastScan()?.kind).toBe('watch');
	});

	it('probes the pids below the last one after a full scan, and once more, not on every refresh', () => {
		const reader = scanner();
		reader.read();
		clock += 2000;
		reader.read();
		// The margin below the last pid, less the pids the full scan read.
		expect(reader.lastScan()?.probeAttempts).toBeGreaterThan(40);
		clock += 2000;
		reader.read();
		expect(reader.lastScan()?.probeAttempts).toBeGreaterThan(40);
		clock += 2000;
		reader.read();
		expect(reader.lastScan()).toMatchObject({kind: 'watch', probeAttempts: 0});
	});

	it('falls back to a full scan when more pids were handed out than it would probe', () => {
		const reader = scanner({probeLimit: 100});
		reader.read();
		fake.setLastPid(5000);
		clock += 2000;
		reader.read();
		expect(reader.lastScan()).toMatchObject({kind: 'full', reason: 'many new pids'});
	});

	it('lists /proc instead of trying each of many new pids, and still tries the newest few', () => {
		const reader = scanner();
		reader.read();
		// 1,500 pids handed out (mostly threads and processes already gone), two processes left.
		fake.write({
			pid: 900,
			comm: 'vim',
			ppid: 202,
			start: 360_000,
			uid: 1000,
			tty: 34_819,
			cmdline: 'vim\0',
			exe: '/usr/bin/vim',
		});
		fake.write({
			pid: 1901,
			comm: 'less',
			ppid: 202,
			start: 360_000,
			uid: 1000,
			tty: 34_819,
			cmdline: 'less\0',
			exe: '/usr/bin/less',
		});
		fake.setLastPid(1901);
		clock += 2000;
		const snapshot = reader.read();
		expect(reader.lastScan()).toMatchObject({kind: 'watch'});
		expect(pids(snapshot)).toEqual(expect.arrayContaining([900, 1901]));
		// The listed pid 900 and the last 64 pids (a fork in progress is not listed yet), not 1,500.
		expect(reader.lastScan()?.probeAttempts).toBe(1 + 64);
	});

	it('re-reads an sshd title when its children change: [net] becomes USER [priv] as the user side is forked', () => {
		fake.write({...monitor, cmdline: 'sshd: alice [net]\0'});
		fake.remove(201);
		fake.remove(202);
		const reader = scanner();
		expect(byPid(reader.read(), 200)?.argv).toEqual(['sshd: alice [net]']);
		fake.setCmdline(200, 'sshd: alice [priv]\0');
		fake.write({...userSide, start: 360_000});
		fake.setLastPid(402);
		clock += 2000;
		// Setproctitle and the fork happen together; the new child is what shows the title changed.
		fake.write({...userSide, pid: 402, start: 360_000});
		fake.remove(201);
		const snapshot = reader.read();
		expect(byPid(snapshot, 200)?.argv).toEqual(['sshd: alice [priv]']);
		// A new sshd shows from the refresh after the one that found it.
		expect(byPid(snapshot, 402)).toBeUndefined();
		clock += 2000;
		expect(byPid(reader.read(), 402)).toMatchObject({uid: 1000, argv: ['sshd: alice@pts/3']});
	});

	it('keeps the command line of an old process until its exec, its revalidation or a new identity', () => {
		const reader = scanner({revalidateMs: 60_000});
		reader.read();
		fake.setCmdline(202, '-bash (renamed)\0');
		clock += 2000;
		expect(byPid(reader.read(), 202)?.argv).toEqual(['-bash']);
		clock += 60_000;
		expect(byPid(reader.read(), 202)?.argv).toEqual(['-bash (renamed)']);

		fake.write({...shell, comm: 'top', cmdline: 'top\0', codeAddress: 8192});
		clock += 2000;
		expect(byPid(reader.read(), 202)).toMatchObject({comm: 'top', argv: ['top']});

		// The same pid for a process started later is another process: nothing carries over.
		fake.write({...shell, start: 360_500, cmdline: 'bash\0--login\0'});
		clock += 2000;
		expect(byPid(reader.read(), 202)).toMatchObject({startTicks: 360_500, argv: ['bash', '--login']});
	});

	it('re-reads a young process on every scan: an sshd drops privileges and retitles itself just after its fork', () => {
		fake.write({...userSide, start: 359_900, uid: 0, cmdline: 'sshd: alice [priv]\0'});
		const reader = scanner({youngMs: 10_000});
		expect(byPid(reader.read(), 201)).toMatchObject({uid: 0, user: 'root'});
		fake.write({...userSide, start: 359_900});
		clock += 2000;
		expect(byPid(reader.read(), 201)).toMatchObject({uid: 1000, argv: ['sshd: alice@pts/3']});
	});

	it('turns a session process re-parented to PID 1 into a possible leftover without a full scan', () => {
		const reader = scanner();
		reader.read();
		fake.write({
			pid: 460,
			comm: 'nohup-job',
			ppid: 202,
			start: 360_000,
			uid: 1000,
			cmdline: './long-job\0',
			environ: 'SSH_CONNECTION=192.168.0.100 50001 10.0.0.5 22\0',
		});
		fake.setLastPid(460);
		clock += 2000;
		expect(byPid(reader.read(), 460)?.sshEnvironment).toBeUndefined();
		// The connection ends: its sshd processes and shell exit, the job is re-parented to PID 1.
		for (const pid of [200, 201, 202]) {
			fake.remove(pid);
		}

		fake.setTcp([listenLine]);
		fake.write({
			pid: 460,
			comm: 'nohup-job',
			ppid: 1,
			start: 360_000,
			uid: 1000,
			cmdline: './long-job\0',
			environ: 'SSH_CONNECTION=192.168.0.100 50001 10.0.0.5 22\0',
		});
		clock += 2000;
		const snapshot = reader.read();
		expect(reader.lastScan()?.kind).toBe('watch');
		const report = buildReport(snapshot);
		expect(report.sessions).toHaveLength(0);
		expect(report.leftovers?.map(found => found.tree.process.pid)).toEqual([400, 460]);
	});

	describe('with scheduler statistics: the stat line of a process that has not run is kept', () => {
		/** /proc/PID/schedstat after `runs` runs of 1 ms each. */
		const ran = (runs: number) => `${runs * 1_000_000} 500 ${runs}\n`;
		const quiet = <T extends FakeProcess>(process: T): T => ({...process, schedstat: ran(3)});
		const job: FakeProcess = {
			pid: 470,
			comm: 'sleep',
			ppid: 202,
			start: 360_000,
			uid: 1000,
			tty: 34_819,
			foregroundGroup: 202,
			cmdline: 'sleep\u0000999\0',
			exe: '/usr/bin/sleep',
			schedstat: ran(1),
		};

		/** A full scan, then the watch scan that takes every process's first schedstat reading. */
		const settled = (jobProcess = job) => {
			for (const process of [listener, monitor, userSide, shell, leftover, leftoverChild]) {
				fake.write(quiet(process));
			}

			fake.write(jobProcess);
			fake.setLastPid(470);
			const reader = scanner();
			reader.read();
			clock += 2000;
			reader.read();
			return reader;
		};

		it('reads no stat line when nothing ran, and only the lines of what ran when something did', () => {
			const reader = settled();
			clock += 2000;
			const quietSnapshot = reader.read();
			expect(reader.lastScan()).toMatchObject({kind: 'watch', statReads: 0});
			expect(pids(quietSnapshot)).toEqual([100, 200, 201, 202, 400, 401, 470]);
			fake.write({...quiet(leftover), state: 'R', schedstat: ran(4)});
			clock += 2000;
			const snapshot = reader.read();
			// The leftover and its child, whose parent ran (it may have exited and left it re-parented).
			expect(reader.lastScan()).toMatchObject({kind: 'watch', statReads: 2});
			expect(byPid(snapshot, 400)?.state).toBe('R');
			expect(byPid(snapshot, 202)).toBe(byPid(quietSnapshot, 202));
		});

		it('keeps a line that changed without its process running (a renice) until a full scan reads every line', () => {
			const reader = settled();
			fake.write({...quiet(leftover), state: 'R'});
			clock += 2000;
			expect(byPid(reader.read(), 400)?.state).toBe('S');
			clock += 60_000;
			expect(byPid(reader.read(), 400)?.state).toBe('R');
			expect(reader.lastScan()?.kind).toBe('full');
		});

		it('reads a process again when its parent is gone: being re-parented to PID 1 does not run it', () => {
			const reader = settled();
			for (const pid of [200, 201, 202]) {
				fake.remove(pid);
			}

			fake.setTcp([listenLine]);
			fake.write({...job, ppid: 1, environ: 'SSH_CONNECTION=192.168.0.100 50001 10.0.0.5 22\0'});
			clock += 2000;
			const report = buildReport(reader.read());
			expect(reader.lastScan()?.kind).toBe('watch');
			expect(report.leftovers?.map(found => found.tree.process.pid)).toEqual([400, 470]);
		});

		it("reads every process on a terminal when one of them ran: a shell's `fg` moves the foreground group for all of them", () => {
			const reader = settled();
			fake.write({...quiet(shell), foregroundGroup: 470, schedstat: ran(4)});
			fake.write({...job, foregroundGroup: 470});
			clock += 2000;
			const snapshot = reader.read();
			expect(byPid(snapshot, 470)?.foregroundProcessGroup).toBe(470);
			expect(buildReport(snapshot).sessions[0]?.foreground?.pid).toBe(470);
		});

		it('reads a title again once a minute only if its process ran since: one that did not run cannot have changed it', () => {
			const reader = settled();
			fake.setCmdline(202, '-bash (renamed)\0');
			fake.write({...quiet(leftover), cmdline: './job\0--step\u00002\0', schedstat: ran(4)});
			clock += 2000;
			reader.read();
			clock += 60_000;
			const snapshot = reader.read();
			expect(byPid(snapshot, 400)?.argv).toEqual(['./job', '--step', '2']);
			expect(byPid(snapshot, 202)?.argv).toEqual(['-bash']);
			fake.write({...quiet(shell), cmdline: '-bash (renamed)\0', schedstat: ran(5)});
			clock += 2000;
			expect(byPid(reader.read(), 202)?.argv).toEqual(['-bash (renamed)']);
		});

		it('always reads a process with more than one thread: schedstat counts only its main thread', () => {
			const reader = settled({...job, threads: 2});
			fake.write({...job, threads: 2, state: 'R'});
			clock += 2000;
			expect(byPid(reader.read(), 470)?.state).toBe('R');
		});

		it('reads every line where the kernel keeps no scheduler statistics (schedstat reads 0 0 0)', () => {
			const reader = settled();
			for (const process of [listener, monitor, userSide, shell, leftover, leftoverChild, job]) {
				fake.write({...process, schedstat: '0 0 0\n'});
			}

			clock += 2000;
			reader.read();
			fake.write({...leftover, state: 'R', schedstat: '0 0 0\n'});
			clock += 2000;
			expect(byPid(reader.read(), 400)?.state).toBe('R');
			expect(reader.lastScan()?.statReads).toBe(7);
		});

		describe('the socket table', () => {
			const inodes = (snapshot: Snapshot) => snapshot.sockets.map(socket => socket.inode);
			const sendQueue = (snapshot: Snapshot) => snapshot.sockets.find(socket => socket.inode === 9001)?.sendQueueBytes;
			/** Settled, and the table read again after the scan that took the first schedstat readings: 12 s after the full scan. */
			const settledTable = () => {
				const reader = settled();
				clock += 10_000;
				reader.read();
				return reader;
			};

			it("is kept until the next full scan while no process holding a socket ran: a quiet connection's row cannot change", () => {
				const reader = settledTable();
				fake.setTcp([listenLine, connectionLine, secondListenLine]);
				clock += 12_000;
				expect(inodes(reader.read())).toEqual([9000, 9001]);
				expect(reader.lastScan()?.kind).toBe('watch');
				// A packet came in and the monitor ran: the table, older than socketsMaxAgeMs, is read again.
				fake.write({...quiet(monitor), schedstat: ran(4)});
				clock += 2000;
				expect(inodes(reader.read())).toEqual([9000, 9001, 9100]);
				expect(reader.lastScan()?.kind).toBe('watch');
			});

			it('is read again at socketsMaxAgeMs while a connection has data queued: the kernel retransmits without its sshd running', () => {
				const queued = (bytes: string) => connectionLine.replace('00000000:00000000 00:', `${bytes}:00000000 01:`);
				fake.setTcp([listenLine, queued('00000400')]);
				const reader = settledTable();
				fake.setTcp([listenLine, queued('00000800')]);
				clock += 8000;
				expect(sendQueue(reader.read())).toBe(1024);
				clock += 4000;
				expect(sendQueue(reader.read())).toBe(2048);
				expect(reader.lastScan()?.kind).toBe('watch');
			});

			it('is read again when a process that held a socket is gone', () => {
				const reader = settledTable();
				fake.remove(202);
				fake.remove(201);
				fake.setTcp([listenLine, connectionLine.replace(' 01 ', ' 08 ')]);
				clock += 12_000;
				expect(reader.read().sockets.find(socket => socket.inode === 9001)?.state).toBe('CLOSE_WAIT');
			});
		});
	});

	it("stops watching a leftover that exec'd itself again with an environment that names no SSH connection", () => {
		const reader = scanner();
		reader.read();
		clock += 2000;
		expect(pids(reader.read())).toEqual([100, 200, 201, 202, 400, 401]);
		fake.write({...leftover, codeAddress: 8192, cmdline: './job\0--again\0', environ: 'HOME=/home/alice\0'});
		clock += 2000;
		const snapshot = reader.read();
		expect(reader.lastScan()?.kind).toBe('watch');
		expect(pids(snapshot)).toEqual([100, 200, 201, 202]);
	});

	it('skips a probed pid that is a thread of another process', () => {
		const reader = scanner();
		reader.read();
		// Thread ids are pids too, and /proc/TID/stat answers with the thread group's parent.
		fake.write({pid: 470, comm: 'bash', ppid: 201, start: 360_000, uid: 1000, tgid: 202});
		fake.setLastPid(470);
		clock += 2000;
		expect(pids(reader.read())).not.toContain(470);
	});

	describe('across runs, with a scan hint', () => {
		const mark = {bootId: 'b1', pidNamespace: 'pid:[4026531836]', forks: 5000};
		const hintFromFirstRun = () => {
			fake.setSystemMark(mark);
			const firstRun = scanner();
			firstRun.read();
			return firstRun.scanHint()!;
		};

		it('leaves a hint at each full scan: the pids it kept, the last pid at its start and the system it read', () => {
			const hint = hintFromFirstRun();
			expect(hint).toEqual({...mark, lastPid: 401, pids: [100, 200, 201, 202, 400, 401], sockets: []});
		});

		it('keeps the sockets of the processes whose fds it read, with their schedstat from before, and the next start takes those of the processes that did not run since', () => {
			fake.write({...listener, schedstat: '5000 20 9\n'});
			fake.write({...monitor, schedstat: '1000 10 5\n'});
			fake.write({...userSide, schedstat: '3000 30 7\n'});
			const hint = hintFromFirstRun();
			expect(hint.sockets).toEqual([
				{pid: 100, startTicks: 500, runMark: '5000 20 9\n', inodes: [9000]},
				{pid: 200, startTicks: 900, runMark: '1000 10 5\n', inodes: [9001]},
				{pid: 201, startTicks: 901, runMark: '3000 30 7\n', inodes: [9001]},
			]);

			// Between the runs the user side ran and opened a forwarded connection. The monitor did
			// not run: its fd table is taken from the hint, not read (the fake table below, which a
			// process that did not run could not have, shows which). The listener's pid was reused.
			fake.write({...monitor, schedstat: '1000 10 5\n', fds: ['socket:[9999]']});
			fake.write({...userSide, schedstat: '3500 30 8\n', fds: ['socket:[9001]', 'socket:[9002]']});
			fake.write({...listener, start: 950, schedstat: '5000 20 9\n', fds: ['socket:[9000]', 'socket:[9100]']});
			fake.setSystemMark({...mark, forks: mark.forks + 10});
			const reader = scanner({hint});
			const first = reader.read();
			expect(reader.lastScan()).toMatchObject({kind: 'watch', reason: 'hint'});
			expect(byPid(first, 200)?.socketInodes).toEqual([9001]);
			expect(byPid(first, 201)?.socketInodes).toEqual([9001, 9002]);
			expect(byPid(first, 100)?.socketInodes).toEqual([9000, 9100]);

			// Only the start reads from the hint: the full scan after it goes by what it reads itself.
			clock += 2000;
			reader.read();
			expect(reader.lastScan()).toMatchObject({kind: 'full', reason: 'after a hinted start'});
			expect(reader.scanHint()?.sockets).toContainEqual({
				pid: 201,
				startTicks: 901,
				runMark: '3500 30 8\n',
				inodes: [9001, 9002],
			});
		});

		it('starts from the hint: the first read is a watch of its pids and the ones handed out since, the full scan comes next', () => {
			const hint = hintFromFirstRun();
			// Between the runs: a second shell in the session, a new process elsewhere, the old shell gone.
			fake.write({
				pid: 460,
				comm: 'bash',
				ppid: 201,
				start: 360_000,
				uid: 1000,
				tty: 34_819,
				cmdline: '-bash\0',
				exe: '/usr/bin/bash',
			});
			fake.write({pid: 461, comm: 'make', ppid: 301, start: 360_000, cmdline: 'make\0'});
			fake.remove(202);
			fake.setLastPid(461);
			fake.setSystemMark({...mark, forks: mark.forks + 60});
			const reader = scanner({hint});
			const first = reader.read();
			expect(reader.lastScan()).toMatchObject({kind: 'watch', reason: 'hint'});
			expect(pids(first)).toEqual([100, 200, 201, 400, 401, 460]);
			// Not the whole table (init, kthreadd, cron and python3 are not read): the five hinted pids that still exist and the two new ones.
			expect(reader.lastScan()?.statReads).toBe(5 + 2);
			expect(buildReport(first).sessions).toEqual(
				buildReport(
					readSnapshot({
						procRoot: fake.proc,
						devRoot: fake.dev,
						passwdPath: fake.passwd,
						selfPid: 999,
						now: () => clock,
					}),
				).sessions,
			);
			expect(reader.lastFullScanAt()).toBeUndefined();
			expect(reader.isFullScanDue()).toBe(true);
			// A quick look that ends here still leaves the next run a hint no older than itself.
			expect(reader.scanHint()).toEqual({
				...mark,
				forks: mark.forks + 60,
				lastPid: 461,
				pids: [100, 200, 201, 400, 401, 460],
				sockets: [],
			});

			clock += 2000;
			reader.read();
			expect(reader.lastScan()).toMatchObject({kind: 'full', reason: 'after a hinted start'});
			expect(reader.isFullScanDue()).toBe(false);
			expect(reader.lastFullScanAt()).toBe(clock);
		});

		it('ignores a hint from another boot, and one followed by more forks than a probe reads', () => {
			const hint = hintFromFirstRun();
			fake.setSystemMark({...mark, bootId: 'b2'});
			const afterReboot = scanner({hint});
			afterReboot.read();
			expect(afterReboot.lastScan()).toMatchObject({kind: 'full', reason: 'first'});

			fake.setSystemMark({...mark, forks: mark.forks + 100_000});
			const afterManyForks = scanner({hint});
			afterManyForks.read();
			expect(afterManyForks.lastScan()).toMatchObject({kind: 'full', reason: 'first'});
		});

		it('leaves no hint where /proc does not say which boot it is', () => {
			const reader = scanner();
			reader.read();
			expect(reader.lastScan()?.kind).toBe('full');
			expect(reader.scanHint()).toBeUndefined();
		});
	});

	it('always includes its own process, for the own-session check', () => {
		fake.write({pid: 999, comm: 'node', ppid: 301, start: 359_000, cmdline: 'node\0sshtop\0'});
		const reader = scanner();
		expect(pids(reader.read())).toContain(999);
		clock += 2000;
		expect(pids(reader.read())).toContain(999);
	});
});
