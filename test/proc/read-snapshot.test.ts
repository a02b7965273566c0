import {Buffer} from 'node:buffer';
import process from 'node:process';
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {readSnapshot} from '../../source/proc/read-snapshot.js';
import type {Snapshot} from '../../source/proc/types.js';

const ownPid = process.pid;

type FakeProcess = {
	readonly pid: number;
	readonly stat: string;
	readonly status?: string;
	readonly cmdline?: Buffer | string;
	readonly exe?: string;
	readonly fds?: readonly string[];
};

function statLine(
	pid: number,
	comm: string,
	ppid: number,
	extra: {tty?: number; flags?: number; start?: number; rss?: number; state?: string} = {},
): string {
	const fields = [
		extra.state ?? 'S',
		ppid,
		pid,
		pid,
		extra.tty ?? 0,
		-1,
		extra.flags ?? 4_194_304,
		0,
		0,
		0,
		0,
		5,
		6,
		0,
		0,
		20,
		0,
		1,
		0,
		extra.start ?? 1000,
		1000,
		extra.rss ?? 10,
	];
	return `${pid} (${comm}) ${fields.join(' ')} 0 0 0 0\n`;
}

function writeFakeProc(root: string, processes: readonly FakeProcess[]): void {
	writeFileSync(path.join(root, 'stat'), 'cpu  1 2 3 4\nbtime 1763798400\n');
	writeFileSync(path.join(root, 'uptime'), '3600.50 7000.00\n');
	writeFileSync(path.join(root, 'loadavg'), '0.50 0.25 0.10 1/99 1234\n');
	mkdirSync(path.join(root, 'sys/kernel'), {recursive: true});
	writeFileSync(path.join(root, 'sys/kernel/hostname'), 'fixture-host\n');
	mkdirSync(path.join(root, 'net'));
	writeFileSync(
		path.join(root, 'net/tcp'),
		[
			'  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
			'   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9000 1',
			'   1: 0500000A:0016 6400A8C0:C351 01 00000000:00000000 00:00000000 00000000     0        0 9001 1',
		].join('\n'),
	);
	writeFileSync(path.join(root, 'net/tcp6'), '  sl  local_address remote_address st\n');
	for (const process of processes) {
		const directory = path.join(root, String(process.pid));
		mkdirSync(directory);
		writeFileSync(path.join(directory, 'stat'), process.stat);
		writeFileSync(path.join(directory, 'status'), process.status ?? 'Name:\tx\nUid:\t0\t0\t0\t0\n');
		writeFileSync(path.join(directory, 'cmdline'), process.cmdline ?? '');
		if (process.exe) {
			symlinkSync(process.exe, path.join(directory, 'exe'));
		}

		if (process.fds) {
			mkdirSync(path.join(directory, 'fd'));
			for (const [index, target] of process.fds.entries()) {
				symlinkSync(target, path.join(directory, 'fd', String(index)));
			}
		}
	}

	// A pid directory whose files are gone: the process exited between listing and reading.
	mkdirSync(path.join(root, '777'));
}

