// The single executable (npm run build:standalone → dist/sshtop-linux-x64) runs where there is
// no Node: copied into an empty directory (no node_modules, no package.json) and run with a
// PATH from which `node` cannot be found.
import process from 'node:process';
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	symlinkSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {projectRoot} from '../e2e/harness/sshtop.js';

const executableName = 'sshtop-linux-x64';
const builtExecutable = path.join(projectRoot, 'dist', executableName);
const {version} = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {version: string};
const isLinuxX64 = process.platform === 'linux' && process.arch === 'x64';

/** The newest modification time among the files the executable is built from. */
function newestInputChange(): number {
	const inputs = [
		...readdirSync(path.join(projectRoot, 'source'), {recursive: true, encoding: 'utf8'}).map(file =>
			path.join('source', file),
		),
		'scripts/build-standalone.mjs',
		'scripts/bundle-app.mjs',
		'scripts/dependency-patches.mjs',
		...readdirSync(path.join(projectRoot, 'patches')).map(file => path.join('patches', file)),
		'scripts/devtools-stub.mjs',
		'scripts/ws-stub.mjs',
		'package.json',
		'package-lock.json',
	];
	return Math.max(...inputs.map(file => statSync(path.join(projectRoot, file)).mtimeMs));
}

/** Finds a program the way a shell would; undefined when it is not on PATH. */
function whichOnHostPath(program: string): string | undefined {
	for (const directory of (process.env['PATH'] ?? '').split(':')) {
		if (directory === '') continue;
		const candidate = path.join(directory, program);
		if (existsSync(candidate)) return candidate;
	}

	return undefined;
}

describe.skipIf(!isLinuxX64)('standalone executable without Node', () => {
	let directory: string;
	let executable: string;
	let environment: Record<string, string>;

	beforeAll(async () => {
		const builtAt = existsSync(builtExecutable) ? statSync(builtExecutable).mtimeMs : 0;
		if (builtAt < newestInputChange()) {
			await execa('npm', ['run', 'build:standalone'], {cwd: projectRoot, timeout: 300_000});
		}

		directory = mkdtempSync(path.join(tmpdir(), 'sshtop-standalone-'));
		executable = path.join(directory, executableName);
		copyFileSync(builtExecutable, executable);
		// The only program sshtop --json runs is ss; PATH offers it and nothing else.
		const bin = path.join(directory, 'bin');
		mkdirSync(bin);
		const ss = whichOnHostPath('ss');
		if (ss !== undefined) symlinkSync(ss, path.join(bin, 'ss'));
		environment = {PATH: bin, LANG: 'C.UTF-8'};
	}, 300_000);

	afterAll(() => {
		if (directory !== undefined) rmSync(directory, {recursive: true, force: true});
	});

	async function run(args: readonly string[]) {
		return execa(executable, args, {
			cwd: directory,
			env: environment,
			extendEnv: false,
			reject: false,
			timeout: 30_000,
		});
	}

	it('runs with a PATH on which node cannot be found, from a directory without node_modules', async () => {
		const lookup = await execa('/bin/sh', ['-c', 'command -v node'], {
			cwd: directory,
			env: environment,
			extendEnv: false,
			reject: false,
		});
		expect(lookup.exitCode).not.toBe(0);
		expect(lookup.stdout).toBe('');
		expect(readdirSync(directory).sort()).toEqual(['bin', executableName]);
	});

	it('prints the package version for --version', async () => {
		const result = await run(['--version']);
		expect(result.exitCode).toBe(0);
		expect(result.stderr).toBe('');
		expect(result.stdout).toBe(version);
	});

	it('prints a schema version 1 document for --json', async () => {
		const result = await run(['--json']);
		expect(result.exitCode).toBe(0);
		expect(result.stderr).toBe('');
		const document = JSON.parse(result.stdout) as {schemaVersion: unknown; sessions: unknown; listeners: unknown};
		expect(document.schemaVersion).toBe(1);
		expect(Array.isArray(document.sessions)).toBe(true);
		expect(Array.isArray(document.listeners)).toBe(true);
	});

	it('rejects an unknown flag with exit code 2', async () => {
		const result = await run(['--no-such-flag']);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toContain('--no-such-flag');
	});
});
