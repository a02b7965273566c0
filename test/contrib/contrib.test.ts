// What contrib/ ships for the monitoring and init systems admins run, checked by their own tools:
// the alerting rules by promtool (syntax, and unit tests of when each alert fires), the systemd
// units by systemd-analyze (verify, and the offline security review of their hardening).
import process from 'node:process';
import {copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync} from 'node:fs';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cliPath, ensureBuilt, projectRoot, testRunDirectory} from '../e2e/harness/sshtop.js';

function onPath(program: string): boolean {
	return (process.env['PATH'] ?? '').split(':').some(directory => existsSync(path.join(directory, program)));
}

const rulesDirectory = path.join(projectRoot, 'contrib/prometheus');
const unitsDirectory = path.join(projectRoot, 'contrib/systemd');
const units = ['sshtop-exporter.service', 'sshtop-reap.service', 'sshtop-reap.timer'];

describe.skipIf(!onPath('promtool'))('the Prometheus alerting rules', () => {
	it('pass promtool check rules', async () => {
		const {stdout} = await execa('promtool', ['check', 'rules', path.join(rulesDirectory, 'sshtop.rules.yml')]);
		expect(stdout).toContain('SUCCESS: 3 rules found');
	});

	it('fire as their unit tests expect: a dead peer after 10 minutes, a shell idle 12 hours, leftovers after 15 minutes', async () => {
		const result = await execa('promtool', ['test', 'rules', 'sshtop.rules.test.yml'], {
			cwd: rulesDirectory,
			all: true,
		});
		expect(result.all).toMatch(/SUCCESS/u);
	});
});

describe.skipIf(!onPath('systemd-analyze'))('the systemd units', () => {
	let root: string;
	let manuals: string;

	beforeAll(async () => {
		await ensureBuilt();
		// An offline root with the host's own units, the units under test and an executable at
		// the path they start: verify checks all three.
		root = mkdtempSync(path.join(testRunDirectory(), 'sshtop-units-'));
		mkdirSync(path.join(root, 'usr/bin'), {recursive: true});
		copyFileSync(cliPath, path.join(root, 'usr/bin/sshtop'));
		cpSync('/usr/lib/systemd/system', path.join(root, 'usr/lib/systemd/system'), {recursive: true});
		for (const unit of units)
			copyFileSync(path.join(unitsDirectory, unit), path.join(root, 'usr/lib/systemd/system', unit));
		// Documentation=man:sshtop(1) is checked with man: the page as it would be installed.
		manuals = mkdtempSync(path.join(testRunDirectory(), 'sshtop-manuals-'));
		mkdirSync(path.join(manuals, 'man1'));
		copyFileSync(path.join(projectRoot, 'man/sshtop.1'), path.join(manuals, 'man1/sshtop.1'));
	});

	afterAll(() => {
		for (const directory of [root, manuals])
			if (directory !== undefined) rmSync(directory, {recursive: true, force: true});
	});

	it('are every unit in contrib/systemd', () => {
		expect(readdirSync(unitsDirectory).toSorted()).toEqual(units.toSorted());
		expect(units.every(unit => statSync(path.join(unitsDirectory, unit)).isFile())).toBe(true);
	});

	it('pass systemd-analyze verify, their man page and executable found', async () => {
		const result = await execa(
			'systemd-analyze',
			['verify', `--root=${root}`, ...units.map(unit => `/usr/lib/systemd/system/${unit}`)],
			{env: {MANPATH: manuals}, reject: false, all: true},
		);
		expect(result.all).toBe('');
		expect(result.exitCode).toBe(0);
	});

	it.each(['sshtop-exporter.service', 'sshtop-reap.service'])(
		'%s is hardened: no new privileges, a read-only system and home, and only the capabilities it needs',
		async unit => {
			const {stdout} = await execa('systemd-analyze', [
				'security',
				`--root=${root}`,
				'--offline=yes',
				'--json=short',
				`/usr/lib/systemd/system/${unit}`,
			]);
			const review = JSON.parse(stdout) as Array<{name: string; set: boolean | null; description: string}>;
			const checks = new Map(review.map(check => [check.name, check]));
			expect(checks.get('NoNewPrivileges=')?.set).toBe(true);
			expect(checks.get('ProtectSystem=')?.description).toBe(
				'Service has strict read-only access to the OS file hierarchy',
			);
			expect(checks.get('ProtectHome=')?.description).toBe('Service has read-only access to home directories');
			// Each capability check systemd makes passes but those of what the unit keeps: reading
			// other users' /proc (SYS_PTRACE, DAC_READ_SEARCH), and for reap signalling (KILL).
			const kept = review
				.filter(check => check.name.startsWith('CapabilityBoundingSet=') && check.set !== true)
				.map(check => check.name)
				.toSorted();
			expect(kept).toEqual(
				[
					'CapabilityBoundingSet=~CAP_(DAC_*|FOWNER|IPC_OWNER)',
					'CapabilityBoundingSet=~CAP_SYS_PTRACE',
					...(unit === 'sshtop-reap.service' ? ['CapabilityBoundingSet=~CAP_KILL'] : []),
				].toSorted(),
			);
			const {stdout: overall} = await execa('systemd-analyze', [
				'security',
				`--root=${root}`,
				'--offline=yes',
				`/usr/lib/systemd/system/${unit}`,
			]);
			const exposure = Number(/Overall exposure level for \S+: ([\d.]+)/u.exec(overall)?.[1]);
			expect(exposure).toBeLessThan(5);
		},
	);
});
