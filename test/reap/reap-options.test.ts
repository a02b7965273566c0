import {describe, expect, test} from 'vitest';
import {SIGHUP, SIGKILL, SIGTERM} from '../../source/model/guard/signal-catalogue.js';
import {
	parseReapArgs,
	reapCommandSummary,
	reapFlagHelp,
	reapHelpText,
	type ReapOptions,
} from '../../source/reap/reap-options.js';
import {runReap} from '../../source/app/reap-command.js';

function options(argv: readonly string[]): ReapOptions {
	const parsed = parseReapArgs(argv);
	if (!parsed.ok) {
		throw new Error(`expected ${argv.join(' ')} to parse, got: ${parsed.message}`);
	}

	return parsed.options;
}

function problem(argv: readonly string[]): string {
	const parsed = parseReapArgs(argv);
	if (parsed.ok) {
		throw new Error(`expected ${argv.join(' ')} to be refused`);
	}

	return parsed.message;
}

describe('sshtop reap options', () => {
	test('one criterion is enough; a dry run with SIGTERM and a 10 s grace is the default', () => {
		expect(options(['--idle', '30m'])).toEqual({
			mode: 'dry-run',
			criteria: {idleSeconds: 1800},
			signal: SIGTERM,
			graceSeconds: 10,
			json: false,
			isAuditRequired: false,
			systemLog: {socket: '/dev/log', isExplicit: false},
			authLog: undefined,
			isLeftovers: false,
			auditLogPath: undefined,
		});
	});

	test('every flag at once', () => {
		expect(
			options([
				'--idle',
				'1h30m',
				'--health',
				'dead-peer',
				'--user',
				'alice',
				'--from',
				'10.0.',
				'--filter',
				'kind:shell vim',
				'--signal',
				'HUP',
				'--grace',
				'2s',
				'--yes',
				'--json',
				'--audit-log',
				'/tmp/reap.log',
				'--syslog-socket',
				'/run/log.sock',
			]),
		).toEqual({
			mode: 'execute',
			criteria: {idleSeconds: 5400, health: 'dead-peer', user: 'alice', from: '10.0.', filter: 'kind:shell vim'},
			signal: SIGHUP,
			graceSeconds: 2,
			json: true,
			isAuditRequired: false,
			systemLog: {socket: '/run/log.sock', isExplicit: true},
			authLog: undefined,
			isLeftovers: false,
			auditLogPath: '/tmp/reap.log',
		});
	});

	test('--no-syslog leaves the system log out; --syslog-socket wants an absolute path, not beside it', () => {
		expect(options(['--idle', '1h', '--no-syslog']).systemLog).toBeUndefined();
		expect(parseReapArgs(['--idle', '1h', '--syslog-socket', 'x'])).toEqual({
			ok: false,
			message: '--syslog-socket takes an absolute path, not "x"',
		});
		expect(parseReapArgs(['--idle', '1h', '--syslog-socket', '/x', '--no-syslog'])).toEqual({
			ok: false,
			message: '--syslog-socket and --no-syslog contradict each other: give one',
		});
	});

	test('--dry-run says the default out loud', () => {
		expect(options(['--health', 'stalled', '--dry-run']).mode).toBe('dry-run');
	});

	test.each([
		['TERM', SIGTERM],
		['sigkill', SIGKILL],
		['9', SIGKILL],
		['SIGHUP', SIGHUP],
	])('--signal %s', (text, signal) => {
		expect(options(['--user', 'bob', '--signal', text]).signal).toEqual(signal);
	});

	test.each(['ok', 'stalled', 'dead-peer', 'unknown', 'DEAD-PEER'])('--health %s', health => {
		expect(options(['--health', health]).criteria.health).toBe(health.toLowerCase());
	});

	test.each([['10.0.'], ['127.0.0.1:50022'], ['[fe80::1]:22'], [':50022']])('--from %s is an address prefix', from => {
		expect(options(['--from', from]).criteria.from).toBe(from);
	});

	test('--grace 0 escalates at once', () => {
		expect(options(['--idle', '1d', '--grace', '0']).graceSeconds).toBe(0);
	});

	test('--help wins over everything else', () => {
		expect(options(['--help']).mode).toBe('help');
		expect(options(['--idle', '1h', '-h']).mode).toBe('help');
	});

	test.each([
		[[], /give at least one of --idle, --health, --user, --from, --filter/u],
		[['--yes'], /give at least one of/u],
		[['--signal', 'KILL', '--json'], /give at least one of/u],
		[['--bogus'], /Unknown option '--bogus'/u],
		[['--idle', '1h', 'alice'], /Unexpected argument 'alice'/u],
		[['--idle'], /--idle/u],
		[['--idle', 'abc'], /--idle takes a duration such as 30s, 10m, 2h or 1d, not "abc"/u],
		[['--idle=-5m'], /--idle takes a duration/u],
		[['--idle', '-5m'], /Option '--idle' argument is ambiguous/u],
		[['--health', 'zombie'], /--health takes one of ok, stalled, dead-peer, unknown, not "zombie"/u],
		[['--user', ''], /--user needs a login name/u],
		[['--from', 'bastion.example.org'], /--from: 'bastion.example.org' is not an address/u],
		[['--from', ':99999'], /--from: 99999 is not a port/u],
		[['--from', ''], /--from needs an address/u],
		[['--filter', ''], /--filter needs a query/u],
		[['--filter', '   '], /--filter needs a query/u],
		[['--filter', 'idle>abc'], /--filter: idle: 'abc' is not a duration/u],
		[['--filter', 'usr:alice'], /--filter: unknown filter 'usr:'/u],
		[['--filter', 'health:zombie'], /--filter: health: 'zombie' is not one of/u],
		[['--idle', '1h', '--signal', 'BOGUS'], /--signal: Unknown signal "BOGUS"/u],
		[['--idle', '1h', '--signal', '0'], /--signal: /u],
		[['--idle', '1h', '--signal', '99'], /--signal: /u],
		[['--idle', '1h', '--grace', 'soon'], /--grace takes a duration from 0s to 1d such as 10s or 2m, not "soon"/u],
		[['--idle', '1h', '--grace', '2d'], /--grace takes a duration from 0s to 1d/u],
		[['--idle', '1h', '--dry-run', '--yes'], /--dry-run and --yes contradict each other/u],
		[['--idle', '1h', '--audit-log', ''], /--audit-log needs a file path/u],
	])('%j is refused: %s', (argv, message) => {
		const text = problem(argv);
		expect(text).toMatch(message);
		expect(text).not.toContain('\n');
	});

	test('a refusal is one line on stderr and exit code 2, with nothing on stdout', async () => {
		const out: string[] = [];
		const error: string[] = [];
		const code = await runReap(['--idle', 'abc'], {
			stdout(text) {
				out.push(text);
			},
			stderr(text) {
				error.push(text);
			},
		});
		expect(code).toBe(2);
		expect(out).toEqual([]);
		expect(error).toEqual([
			'sshtop reap: --idle takes a duration such as 30s, 10m, 2h or 1d, not "abc" (see sshtop reap --help)\n',
		]);
	});
});

