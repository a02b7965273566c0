// Dist/sshtop.js starts the application bundle through V8's code cache (source/launch.ts). The
// cache is compiled code run by whoever runs sshtop, so where it lives and who may write it
// matter as much as whether it is used.
import process from 'node:process';
import {Buffer} from 'node:buffer';
import {
	chmodSync,
	chownSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {cliPath, ensureBuilt, projectRoot} from '../e2e/harness/sshtop.js';

const {version} = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {version: string};

describe('the launcher’s code cache', () => {
	let cacheHome: string;
	const cacheDirectory = () => path.join(cacheHome, 'sshtop');
	const cacheFiles = () => (existsSync(cacheDirectory()) ? readdirSync(cacheDirectory()) : []);
	const run = async (args: readonly string[], environment: Record<string, string> = {}) =>
		execa('node', [cliPath, ...args], {
			env: {XDG_CACHE_HOME: cacheHome, ...environment},
			stdin: 'ignore',
			timeout: 30_000,
		});

	beforeAll(async () => {
		await ensureBuilt();
	}, 120_000);

	beforeEach(() => {
		cacheHome = mkdtempSync(path.join(tmpdir(), 'sshtop-cache-'));
	});

	afterEach(() => {
		rmSync(cacheHome, {recursive: true, force: true});
	});

	it('writes the compiled bundle to a private file in the user’s cache directory, then starts from it', async () => {
		expect((await run(['--version'])).stdout).toBe(version);
		const [file] = cacheFiles();
		expect(file).toMatch(/^app-\d+-\d+-nodev[\d.]+-\w+-command\.v8cache$/u);
		expect(statSync(cacheDirectory()).mode & 0o777).toBe(0o700);
		const written = statSync(path.join(cacheDirectory(), file!));
		expect(written.mode & 0o777).toBe(0o600);
		expect(written.size).toBeGreaterThan(10_000);

		// Accepted by V8, so not written again.
		expect((await run(['--version'])).stdout).toBe(version);
		expect(statSync(path.join(cacheDirectory(), file!)).mtimeMs).toBe(written.mtimeMs);
		expect(cacheFiles()).toEqual([file]);
	});

	it('replaces a cache V8 rejects (corrupt or from another build) and still runs correctly', async () => {
		await run(['--version']);
		const file = path.join(cacheDirectory(), cacheFiles()[0]!);
		writeFileSync(file, Buffer.alloc(4096, 0x5a), {mode: 0o600});
		const {stdout} = await run(['--json']);
		expect(JSON.parse(stdout)).toMatchObject({schemaVersion: 1});
		expect(readFileSync(file).subarray(0, 4096).equals(Buffer.alloc(4096, 0x5a))).toBe(false);
	});

	it('neither reads nor writes a cache in a directory others may write to', async () => {
		mkdirSync(cacheDirectory(), {mode: 0o700});
		chmodSync(cacheDirectory(), 0o777);
		await run(['--version']);
		const [file] = cacheFiles();
		expect(file).toBeUndefined();

		// A cache planted there is not run either: garbage would make V8 reject it, so plant a
		// valid one and check it is left untouched rather than used and kept.
		chmodSync(cacheDirectory(), 0o700);
		await run(['--version']);
		const planted = path.join(cacheDirectory(), cacheFiles()[0]!);
		chmodSync(cacheDirectory(), 0o777);
		rmSync(planted);
		writeFileSync(planted, Buffer.alloc(4096, 0x5a), {mode: 0o600});
		expect((await run(['--version'])).stdout).toBe(version);
		// Not rewritten: a world-writable directory is not trusted with a new cache either.
		expect(readFileSync(planted).equals(Buffer.alloc(4096, 0x5a))).toBe(true);
	});

	// Giving a directory to another user takes root.
	it.skipIf(process.getuid?.() !== 0)(
		'keeps no cache where another user owns the cache home (sudo with that user’s HOME)',
		async () => {
			const othersHome = path.join(cacheHome, 'other');
			mkdirSync(othersHome, {mode: 0o755});
			chownSync(othersHome, 65_534, 65_534);
			await run(['--version'], {XDG_CACHE_HOME: othersHome});
			expect(existsSync(path.join(othersHome, 'sshtop'))).toBe(false);
		},
	);

	it('neither follows nor writes through a symbolic link where the cache directory should be', async () => {
		const elsewhere = path.join(cacheHome, 'elsewhere');
		mkdirSync(elsewhere, {mode: 0o700});
		symlinkSync(elsewhere, cacheDirectory());
		expect((await run(['--version'])).stdout).toBe(version);
		expect(readdirSync(elsewhere)).toEqual([]);
	});

	it('removes the caches of other builds when it writes its own, and nothing else', async () => {
		mkdirSync(cacheDirectory(), {mode: 0o700});
		const otherBuild = path.join(cacheDirectory(), 'app-655370-1795315811716-nodev20.20.2-x64-explorer.v8cache');
		const otherNode = path.join(cacheDirectory(), 'app-655370-1795315811716-nodev18.0.0-x64-command.v8cache');
		const hint = path.join(cacheDirectory(), 'scan-hint.json');
		for (const file of [otherBuild, otherNode, hint]) {
			writeFileSync(file, 'x', {mode: 0o600});
		}

		await run(['--version']);
		const files = cacheFiles();
		expect(files).not.toContain(path.basename(otherBuild));
		expect(files).not.toContain(path.basename(otherNode));
		expect(files).toContain('scan-hint.json');
		expect(files.filter(file => file.endsWith('.v8cache'))).toHaveLength(1);
	});

	it('keeps nothing when SSHTOP_CODE_CACHE=0', async () => {
		expect((await run(['--version'], {SSHTOP_CODE_CACHE: '0'})).stdout).toBe(version);
		expect(cacheFiles()).toEqual([]);
	});
});

describe('the installed program', () => {
	beforeAll(async () => {
		await ensureBuilt();
	}, 120_000);

	it('starts Node itself, with no optimising compiler and no memory reducer, when run as a program rather than through node', async () => {
		expect(statSync(cliPath).mode & 0o111).toBe(0o111);
		// A `node` first on PATH that notes its arguments, then runs the real one.
		const bin = mkdtempSync(path.join(tmpdir(), 'sshtop-path-'));
		try {
			const noted = path.join(bin, 'arguments');
			writeFileSync(
				path.join(bin, 'node'),
				`#!/bin/sh\nprintf '%s\\n' "$@" > ${noted}\nexec ${process.execPath} "$@"\n`,
				{mode: 0o755},
			);
			const {stdout} = await execa(cliPath, ['--version'], {
				stdin: 'ignore',
				timeout: 30_000,
				env: {PATH: `${bin}:${process.env['PATH']}`},
			});
			expect(stdout).toBe(version);
			expect(readFileSync(noted, 'utf8').split('\n').slice(0, 5)).toEqual([
				'--no-opt',
				'--no-memory-reducer',
				'--max-semi-space-size=2',
				cliPath,
				'--version',
			]);
		} finally {
			rmSync(bin, {recursive: true, force: true});
		}
	});

	it('stops quietly, with status 0, when the reader of its output goes away (sshtop --json | head -c 10)', async () => {
		const result = await execa(
			'bash',
			['-c', `set -o pipefail; node ${cliPath} --json | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`],
			{timeout: 30_000, reject: false},
		);
		expect(result.stderr).toBe('');
		expect(result.stdout).toBe('0');
	});
});