describe('readSnapshot over a fixture /proc tree', () => {
	let root: string;
	let snapshot: Snapshot;
	const ttyAccess = new Date('2026-11-22T07:59:00Z');

	beforeAll(() => {
		root = mkdtempSync(path.join(tmpdir(), 'sshtop-proc-'));
		const proc = path.join(root, 'proc');
		const dev = path.join(root, 'dev');
		mkdirSync(proc);
		mkdirSync(path.join(dev, 'pts'), {recursive: true});
		writeFileSync(path.join(dev, 'pts/3'), '');
		utimesSync(path.join(dev, 'pts/3'), ttyAccess, ttyAccess);
		writeFileSync(path.join(root, 'passwd'), 'root:x:0:0::/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n');
		writeFakeProc(proc, [
			{pid: 1, stat: statLine(1, 'init', 0), cmdline: '/sbin/init\0', exe: '/sbin/init'},
			{pid: 2, stat: statLine(2, 'kthreadd', 0, {flags: 0x20_80_40})},
			{
				pid: 100,
				stat: statLine(100, 'sshd', 1, {start: 500}),
				cmdline: 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups\0\0\0',
				exe: '/usr/sbin/sshd',
				fds: ['/dev/null', 'socket:[9000]', 'pipe:[1]'],
			},
			{
				pid: 200,
				stat: statLine(200, 'sshd', 100, {start: 900}),
				cmdline: 'sshd: alice [priv]\0',
				exe: '/usr/sbin/sshd',
				fds: ['socket:[9001]'],
			},
			{
				pid: 201,
				stat: statLine(201, 'sshd', 200),
				status: 'Uid:\t1000\t1000\t1000\t1000\n',
				cmdline: 'sshd: alice@pts/3\0',
				exe: '/usr/sbin/sshd',
				fds: ['socket:[9001]'],
			},
			{
				pid: 202,
				stat: statLine(202, 'evil) S 1 (x', 201, {tty: 34_819, rss: 3}),
				status: 'Uid:\t4242\t4242\t4242\t4242\n',
				cmdline: Buffer.concat([Buffer.from('caf\u00E9\0\u001B]0;title\u0007\0'), Buffer.from([0xff, 0])]),
				fds: ['socket:[123456]'],
			},
			{pid: 203, stat: statLine(203, 'zombie', 202, {state: 'Z', tty: 34_819})},
			{pid: 300, stat: statLine(300, 'cron', 1), cmdline: '/usr/sbin/cron\0', fds: ['socket:[555]']},
			{pid: 400, stat: 'garbage without a parenthesis\n'},
		]);
		snapshot = readSnapshot({
			procRoot: proc,
			devRoot: dev,
			passwdPath: path.join(root, 'passwd'),
			now: () => Date.parse('2026-11-22T08:00:00Z'),
		});
	});

	afterAll(() => {
		rmSync(root, {recursive: true, force: true});
	});

	const byPid = (pid: number) => snapshot.processes.find(process => process.pid === pid);

	it('reads host, boot time, uptime and load from the injected root', () => {
		expect(snapshot.host).toBe('fixture-host');
		expect(snapshot.bootTime).toBe(1_763_798_400_000);
		expect(snapshot.uptimeSeconds).toBe(3600.5);
		expect(snapshot.loadAverage).toEqual([0.5, 0.25, 0.1]);
	});

	it('skips processes that vanished or whose stat is garbage, and counts them', () => {
		expect(snapshot.processes.map(process => process.pid)).toEqual([1, 2, 100, 200, 201, 202, 203, 300]);
		expect(snapshot.vanishedCount).toBe(2);
	});

	it('turns start ticks into an absolute time and pages into bytes', () => {
		expect(byPid(100)?.startedAt).toBe(1_763_798_400_000 + 5000);
		expect(byPid(202)!.rssBytes % 3).toBe(0);
		expect(byPid(202)!.rssBytes).toBeGreaterThanOrEqual(3 * 4096);
	});

	it('keeps hostile names intact for the model, decoded and with invalid bytes as U+FFFD', () => {
		expect(byPid(202)).toMatchObject({
			comm: 'evil) S 1 (x',
			ppid: 201,
			tty: 'pts/3',
			argv: ['café', '\u001B]0;title\u0007', '\uFFFD'],
		});
	});

	it('names users from passwd and falls back to the numeric uid', () => {
		expect(byPid(201)).toMatchObject({uid: 1000, user: 'alice'});
		expect(byPid(202)).toMatchObject({uid: 4242, user: '4242'});
	});

	it('marks kernel threads and gives them and zombies an empty argv', () => {
		expect(byPid(2)).toMatchObject({isKernelThread: true, argv: [], executable: undefined});
		expect(byPid(203)).toMatchObject({state: 'Z', argv: []});
	});

	it('reads sockets only for processes under sshd, and only socket fds', () => {
		expect(byPid(100)?.socketInodes).toEqual([9000]);
		expect(byPid(202)?.socketInodes).toEqual([123_456]);
		expect(byPid(300)?.socketInodes).toBeUndefined();
		expect(byPid(100)?.executable).toBe('/usr/sbin/sshd');
	});

	it('reads the TCP table and the tty access time', () => {
		expect(snapshot.sockets.map(socket => socket.inode)).toEqual([9000, 9001]);
		expect(snapshot.ttyActivity.get('pts/3')).toBe(ttyAccess.getTime());
	});
});

describe('readSnapshot over the real /proc', () => {
	it('agrees with ps about this process and its parent', () => {
		const snapshot = readSnapshot();
		const self = snapshot.processes.find(record => record.pid === ownPid);
		const psLine = execFileSync('ps', ['-o', 'pid=,ppid=,user=,comm=', '-p', String(ownPid)], {
			encoding: 'utf8',
		})
			.trim()
			.split(/\s+/u);
		expect(self).toBeDefined();
		expect([String(self!.pid), String(self!.ppid), self!.user]).toEqual(psLine.slice(0, 3));
		expect(self!.comm.startsWith(psLine[3]!.slice(0, 15))).toBe(true);
		expect(snapshot.processes.length).toBeGreaterThan(10);
	});
});
