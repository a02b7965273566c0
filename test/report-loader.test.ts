import {setTimeout as delay} from 'node:timers/promises';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {TcpInfoReading} from '../source/proc/read-tcp-info.js';
import {createReportLoader} from '../source/report-loader.js';
import {FakeProc, fakeBootSeconds} from './proc/fake-proc.js';

const listenLine = '   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9000 1';
const connectionLine = '   1: 0500000A:0016 6400A8C0:C351 01 00000000:00000000 00:00000000 00000000     0        0 9001 1';

describe('the explorer’s report loader', () => {
	let fake: FakeProc;
	beforeEach(() => {
		fake = new FakeProc();
		for (const process of [
			{pid: 1, comm: 'init', ppid: 0, start: 1, cmdline: '/sbin/init\0', exe: '/sbin/init'},
			{pid: 100, comm: 'sshd', ppid: 1, start: 500, cmdline: 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups\0', exe: '/usr/sbin/sshd', fds: ['socket:[9000]']},
			{pid: 200, comm: 'sshd', ppid: 100, start: 900, cmdline: 'sshd: alice [priv]\0', exe: '/usr/sbin/sshd', fds: ['socket:[9001]']},
			{pid: 201, comm: 'sshd', ppid: 200, start: 901, uid: 1000, cmdline: 'sshd: alice@pts/3\0', exe: '/usr/sbin/sshd', fds: ['socket:[9001]']},
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

	const loader = (tcpInfoIntervalMs: number, reads: {count: number}, firstTcpInfoDelayMs = 0) => createReportLoader({
		procRoot: fake.proc,
		devRoot: fake.dev,
		passwdPath: fake.passwd,
		selfPid: 999,
		now: () => (fakeBootSeconds + 3600) * 1000,
		tcpInfoIntervalMs,
		firstTcpInfoDelayMs,
		async readTcpInfo(): Promise<TcpInfoReading> {
			reads.count++;
			return {source: 'proc-only', reason: 'a test'};
		},
	});

	it('asks ss at most once per tcpInfoIntervalMs, however often it refreshes', async () => {
		const reads = {count: 0};
		const load = loader(60_000, reads);
		for (let refresh = 0; refresh < 5; refresh++) {
			expect(load().sessions).toHaveLength(1);
			// eslint-disable-next-line no-await-in-loop -- let each reading settle, as refreshes seconds apart would.
			await new Promise(resolve => {
				setImmediate(resolve);
			});
		}

		expect(reads.count).toBe(1);
	});

	it('asks on every refresh when the interval is 0, and says when it last scanned all of /proc', async () => {
		const reads = {count: 0};
		const load = loader(0, reads);
		for (let refresh = 0; refresh < 3; refresh++) {
			load();
			// eslint-disable-next-line no-await-in-loop -- as above, and past the first reading's delay.
			await delay(10);
		}

		expect(reads.count).toBe(3);
		expect(load.lastFullScanAt()).toBe((fakeBootSeconds + 3600) * 1000);
	});

	it('starts the first ss a moment after the first refresh, so the first frame does not wait for a child process', async () => {
		const reads = {count: 0};
		const load = loader(60_000, reads, 50);
		expect(load().sessions).toHaveLength(1);
		await new Promise(resolve => {
			setImmediate(resolve);
		});
		expect(reads.count).toBe(0);
		await delay(100);
		expect(reads.count).toBe(1);
	});
});
