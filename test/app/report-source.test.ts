import {chmodSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import type {TcpInfo} from '../../source/proc/parse/parse-ss.js';
import type {TcpInfoReading} from '../../source/proc/read-tcp-info.js';
import {createReportLoader, scanHintFile} from '../../source/app/report-source.js';
import {FakeProc, fakeBootSeconds} from '../proc/fake-proc.js';

const listenLine = '   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9000 1';
const connectionLine =
	'   1: 0500000A:0016 6400A8C0:C351 01 00000000:00000000 00:00000000 00000000     0        0 9001 1';
/** The same connection with 512 bytes waiting for the client's ACK, under the retransmit timer. */
const queuedLine = '   1: 0500000A:0016 6400A8C0:C351 01 00000200:00000000 01:00000020 00000000     0        0 9001 1';
const ssInfo: TcpInfo = {
	inode: 9001,
	lastSendMs: 1000,
	lastReceiveMs: 2000,
	lastAckMs: 1000,
	retransmitsNow: 0,
	retransmitsTotal: 0,
	unackedSegments: 0,
	roundTripMs: 1,
};

describe('the explorer’s report loader', () => {
	let fake: FakeProc;
	beforeEach(() => {
		fake = new FakeProc();
		for (const process of [
			{pid: 1, comm: 'init', ppid: 0, start: 1, cmdline: '/sbin/init\0', exe: '/sbin/init'},
			{
				pid: 100,
				comm: 'sshd',
				ppid: 1,
				start: 500,
				cmdline: 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups\0',
				exe: '/usr/sbin/sshd',
				fds: ['socket:[9000]'],
			},
			{
				pid: 200,
				comm: 'sshd',
				ppid: 100,
				start: 900,
				cmdline: 'sshd: alice [priv]\0',
				exe: '/usr/sbin/sshd',
				fds: ['socket:[9001]'],
			},
			{
				pid: 201,
				comm: 'sshd',
				ppid: 200,
				start: 901,
				uid: 1000,
				cmdline: 'sshd: alice@pts/3\0',
				exe: '/usr/sbin/sshd',
				fds: ['socket:[9001]'],
			},
			{pid: 202, comm: 'bash', ppid: 201, start: 902, uid: 1000, tty: 34_819, cmdline: '-bash\0', exe: '/usr/bin/bash'},
		]) {
			fake.write(process);
		}

		fake.setTcp([listenLine, connectionLine]);
		fake.setLastPid(202);
	});

	afterEach(() => {
		fake.dispose();
	});

	const giveTerminal = () => {
		writeFileSync(path.join(fake.dev, 'pts', '3'), '');
	};

	// Data waiting for the client's ACK under the retransmit timer: the evidence of a stall needs ss's ages.
	const queueData = () => {
		fake.setTcp([listenLine, queuedLine]);
	};

	const procOnlyReading: TcpInfoReading = {source: 'proc-only', reason: 'a test'};
	const loader = (
		tcpInfoIntervalMs: number,
		reads: {count: number},
		firstTcpInfoDelayMs = 0,
		reading: TcpInfoReading = procOnlyReading,
	) =>
		createReportLoader({
			procRoot: fake.proc,
			devRoot: fake.dev,
			passwdPath: fake.passwd,
			selfPid: 999,
			now: () => (fakeBootSeconds + 3600) * 1000,
			tcpInfoIntervalMs,
			firstTcpInfoDelayMs,
			// The socket table as it is at each refresh (the explorer reads it every 10 s).
			socketsMaxAgeMs: 0,
			async readTcpInfo(): Promise<TcpInfoReading> {
				reads.count++;
				return reading;
			},
		});

	describe('when it asks ss', () => {
		// The loader times ss by setTimeout and Date.now: faked, so each test says how much time
		// passes instead of sleeping. setImmediate stays real: settle() lets a reading's promise
		// callbacks run (one turn of the event loop), it does not wait for time to pass.
		beforeEach(() => {
			vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout', 'Date']});
		});

		afterEach(() => {
			vi.useRealTimers();
		});

		const settle = async () =>
			new Promise(resolve => {
				setImmediate(resolve);
			});

		/** `milliseconds` pass: due timers fire, and what they started settles. */
		const pass = async (milliseconds: number) => {
			await vi.advanceTimersByTimeAsync(milliseconds);
			await settle();
		};

		it('asks ss at most once per tcpInfoIntervalMs, however often it refreshes', async () => {
			queueData();
			const reads = {count: 0};
			const load = loader(60_000, reads);
			for (let refresh = 0; refresh < 5; refresh++) {
				expect(load().sessions).toHaveLength(1);

				await pass(1000);
			}

			expect(reads.count).toBe(1);
			// A minute after the first reading, the next refresh asks again.
			await pass(60_000);
			load();
			await settle();
			expect(reads.count).toBe(2);
		});

		it('asks on every refresh when the interval is 0, and says when it last scanned all of /proc', async () => {
			queueData();
			const reads = {count: 0};
			const load = loader(0, reads);
			for (let refresh = 0; refresh < 3; refresh++) {
				load();

				await pass(10);
				expect(reads.count).toBe(refresh + 1);
			}

			expect(load.lastFullScanAt()).toBe((fakeBootSeconds + 3600) * 1000);
		});

		it('starts the first ss a moment after the first refresh, so the first frame does not wait for a child process', async () => {
			queueData();
			const reads = {count: 0};
			const load = loader(60_000, reads, 50);
			expect(load().sessions).toHaveLength(1);
			await settle();
			expect(reads.count).toBe(0);
			await pass(49);
			expect(reads.count).toBe(0);
			await pass(1);
			expect(reads.count).toBe(1);
		});

		it('never starts ss while every connection is quiet and holds no forward: nothing shown needs it', async () => {
			const reads = {count: 0};
			const load = loader(0, reads);
			for (let refresh = 0; refresh < 3; refresh++) {
				// Without a terminal, the idle time comes from the session's channels, not from ss.
				expect(load().sessions[0]?.idleSource).toBe('channels');

				await pass(10);
			}

			expect(reads.count).toBe(0);
		});

		it('starts ss once a connection has data waiting for an ACK: the evidence of a stall needs its ages', async () => {
			giveTerminal();
			const reads = {count: 0};
			const load = loader(0, reads);
			load();
			await pass(10);
			expect(reads.count).toBe(0);
			fake.setTcp([listenLine, queuedLine]);
			load();
			load();
			await pass(10);
			expect(reads.count).toBe(1);
		});

		it('drops an ss reading once it is too old to move forward, instead of ageing it on', async () => {
			queueData();
			const reads = {count: 0};
			const load = loader(10_000, reads, 0, {source: 'ss', infos: new Map([[9001, ssInfo]])});
			load();
			await pass(0);
			expect(reads.count).toBe(1);
			vi.setSystemTime(Date.now() + 5000);
			// Five seconds on, ss said two seconds: seven.
			expect(load().sessions[0]?.health?.tcp?.lastReceiveMs).toBe(7000);
			// The queue drains: nothing needs ss any more, and its reading is not aged on for ever.
			fake.setTcp([listenLine, connectionLine]);
			vi.setSystemTime(Date.now() + 60_000);
			const session = load().sessions[0];
			expect(session?.health?.tcp?.lastReceiveMs).toBeUndefined();
		});
	});

	describe('scan hint file', () => {
		const hintLoader = (file: string) =>
			createReportLoader({
				procRoot: fake.proc,
				devRoot: fake.dev,
				passwdPath: fake.passwd,
				selfPid: 999,
				now: () => (fakeBootSeconds + 3600) * 1000,
				scanHintFile: file,
			});
		const hintFile = () => path.join(fake.root, 'cache', 'sshtop', 'scan-hint.json');

		beforeEach(() => {
			fake.setSystemMark({bootId: 'b1', pidNamespace: 'pid:[4026531836]', forks: 5000});
			mkdirSync(path.join(fake.root, 'cache'), {mode: 0o700});
		});

		it('is written, private, after a full scan, and starts the next run with a watch of the pids it names', () => {
			const first = hintLoader(hintFile());
			first();
			expect(first.lastScan()).toMatchObject({kind: 'full', reason: 'first'});
			expect(statSync(hintFile()).mode & 0o777).toBe(0o600);
			expect(statSync(path.dirname(hintFile())).mode & 0o777).toBe(0o700);
			expect(JSON.parse(readFileSync(hintFile(), 'utf8'))).toMatchObject({pids: [100, 200, 201, 202], lastPid: 202});

			fake.write({
				pid: 300,
				comm: 'vim',
				ppid: 202,
				start: 360_000,
				uid: 1000,
				tty: 34_819,
				cmdline: 'vim\0',
				exe: '/usr/bin/vim',
			});
			fake.setLastPid(300);
			const next = hintLoader(hintFile());
			expect(next().sessions).toHaveLength(1);
			expect(next.lastScan()).toMatchObject({kind: 'watch', reason: 'hint'});
			expect(next.wantsEarlyRefresh()).toBe(true);
			// Rewritten at once, so a run that ends before its full scan does not leave the next one further behind.
			expect(JSON.parse(readFileSync(hintFile(), 'utf8'))).toMatchObject({
				pids: [100, 200, 201, 202, 300],
				lastPid: 300,
			});
			next();
			expect(next.lastScan()).toMatchObject({kind: 'full', reason: 'after a hinted start'});
			expect(next.wantsEarlyRefresh()).toBe(false);
		});

		it('is not read from a directory others may write to', () => {
			hintLoader(hintFile())();
			chmodSync(path.dirname(hintFile()), 0o777);
			const next = hintLoader(hintFile());
			next();
			expect(next.lastScan()).toMatchObject({kind: 'full', reason: 'first'});
			chmodSync(path.dirname(hintFile()), 0o700);
		});

		it('is a garbage file read as no hint: the first read is a full scan and the file is replaced', () => {
			mkdirSync(path.dirname(hintFile()), {mode: 0o700});
			writeFileSync(hintFile(), '\u0000\u00FF{"version":1', {mode: 0o600});
			const loader = hintLoader(hintFile());
			expect(loader().sessions).toHaveLength(1);
			expect(loader.lastScan()).toMatchObject({kind: 'full', reason: 'first'});
			expect(JSON.parse(readFileSync(hintFile(), 'utf8'))).toMatchObject({version: 2});
		});

		it('lives in the user’s cache directory unless SSHTOP_SCAN_HINT=0', () => {
			expect(scanHintFile({XDG_CACHE_HOME: '/home/alice/.cache'})).toBe('/home/alice/.cache/sshtop/scan-hint.json');
			expect(scanHintFile({XDG_CACHE_HOME: '/home/alice/.cache', SSHTOP_SCAN_HINT: '0'})).toBeUndefined();
			// Not relative to wherever sshtop was started.
			expect(scanHintFile({XDG_CACHE_HOME: 'relative/cache'})).toBeUndefined();
		});
	});
});
