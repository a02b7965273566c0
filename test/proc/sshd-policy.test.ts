import process from 'node:process';
import {spawn} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, test} from 'vitest';
import {isTrustedSshdBinary, readSshdPolicy} from '../../source/proc/sshd-policy.js';

const isRoot = process.getuid?.() === 0;

function readExe(pid: number): string | undefined {
	try {
		return readlinkSync(`/proc/${pid}/exe`);
	} catch {
		return undefined;
	}
}

const directory = mkdtempSync(path.join(tmpdir(), 'sshtop-policy-'));
afterAll(() => {
	rmSync(directory, {recursive: true, force: true});
});

describe('which sshd binary may be run for its idle policy', () => {
	test('not one a user could have written, whatever its name', () => {
		const fake = path.join(directory, 'sshd');
		writeFileSync(fake, '#!/bin/sh\necho clientaliveinterval 1\n');
		chmodSync(fake, 0o777);
		expect(isTrustedSshdBinary(fake)).toBe(false);
	});

	test('not one in a directory a user could write to, even if the file itself is closed', () => {
		const open = path.join(directory, 'open');
		mkdirSync(open);
		chmodSync(open, 0o777);
		const binary = path.join(open, 'sshd');
		writeFileSync(binary, '');
		chmodSync(binary, 0o755);
		expect(isTrustedSshdBinary(binary)).toBe(false);
	});

	test.runIf(existsSync('/usr/sbin/sshd'))('the system sshd is trusted', () => {
		expect(isTrustedSshdBinary('/usr/sbin/sshd')).toBe(true);
	});

	test('not a root-owned binary of another name', () => {
		expect(isTrustedSshdBinary('/bin/sh')).toBe(false);
	});

	test('not a listener whose process title merely claims to be sshd with a config', async () => {
		// A process anyone can start, titled like an sshd listener: its exe is sleep, so nothing is run.
		const impostor = spawn('sleep', ['30'], {argv0: 'sshd: /tmp/evil/sshd -f /etc/shadow [listener]'});
		try {
			expect(
				await readSshdPolicy({pid: impostor.pid!, command: 'sshd: /tmp/evil/sshd -f /etc/shadow [listener]'}),
			).toBeUndefined();
		} finally {
			impostor.kill();
		}
	});
});

describe.runIf(isRoot && isTrustedSshdBinary('/usr/sbin/sshd'))('asking a real sshd', () => {
	test('reads the policy of a config given with -f', async () => {
		const config = path.join(directory, 'sshd_config');
		const hostKey = path.join(directory, 'host_key');
		const keygen = spawn('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
		await new Promise(resolve => {
			keygen.once('exit', resolve);
		});
		writeFileSync(config, `HostKey ${hostKey}\nClientAliveInterval 45\nClientAliveCountMax 4\nTCPKeepAlive no\n`);
		// A real sshd on its own config stands in for a listener: what is checked is its /proc exe.
		const sshd = spawn('/usr/sbin/sshd', ['-D', '-f', config, '-o', 'ListenAddress=127.0.0.1:0'], {stdio: 'ignore'});
		try {
			const deadline = Date.now() + 5000;
			while (readExe(sshd.pid!) !== '/usr/sbin/sshd' && Date.now() < deadline) {
				await new Promise(resolve => {
					setTimeout(resolve, 10);
				});
			}

			const policy = await readSshdPolicy({
				pid: sshd.pid!,
				command: `sshd: /usr/sbin/sshd -D -f ${config} [listener] 0 of 10-100 startups`,
			});
			expect(policy).toEqual({clientAliveIntervalSeconds: 45, clientAliveCountMax: 4, tcpKeepAlive: false});
		} finally {
			sshd.kill();
		}
	});
});
