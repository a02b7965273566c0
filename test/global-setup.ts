// Once per test run: the unprivileged account the end-to-end tests log in as (root only), created
// if missing and removed afterwards when this run created it, so the suite leaves no user behind.
import {execa} from 'execa';
import {unprivilegedTestUser} from './e2e/harness/sshd.js';

let created = false;

export async function setup(): Promise<void> {
	if (process.getuid?.() !== 0) {
		return;
	}

	const existing = await execa('getent', ['passwd', unprivilegedTestUser], {reject: false});
	if (existing.exitCode === 0) {
		return;
	}

	const result = await execa('useradd', ['-m', '-s', '/bin/bash', unprivilegedTestUser], {reject: false});
	if (result.exitCode !== 0) {
		throw new Error(`useradd ${unprivilegedTestUser} failed: ${result.stderr}`);
	}

	created = true;
}

export async function teardown(): Promise<void> {
	if (!created) {
		return;
	}

	const result = await execa('userdel', ['-r', unprivilegedTestUser], {reject: false});
	// Exit 12: the home directory could not be removed fully; the account itself is gone.
	if (result.exitCode !== 0 && result.exitCode !== 12) {
		process.stderr.write(`userdel ${unprivilegedTestUser} failed (${result.exitCode}): ${result.stderr}\n`);
	}
}
