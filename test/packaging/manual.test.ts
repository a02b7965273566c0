// The man page and bash completion: generated from the same tables as --help, the explorer's help
// and README, so they cannot drift; `man` renders the page without a warning; bash completes flags,
// reap flags, sort keys, qualifier names and signal names through the completion function.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {execa} from 'execa';
import {describe, expect, it} from 'vitest';
import {bashCompletion, manPage} from '../../scripts/manual.js';
import {flagHelp} from '../../source/cli-options.js';
import {qualifiers} from '../../source/model/filter/query-parser.js';
import {metricsFlagHelp, serveFlagHelp} from '../../source/metrics/metrics-options.js';
import {reapFlagHelp} from '../../source/reap/reap-options.js';
import {helpLines} from '../../source/ui/keys/keymap.js';
import {projectRoot} from '../e2e/harness/sshtop.js';

const {version} = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {version: string};
const manFile = path.join(projectRoot, 'man', 'sshtop.1');
const completionFile = path.join(projectRoot, 'completion', 'sshtop.bash');
const flagsOf = (entries: ReadonlyArray<{readonly flag: string}>) => entries.map(entry => entry.flag.split(' ')[0]!);

async function rendered(): Promise<{readonly stdout: string; readonly stderr: string}> {
	return execa('man', ['--warnings', '-l', manFile], {env: {MANWIDTH: '200', MAN_KEEP_FORMATTING: ''}, reject: false});
}

/** What bash completes for the words of a command line, the last being the one typed. */
async function complete(...words: string[]): Promise<string[]> {
	const script = [
		`source ${JSON.stringify(completionFile)}`,
		`COMP_WORDS=(${words.map(word => `'${word}'`).join(' ')})`,
		`COMP_CWORD=${words.length - 1}`,
		'_sshtop',
		String.raw`printf '%s\n' "${'$'}{COMPREPLY[@]}"`,
	].join('\n');
	const {stdout} = await execa('bash', ['--norc', '--noprofile', '-c', script]);
	return stdout.split('\n').filter(Boolean);
}

describe('the man page', () => {
	it('is what npm run docs generates from the tables (run it after changing them)', () => {
		expect(readFileSync(manFile, 'utf8')).toBe(manPage(version));
	});

	it('renders with man -l, without a warning, with every flag, reap flag, key and qualifier', async () => {
		const {stdout, stderr} = await rendered();
		expect(stderr).toBe('');
		const text = stdout.replaceAll(/.\u0008/gu, '');
		for (const flag of [...flagsOf(flagHelp), ...flagsOf(reapFlagHelp)]) {
			expect(text, flag).toContain(flag);
		}

		for (const line of helpLines()) {
			expect(text, line.keys).toContain(line.keys);
		}

		for (const qualifier of qualifiers) {
			expect(text, qualifier.example).toContain(qualifier.example);
		}
	});
});

describe('bash completion', () => {
	it('is what npm run docs generates from the tables', () => {
		expect(readFileSync(completionFile, 'utf8')).toBe(bashCompletion());
	});

	it('completes the flags and the reap subcommand, then reap’s own flags', async () => {
		expect(await complete('sshtop', '--so')).toEqual(['--sort']);
		expect(await complete('sshtop', 're')).toEqual(['reap']);
		expect(await complete('sshtop', 'reap', '--')).toEqual(flagsOf(reapFlagHelp));
		expect(await complete('sshtop', '--')).toEqual(flagsOf(flagHelp));
		expect(await complete('sshtop', 'me')).toEqual(['metrics']);
		expect(await complete('sshtop', 'metrics', '--')).toEqual(flagsOf(metricsFlagHelp));
		expect(await complete('sshtop', 'serve', '--')).toEqual(flagsOf(serveFlagHelp));
	});

	it('completes the values of --sort, --expand, --health, --signal and --filter', async () => {
		expect(await complete('sshtop', '--sort', 'l')).toEqual(['login']);
		expect(await complete('sshtop', '--expand', 'c')).toEqual(['collapsed']);
		expect(await complete('sshtop', 'reap', '--health', 'd')).toEqual(['dead-peer']);
		expect(await complete('sshtop', 'reap', '--signal', 'TE')).toEqual(['TERM']);
		expect(await complete('sshtop', '--filter', 'us')).toEqual(['user:']);
	});
});
