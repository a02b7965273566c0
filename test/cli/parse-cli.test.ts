// The command line: parseCli turns flags into options or a one-line error, and main() exits 2
// with that error (usage errors), or hands `reap` to its own parser before parseCli sees it.
import process from 'node:process';
import {readFileSync} from 'node:fs';
import {afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {type CliOptions, helpText, parseCli} from '../../source/cli-options.js';
import {main} from '../../source/main.js';
import {sortKeys} from '../../source/model/view/sort.js';

const defaults: CliOptions = {
	mode: 'auto',
	intervalSeconds: 2,
	isReadOnly: false,
	auditLogPath: undefined,
	isAuditRequired: false,
	systemLog: {socket: '/dev/log', isExplicit: false},
	authLog: undefined,
	filterQuery: '',
	sortKey: 'idle',
	isSortReversed: false,
	expansion: undefined,
	given: new Set(),
};

function optionsOf(argv: readonly string[]): CliOptions {
	const parsed = parseCli(argv);
	if ('error' in parsed) {
		throw new Error(`${argv.join(' ')}: ${parsed.error}`);
	}

	return parsed.options;
}

function errorOf(argv: readonly string[]): string {
	const parsed = parseCli(argv);
	if (!('error' in parsed)) {
		throw new Error(`${argv.join(' ')} parsed: ${JSON.stringify(parsed.options)}`);
	}

	return parsed.error;
}

describe('defaults', () => {
	test('no flags: the explorer (or the plain tree without a terminal), every 2 s, actions on, sorted by idle', () => {
		expect(optionsOf([])).toEqual(defaults);
	});
});

describe('each flag', () => {
	test('--json asks for the JSON document', () => {
		expect(optionsOf(['--json'])).toEqual({...defaults, mode: 'json'});
	});

	test('--help and -h, --version and -V', () => {
		expect(optionsOf(['--help']).mode).toBe('help');
		expect(optionsOf(['-h']).mode).toBe('help');
		expect(optionsOf(['--version']).mode).toBe('version');
		expect(optionsOf(['-V']).mode).toBe('version');
	});

	test('help wins over version, and version over --json', () => {
		expect(optionsOf(['--json', '--version', '--help']).mode).toBe('help');
		expect(optionsOf(['--json', '--version']).mode).toBe('version');
	});

	test.each([
		['0.2', 0.2],
		['2.5', 2.5],
		['5', 5],
		['3600', 3600],
	])('--interval %s is %d seconds', (value, seconds) => {
		expect(optionsOf(['--interval', value])).toEqual({
			...defaults,
			intervalSeconds: seconds,
			given: new Set(['interval']),
		});
		expect(optionsOf([`--interval=${value}`]).intervalSeconds).toBe(seconds);
	});

	test('--read-only starts with every action disabled', () => {
		expect(optionsOf(['--read-only'])).toEqual({...defaults, isReadOnly: true});
	});

	test('--audit-log takes the path as given, absolute or relative', () => {
		expect(optionsOf(['--audit-log', '/var/tmp/sshtop/actions.log'])).toEqual({
			...defaults,
			auditLogPath: '/var/tmp/sshtop/actions.log',
		});
		expect(optionsOf(['--audit-log', 'actions.log']).auditLogPath).toBe('actions.log');
	});

	test('--require-audit', () => {
		expect(optionsOf(['--require-audit'])).toEqual({...defaults, isAuditRequired: true});
	});

	test('--no-syslog turns the system log copy off; --syslog-socket names another socket', () => {
		expect(optionsOf(['--no-syslog']).systemLog).toBeUndefined();
		expect(optionsOf(['--syslog-socket', '/run/x/log']).systemLog).toEqual({socket: '/run/x/log', isExplicit: true});
	});

	test('--filter takes the query verbatim, even one the filter cannot read (the explorer shows the hint)', () => {
		expect(optionsOf(['--filter', 'user:alice idle>1h'])).toEqual({...defaults, filterQuery: 'user:alice idle>1h'});
		expect(optionsOf(['--filter=kind:notty']).filterQuery).toBe('kind:notty');
		expect(optionsOf(['--filter', 'idle>abc']).filterQuery).toBe('idle>abc');
	});

	test.each(sortKeys)('--sort %s', key => {
		expect(optionsOf(['--sort', key])).toEqual({...defaults, sortKey: key, given: new Set(['sort'])});
	});

	test('--reverse', () => {
		expect(optionsOf(['--reverse'])).toEqual({...defaults, isSortReversed: true, given: new Set(['reverse'])});
	});

	test.each(['auto', 'foreground', 'collapsed', 'all'] as const)('--expand %s', expansion => {
		expect(optionsOf(['--expand', expansion])).toEqual({...defaults, expansion});
	});

	test('flags combine, in any order', () => {
		expect(
			optionsOf([
				'--reverse',
				'--json',
				'--sort',
				'memory',
				'--filter',
				'bob',
				'--interval',
				'10',
				'--read-only',
				'--require-audit',
				'--audit-log',
				'/tmp/a.log',
				'--no-syslog',
			]),
		).toEqual({
			mode: 'json',
			intervalSeconds: 10,
			isReadOnly: true,
			auditLogPath: '/tmp/a.log',
			isAuditRequired: true,
			systemLog: undefined,
			authLog: undefined,
			filterQuery: 'bob',
			sortKey: 'memory',
			isSortReversed: true,
			expansion: undefined,
			given: new Set(['interval', 'sort', 'reverse']),
		});
	});
});

describe('bad values', () => {
	test.each(['abc', '0.1', '0', '-1', '3601', 'Infinity', 'NaN', ''])('--interval=%j says what it takes', value => {
		expect(errorOf([`--interval=${value}`])).toBe(
			`--interval takes a number of seconds from 0.2 to 3600, not "${value}"`,
		);
	});

	test('--interval followed by what looks like a flag is ambiguous, not a value', () => {
		expect(errorOf(['--interval', '-1'])).toBe("Option '--interval' argument is ambiguous.");
		expect(errorOf(['--interval', 'abc'])).toBe('--interval takes a number of seconds from 0.2 to 3600, not "abc"');
	});

	test('--syslog-socket wants an absolute path, and not beside --no-syslog', () => {
		expect(errorOf(['--syslog-socket', 'log'])).toBe('--syslog-socket takes an absolute path, not "log"');
		expect(errorOf(['--syslog-socket', '/dev/log', '--no-syslog'])).toBe(
			'--syslog-socket and --no-syslog contradict each other: give one',
		);
	});

	test('a flag missing its value names the flag', () => {
		expect(errorOf(['--interval'])).toBe("Option '--interval <value>' argument missing");
		expect(errorOf(['--filter'])).toBe("Option '--filter <value>' argument missing");
		expect(errorOf(['--sort'])).toBe("Option '--sort <value>' argument missing");
		expect(errorOf(['--audit-log'])).toBe("Option '--audit-log <value>' argument missing");
	});

	test('--audit-log refuses an empty path and one under /proc or /sys', () => {
		expect(errorOf(['--audit-log', ''])).toBe('--audit-log takes a file path, not an empty string');
		expect(errorOf(['--audit-log', '  '])).toBe('--audit-log takes a file path, not an empty string');
		expect(errorOf(['--audit-log', '/proc/self/fd/1'])).toBe(
			'--audit-log: /proc/self/fd/1 is under /proc, a kernel interface, not a place for a log file',
		);
		expect(errorOf(['--audit-log', '/sys/kernel/actions.log'])).toBe(
			'--audit-log: /sys/kernel/actions.log is under /sys, a kernel interface, not a place for a log file',
		);
	});

	test('--sort lists the keys it takes; they are lower case', () => {
		const expected = (value: string) => `--sort takes one of ${sortKeys.join(', ')}, not "${value}"`;
		expect(errorOf(['--sort', 'size'])).toBe(expected('size'));
		expect(errorOf(['--sort', 'IDLE'])).toBe(expected('IDLE'));
	});

	test('--expand lists the settings it takes', () => {
		expect(errorOf(['--expand', 'sideways'])).toBe(
			'--expand takes one of auto, foreground, collapsed, all, not "sideways"',
		);
	});

	test('a yes/no flag takes no value', () => {
		expect(errorOf(['--json=1'])).toBe("Option '--json' does not take an argument");
		expect(errorOf(['--read-only=yes'])).toBe("Option '--read-only' does not take an argument");
	});

	test('unknown flags are named, long or short', () => {
		expect(errorOf(['--bogus'])).toBe("Unknown option '--bogus'");
		expect(errorOf(['-x'])).toBe("Unknown option '-x'");
		// No abbreviations.
		expect(errorOf(['--int', '5'])).toBe("Unknown option '--int'");
	});

	test('positional arguments are refused, `reap` included: main hands that to its own parser first', () => {
		expect(errorOf(['reap'])).toBe("Unexpected argument 'reap'. This command does not take positional arguments");
		expect(errorOf(['--json', 'extra'])).toBe(
			"Unexpected argument 'extra'. This command does not take positional arguments",
		);
	});

	test('every error is one line', () => {
		for (const argv of [
			['--bogus'],
			['--interval'],
			['--interval', 'x'],
			['--json=1'],
			['reap'],
			['--sort', 'x'],
			['--audit-log', '/proc/x'],
		]) {
			expect(errorOf(argv)).not.toContain('\n');
		}
	});
});

describe('main: exit codes and the reap subcommand', () => {
	let stdout: string[];
	let stderr: string[];
	let stdoutErrorListeners: number;
	beforeEach(() => {
		stdout = [];
		stderr = [];
		stdoutErrorListeners = process.stdout.listenerCount('error');
		vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
			stdout.push(String(chunk));
			return true;
		});
		vi.spyOn(process.stderr, 'write').mockImplementation(chunk => {
			stderr.push(String(chunk));
			return true;
		});
	});

	afterEach(() => {
		vi.restoreAllMocks();
		// Main() stops quietly on EPIPE through a listener of its own: one per call here.
		for (const listener of process.stdout.listeners('error').slice(stdoutErrorListeners)) {
			process.stdout.off('error', listener as (error: Error) => void);
		}
	});

	test('a usage error exits 2, with the error and where to look on stderr, nothing on stdout', async () => {
		await expect(main(['--interval', '0'])).resolves.toBe(2);
		expect(stderr.join('')).toBe(
			'sshtop: --interval takes a number of seconds from 0.2 to 3600, not "0" (see sshtop --help)\n',
		);
		expect(stdout).toEqual([]);
		stderr.length = 0;
		await expect(main(['--bogus'])).resolves.toBe(2);
		expect(stderr.join('')).toBe("sshtop: Unknown option '--bogus' (see sshtop --help)\n");
	});

	test('a filter the one-shot --json cannot read is a usage error too, before anything is read', async () => {
		await expect(main(['--json', '--filter', 'idle>abc'])).resolves.toBe(2);
		expect(stderr.join('')).toMatch(/^sshtop: --filter: idle: 'abc' is not a duration.* \(see sshtop --help\)\n$/u);
		expect(stdout).toEqual([]);
	});

	test('--help prints the help with the reap summary, and --version the package version; both exit 0', async () => {
		const {version} = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
			version: string;
		};
		await expect(main(['--help'])).resolves.toBe(0);
		expect(stdout.join('')).toContain(helpText(version));
		expect(stdout.join('')).toContain('sshtop reap');
		stdout.length = 0;
		await expect(main(['-V'])).resolves.toBe(0);
		expect(stdout.join('')).toBe(`${version}\n`);
		expect(stderr).toEqual([]);
	});

	test('`reap` goes to the reap parser: its own errors (exit 2) and its own help', async () => {
		await expect(main(['reap', '--bogus'])).resolves.toBe(2);
		expect(stderr.join('')).toBe("sshtop reap: Unknown option '--bogus' (see sshtop reap --help)\n");
		stderr.length = 0;
		// A flag of the explorer is not one of reap's.
		await expect(main(['reap', '--interval', '5'])).resolves.toBe(2);
		expect(stderr.join('')).toMatch(/^sshtop reap: Unknown option '--interval'/u);
		await expect(main(['reap', '--help'])).resolves.toBe(0);
		expect(stdout.join('')).toContain('sshtop reap --idle');
	});
});
