// Once per test run: a directory every test process puts its shared temporary files in (tmux's
// sockets, copies of the program for other users, sshtop's cache and preferences), removed at the end; and the unprivileged
// account the end-to-end tests log in as (root only), created if missing and removed afterwards
// when this run created it. The suite leaves no user and no file behind.
import process from 'node:process';
import {chmodSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {removeTestAccount, unprivilegedTestUser} from './e2e/harness/sshd.js';

let created = false;
let runDirectory: string | undefined;

export async function setup(): Promise<void> {
	runDirectory = mkdtempSync(path.join(tmpdir(), 'sshtop-test-run-'));
	// Other users run a copy of the program from below it.
	chmodSync(runDirectory, 0o755);
	// Test processes are started after this and inherit it.
	process.env['SSHTOP_TEST_RUN_DIR'] = runDirectory;
	// Every sshtop a test starts keeps its code cache, scan hint and preferences in here, never in
	// the account's ~/.cache and ~/.config.
	for (const [variable, name] of [
		['XDG_CACHE_HOME', 'cache'],
		['XDG_CONFIG_HOME', 'config'],
	] as const) {
		const directory = path.join(runDirectory, name);
		mkdirSync(directory, {mode: 0o700});
		process.env[variable] = directory;
	}

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
	if (runDirectory !== undefined) {
		rmSync(runDirectory, {recursive: true, force: true});
	}

	if (!created) {
		return;
	}

	const problem = await removeTestAccount();
	if (problem !== undefined) {
		process.stderr.write(`${problem}\n`);
	}
}
