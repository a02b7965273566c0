// The Debian package (npm run build:deb): lintian finds no error in it, and installed with dpkg
// on this machine it gives a working sshtop, its man page and its completion; removed with dpkg,
// it leaves nothing. Skipped where sshtop is already installed from a package, which this test
// must not replace.
import process from 'node:process';
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {projectRoot, testRunDirectory} from '../e2e/harness/sshtop.js';

const {version} = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {version: string};
const deb = path.join(projectRoot, 'dist', `sshtop_${version}_amd64.deb`);
// Dpkg-query's own ${…} syntax, not JavaScript's.
// eslint-disable-next-line no-template-curly-in-string
const statusFormat = '-f=${Status}';
// eslint-disable-next-line no-template-curly-in-string
const statusAndVersionFormat = '-f=${Status} ${Version}';

function commandExists(command: string): boolean {
	try {
		execFileSync('/bin/sh', ['-c', `command -v ${command}`], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
}

/** Whether dpkg knows a package named sshtop in any state (installed, half-installed, config files). */
function sshtopKnownToDpkg(): boolean {
	try {
		const status = execFileSync('dpkg-query', ['-W', statusFormat, 'sshtop'], {encoding: 'utf8', stdio: 'pipe'});
		return !status.endsWith('not-installed');
	} catch {
		return false;
	}
}

/** Minimal images tell dpkg to skip man pages (path-exclude in /etc/dpkg/dpkg.cfg.d). */
function manPagesExcluded(): boolean {
	const directory = '/etc/dpkg/dpkg.cfg.d';
	if (!existsSync(directory)) return false;
	return readdirSync(directory).some(file =>
		/^path-exclude[= ]\/usr\/share\/man\//mu.test(readFileSync(path.join(directory, file), 'utf8')),
	);
}

const canInstall =
	process.platform === 'linux' &&
	process.arch === 'x64' &&
	process.getuid?.() === 0 &&
	commandExists('dpkg') &&
	commandExists('lintian');
const alreadyInstalled = canInstall && sshtopKnownToDpkg();

describe.skipIf(!canInstall || alreadyInstalled)('the Debian package', () => {
	let installedFiles: string[] = [];

	beforeAll(async () => {
		await execa('npm', ['run', '--silent', 'build:deb'], {cwd: projectRoot, timeout: 600_000});
	}, 600_000);

	afterAll(async () => {
		// Only when a test failed between install and removal.
		if (sshtopKnownToDpkg()) await execa('dpkg', ['--purge', 'sshtop'], {reject: false});
	});

	it('passes lintian without an error', async () => {
		// Lintian leaves its databases in TMPDIR: give it one of ours.
		const lintianTemporary = mkdtempSync(path.join(testRunDirectory(), 'sshtop-lintian-'));
		const result = await execa('lintian', ['--fail-on', 'error', deb], {
			reject: false,
			all: true,
			timeout: 300_000,
			env: {TMPDIR: lintianTemporary},
		}).finally(() => {
			rmSync(lintianTemporary, {recursive: true, force: true});
		});
		expect(result.all.split('\n').filter(line => line.startsWith('E:'))).toEqual([]);
		expect(result.exitCode).toBe(0);
	}, 300_000);

	it('holds the executable, the man page, the completion, the copyright and the changelog', async () => {
		const {stdout} = await execa('dpkg-deb', ['--contents', deb]);
		const entries = new Map(
			stdout.split('\n').map(line => {
				const fields = line.split(/\s+/u);
				return [fields.at(-1)!.replace(/^\./u, ''), {mode: fields[0]!, owner: fields[1]!}];
			}),
		);
		expect(entries.get('/usr/bin/sshtop')).toEqual({mode: '-rwxr-xr-x', owner: 'root/root'});
		for (const file of [
			'/usr/share/man/man1/sshtop.1.gz',
			'/usr/share/bash-completion/completions/sshtop',
			'/usr/share/doc/sshtop/copyright',
			'/usr/share/doc/sshtop/changelog.gz',
		]) {
			expect(entries.get(file)).toEqual({mode: '-rw-r--r--', owner: 'root/root'});
		}

		const field = async (name: string) => (await execa('dpkg-deb', ['--field', deb, name])).stdout;
		expect(await field('Package')).toBe('sshtop');
		expect(await field('Version')).toBe(version);
		expect(await field('Architecture')).toBe('amd64');
		expect(await field('Depends')).toMatch(/^libc6 \(>= [\d.]+\)/u);
	});

	it('installs with dpkg -i', async () => {
		await execa('dpkg', ['-i', deb], {env: {DEBIAN_FRONTEND: 'noninteractive'}, timeout: 120_000});
		const {stdout} = await execa('dpkg-query', ['-W', statusAndVersionFormat, 'sshtop']);
		expect(stdout).toBe(`install ok installed ${version}`);
		installedFiles = (await execa('dpkg', ['-L', 'sshtop'])).stdout.split('\n');
		expect(installedFiles).toContain('/usr/bin/sshtop');
	}, 120_000);

	it('runs sshtop --version and sshtop --json from PATH', async () => {
		const {stdout: which} = await execa('/bin/sh', ['-c', 'command -v sshtop'], {env: {PATH: '/usr/bin:/bin'}});
		expect(which).toBe('/usr/bin/sshtop');
		const versionResult = await execa('sshtop', ['--version'], {env: {PATH: '/usr/bin:/bin'}});
		expect(versionResult.stdout).toBe(version);
		const json = await execa('sshtop', ['--json'], {env: {PATH: '/usr/bin:/bin:/usr/sbin:/sbin'}});
		expect(json.stderr).toBe('');
		const document = JSON.parse(json.stdout) as {schemaVersion: unknown; sessions: unknown};
		expect(document.schemaVersion).toBe(1);
		expect(Array.isArray(document.sessions)).toBe(true);
	});

	it.skipIf(manPagesExcluded())('opens man sshtop', async () => {
		const {stdout, stderr} = await execa('man', ['--warnings', 'sshtop'], {env: {MANPAGER: 'cat', MANWIDTH: '100'}});
		expect(stderr).toBe('');
		expect(stdout).toMatch(/^NAME\n\s+sshtop - /mu);
		expect(stdout).toContain('--json');
	});

	it.skipIf(!commandExists('systemd-analyze'))(
		'installs systemd units that systemd-analyze verify accepts',
		async () => {
			const units = installedFiles.filter(file =>
				/^\/usr\/lib\/systemd\/system\/sshtop-.+\.(?:service|timer)$/u.test(file),
			);
			expect(units.toSorted()).toEqual(
				['sshtop-exporter.service', 'sshtop-reap.service', 'sshtop-reap.timer'].map(
					unit => `/usr/lib/systemd/system/${unit}`,
				),
			);
			const result = await execa('systemd-analyze', ['verify', ...units], {reject: false, all: true});
			expect(result.all).toBe('');
			expect(result.exitCode).toBe(0);
		},
	);

	it('completes sshtop flags once its completion is sourced', async () => {
		const script = [
			'source /usr/share/bash-completion/completions/sshtop',
			"COMP_WORDS=(sshtop '--so')",
			'COMP_CWORD=1',
			'_sshtop',
			// eslint-disable-next-line no-template-curly-in-string -- bash's own expansion.
			'printf "%s\\n" "${COMPREPLY[@]}"',
		].join('\n');
		const {stdout} = await execa('bash', ['--norc', '--noprofile', '-c', script]);
		expect(stdout.split('\n')).toContain('--sort');
	});

	it('removes with dpkg -r, leaving none of its files and no trace in dpkg', async () => {
		await execa('dpkg', ['-r', 'sshtop'], {env: {DEBIAN_FRONTEND: 'noninteractive'}, timeout: 120_000});
		expect(sshtopKnownToDpkg()).toBe(false);
		const ownDirectory = (file: string) => file.startsWith('/usr/share/doc/sshtop');
		const left = installedFiles.filter(file => file.includes('sshtop') && existsSync(file));
		expect(left).toEqual([]);
		expect(installedFiles.some(file => ownDirectory(file))).toBe(true);
		expect(existsSync('/usr/share/doc/sshtop')).toBe(false);
	}, 120_000);
});
