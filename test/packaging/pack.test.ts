// The npm package: what `npm pack` puts in it, and that its bin works once installed with
// `npm install -g` and run with `npm exec` (npx). Installs go to a temporary prefix, never the
// real global one, and prefer npm's cache to the registry.
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ensureBuilt, projectRoot} from '../e2e/harness/sshtop.js';

type PackResult = {
	readonly filename: string;
	readonly files: ReadonlyArray<{readonly path: string; readonly mode: number}>;
};

type Manifest = {
	readonly name: string;
	readonly version: string;
	readonly bin: Readonly<Record<string, string>>;
};

const manifest = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as Manifest;

/** Files under media/ that README.md shows or links to, as `](media/x.png)` or `src="media/x.png"`. */
function mediaReferencedByReadme(): string[] {
	const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
	const references = [...readme.matchAll(/(?:\]\(|src=["'])\.?\/?(media\/[^)"'\s#?]+)/gu)].map(match => match[1]!);
	return [...new Set(references)];
}

async function npm([command, ...args]: readonly string[], cwd: string) {
	return execa('npm', [command!, '--no-audit', '--no-fund', '--no-update-notifier', ...args], {cwd, timeout: 120_000});
}

async function packDryRun(): Promise<PackResult> {
	const {stdout} = await npm(['pack', '--dry-run', '--json', '--ignore-scripts'], projectRoot);
	const results = JSON.parse(stdout) as PackResult[];
	expect(results).toHaveLength(1);
	return results[0]!;
}

describe('npm package', () => {
	let temporary: string;
	let tarball: string;

	beforeAll(async () => {
		await ensureBuilt();
		temporary = mkdtempSync(path.join(tmpdir(), 'sshtop-pack-'));
		const {stdout} = await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', temporary], projectRoot);
		const [result] = JSON.parse(stdout) as PackResult[];
		tarball = path.join(temporary, result!.filename);
	}, 180_000);

	afterAll(() => {
		if (temporary !== undefined) rmSync(temporary, {recursive: true, force: true});
	});

	it('contains only the launcher and the bundle, the man page and completion, README, license, changelog, package.json and the media README references', async () => {
		const media = mediaReferencedByReadme();
		for (const file of media) {
			expect(existsSync(path.join(projectRoot, file)), `README.md references ${file}, which does not exist`).toBe(true);
		}

		const {files} = await packDryRun();
		expect(files.map(file => file.path).sort()).toEqual(
			[
				'CHANGELOG.md',
				'LICENSE',
				'README.md',
				'dist/sshtop.js',
				'dist/sshtop-app.cjs',
				'man/sshtop.1',
				'completion/sshtop.bash',
				'package.json',
				...media,
			].sort(),
		);
	});

	it('has a bin that points at a packed file that starts Node (through sh, to pass its V8 flags)', async () => {
		expect(Object.keys(manifest.bin)).toEqual(['sshtop']);
		const binPath = manifest.bin['sshtop']!.replace(/^\.\//u, '');
		const {files} = await packDryRun();
		expect(files.map(file => file.path)).toContain(binPath);
		expect(readFileSync(path.join(projectRoot, binPath), 'utf8').split('\n').slice(0, 2)).toEqual([
			'#!/bin/sh',
			`':' //; exec node --no-opt --no-memory-reducer --max-semi-space-size=2 "$0" "$@"`,
		]);
	});

	it('installs with npm install -g and runs as sshtop', async () => {
		const prefix = path.join(temporary, 'global');
		await npm(['install', '--global', '--prefix', prefix, '--prefer-offline', '--ignore-scripts', tarball], temporary);
		const {stdout: version} = await execa(path.join(prefix, 'bin', 'sshtop'), ['--version'], {
			cwd: temporary,
			timeout: 30_000,
		});
		expect(version).toBe(manifest.version);
		const {stdout: help} = await execa(path.join(prefix, 'bin', 'sshtop'), ['--help'], {
			cwd: temporary,
			timeout: 30_000,
		});
		expect(help).toContain('--json');
	}, 180_000);

	it('from a fresh clone, npm pack builds dist/ itself, and the package installs and runs with no dependency', async () => {
		// A clone has no dist/: copy what git tracks, and borrow the dev dependencies the build needs.
		const clone = path.join(temporary, 'clone');
		const {stdout: tracked} = await execa('git', ['ls-files', '-z'], {cwd: projectRoot});
		for (const file of tracked.split('\0').filter(Boolean)) {
			cpSync(path.join(projectRoot, file), path.join(clone, file), {recursive: true});
		}

		symlinkSync(path.join(projectRoot, 'node_modules'), path.join(clone, 'node_modules'));
		expect(existsSync(path.join(clone, 'dist'))).toBe(false);
		const destination = path.join(temporary, 'from-clone');
		mkdirSync(destination);
		const {stdout} = await npm(['pack', '--json', '--pack-destination', destination], clone);
		const [result] = JSON.parse(stdout.slice(stdout.indexOf('['))) as PackResult[];
		expect(result!.files.map(file => file.path)).toEqual(
			expect.arrayContaining(['dist/sshtop.js', 'dist/sshtop-app.cjs']),
		);

		const manifestInTarball = JSON.parse(readFileSync(path.join(clone, 'package.json'), 'utf8')) as Record<
			string,
			unknown
		>;
		expect(manifestInTarball['dependencies']).toBeUndefined();
		const prefix = path.join(temporary, 'from-clone-global');
		await npm(
			['install', '--global', '--prefix', prefix, '--offline', path.join(destination, result!.filename)],
			temporary,
		);
		const installed = path.join(prefix, 'lib', 'node_modules', 'sshtop');
		expect(readdirSync(installed)).not.toContain('node_modules');

		const sshtop = path.join(prefix, 'bin', 'sshtop');
		const {stdout: version} = await execa(sshtop, ['--version'], {cwd: temporary, timeout: 30_000});
		expect(version).toBe(manifest.version);
		const {stdout: json} = await execa(sshtop, ['--json'], {cwd: temporary, timeout: 30_000});
		expect((JSON.parse(json) as {schemaVersion: number}).schemaVersion).toBe(1);
	}, 300_000);

	it('runs with npm exec (npx) from the tarball', async () => {
		// npm exec installs into its cache's _npx folder, one per package spec: remove the one this adds.
		const {stdout: cache} = await npm(['config', 'get', 'cache'], temporary);
		const npxRoot = path.join(cache.trim(), '_npx');
		const before = new Set(existsSync(npxRoot) ? readdirSync(npxRoot) : []);
		try {
			const {stdout} = await npm(
				['exec', '--yes', '--prefer-offline', `--package=${tarball}`, '--', 'sshtop', '--version'],
				temporary,
			);
			expect(stdout.trim()).toBe(manifest.version);
		} finally {
			for (const entry of existsSync(npxRoot) ? readdirSync(npxRoot) : []) {
				if (!before.has(entry)) rmSync(path.join(npxRoot, entry), {recursive: true, force: true});
			}
		}
	}, 180_000);
});