describe('sshtop reap --help', () => {
	const help = reapHelpText();

	test('lists every flag the parser accepts, each with an example that parses', () => {
		for (const flag of [
			'--idle',
			'--health',
			'--user',
			'--from',
			'--filter',
			'--signal',
			'--grace',
			'--dry-run',
			'--yes',
			'--json',
			'--audit-log',
			'--help',
		]) {
			expect(help).toContain(`  ${flag}`);
		}

		for (const entry of reapFlagHelp) {
			const argv = entry.example
				.replace(/ \|.*$/u, '')
				.split(' ')
				.slice(2)
				.map(word => word.replaceAll('"', ''));
			// The examples quote one filter argument; rejoin it the way a shell would.
			const filterAt = argv.indexOf('--filter');
			const words = filterAt === -1 ? argv : [...argv.slice(0, filterAt + 1), argv.slice(filterAt + 1).join(' ')];
			expect(parseReapArgs(words).ok, entry.example).toBe(true);
		}
	});

	test('shows cron lines and says what is never reaped', () => {
		expect(help).toContain('*/5 * * * * root sshtop reap --health dead-peer --yes');
		expect(help).toMatch(/Never reaped: the session sshtop runs in/u);
		expect(help).toMatch(/preauth/u);
	});

	test('sshtop --help names the command with an example', () => {
		expect(reapCommandSummary).toMatch(/^ {2}reap {2}end the sessions that match a policy/mu);
		expect(reapCommandSummary).toContain('e.g. sshtop reap --health dead-peer --yes');
	});
});
