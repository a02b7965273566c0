// `sshtop reap` flags: parsed strictly with node:util parseArgs, validated into plain options.
// Pure: every mistake comes back as a one-line message, and the caller exits 2 with it.
import {parseArgs} from 'node:util';
import {auditLogPathProblem} from '../actions/audit-log.js';
import {syslogSocketProblem, systemLogFrom, type SystemLog} from '../actions/system-log.js';
import {parseSignal, type Signal, SIGTERM} from '../model/guard/signal-catalogue.js';
import {parseDuration} from '../model/view/duration.js';
import {parseFilterQuery, qualifiers} from '../model/filter/query-parser.js';
import type {SessionHealth} from '../model/report/health.js';

export const sessionHealths: readonly SessionHealth[] = ['ok', 'stalled', 'dead-peer', 'unknown'];

/** What a session must satisfy to be reaped: every criterion given must hold. */
export type ReapCriteria = {
	/** Idle at least this long; a session whose idle time is unknown never matches. */
	readonly idleSeconds?: number;
	readonly health?: SessionHealth;
	/** Exactly this login user. */
	readonly user?: string;
	/** A prefix of the peer written `address:port`, as the filter's `from:` reads it. */
	readonly from?: string;
	/** A query in the explorer's filter language. */
	readonly filter?: string;
};

export type ReapOptions = {
	readonly mode: 'help' | 'dry-run' | 'execute';
	readonly criteria: ReapCriteria;
	readonly signal: Signal;
	/** How long a signalled session's processes get to exit before the survivors get SIGKILL. */
	readonly graceSeconds: number;
	readonly json: boolean;
	/** `--audit-log PATH` as given; resolveAuditLogPath turns it into the path written. */
	readonly auditLogPath: string | undefined;
	/** `--require-audit`: send nothing when the audit log cannot be written. */
	readonly isAuditRequired: boolean;
	/** Where each target's system log line goes (`--syslog-socket`); undefined with `--no-syslog`. */
	readonly systemLog: SystemLog | undefined;
	/** `--auth-log PATH`: sshd's log, for `key:` and `auth:` in --filter; undefined for the default files. */
	readonly authLog: string | undefined;
	/** `--leftovers`: end processes left behind by logouts instead of sessions. */
	readonly isLeftovers: boolean;
};

export type ReapParse =
	{readonly ok: true; readonly options: ReapOptions} | {readonly ok: false; readonly message: string};

const defaultGraceSeconds = 10;
// A day: a longer wait is a typo, and cron would start the next run long before it ended.
const longestGraceSeconds = 86_400;

export const reapFlagHelp: ReadonlyArray<{readonly flag: string; readonly text: string; readonly example: string}> = [
	{
		flag: '--idle DURATION',
		text: 'sessions idle at least this long (30s, 10m, 2h, 1d); unknown idle never matches',
		example: 'sshtop reap --idle 8h',
	},
	{
		flag: '--health STATE',
		text: `sessions whose connection is ${sessionHealths.join(', ')}`,
		example: 'sshtop reap --health dead-peer',
	},
	{flag: '--user NAME', text: 'sessions of exactly this login user', example: 'sshtop reap --user alice --idle 1h'},
	{
		flag: '--from ADDR[:PORT]',
		text: "sessions whose peer address:port starts with this (as the filter's from:)",
		example: 'sshtop reap --from 10.0.',
	},
	{
		flag: '--filter QUERY',
		text: 'sessions the explorer shows for this filter (user:, from:, kind:, idle>, health:…); a text word matches as an exact substring here, never fuzzily',
		example: 'sshtop reap --filter "kind:notty idle>2h"',
	},
	{
		flag: '--leftovers',
		text: 'processes left behind by logouts instead of sessions (with --user, --from, --filter: exact words of the command line, pid:)',
		example: 'sshtop reap --leftovers --user alice',
	},
	{
		flag: '--signal SIGNAL',
		text: "signal for each session's sshd, by name or number (default TERM)",
		example: 'sshtop reap --idle 1d --signal HUP',
	},
	{
		flag: '--grace DURATION',
		text: `wait this long for a session's processes to exit, then SIGKILL the survivors (default ${defaultGraceSeconds}s)`,
		example: 'sshtop reap --idle 1d --grace 30s --yes',
	},
	{
		flag: '--dry-run',
		text: 'print what would be done and send nothing (the default)',
		example: 'sshtop reap --idle 1d --dry-run',
	},
	{
		flag: '--yes',
		text: 'do it: signal the sessions listed by the dry run',
		example: 'sshtop reap --health dead-peer --yes',
	},
	{
		flag: '--json',
		text: 'print the plan, or the results, as one JSON document',
		example: 'sshtop reap --idle 1d --json | jq ".targets[].pid"',
	},
	{
		flag: '--audit-log PATH',
		text: 'append the audit lines here instead of the default log',
		example: 'sshtop reap --health dead-peer --yes --audit-log /var/log/reap.log',
	},
	{
		flag: '--require-audit',
		text: 'send nothing when the audit log cannot be written (default: warn and go ahead)',
		example: 'sshtop reap --idle 1d --yes --require-audit',
	},
	{
		flag: '--auth-log PATH',
		text: 'the sshd log --filter reads key: and auth: from: a text log, or a journal directory or file (default: the journal when it holds entries of sshd, else /var/log/auth.log, else /var/log/secure)',
		example: 'sshtop reap --filter "key:alice@laptop" --auth-log /var/log/sshd.log',
	},
	{
		flag: '--no-syslog',
		text: 'do not also log to the system log (default: one authpriv line per target, tagged sshtop, when /dev/log exists)',
		example: 'sshtop reap --idle 1d --yes --no-syslog',
	},
	{
		flag: '--syslog-socket PATH',
		text: 'the system log socket to log to (default /dev/log)',
		example: 'sshtop reap --idle 1d --yes --syslog-socket /run/systemd/journal/dev-log',
	},
	{flag: '--help', text: 'print this help and exit', example: 'sshtop reap --help'},
];

function firstLine(text: string): string {
	return text.split('\n')[0] ?? text;
}

function fromProblem(value: string): string | undefined {
	const from = qualifiers.find(definition => definition.name === 'from');
	if (value === '') {
		return '--from needs an address such as 10.0. or 10.0.0.5:50022';
	}

	const compiled = from?.compile(value, ':');
	return compiled !== undefined && 'hint' in compiled ? `--from: ${compiled.hint.replace(/^from: /u, '')}` : undefined;
}

function reapFilterProblem(query: string): string | undefined {
	const {terms, hint} = parseFilterQuery(query);
	// In the explorer a term it cannot read is left out and the rest still filters; here that
	// would reap more than asked for, so anything not understood is an error.
	if (hint !== undefined) {
		return `--filter: ${hint}`;
	}

	return terms.length === 0 ? '--filter needs a query such as "user:alice idle>2h"' : undefined;
}

/** Reads `sshtop reap` arguments (after the word `reap`). */
export function parseReapArgs(argv: readonly string[]): ReapParse {
	let values;
	try {
		({values} = parseArgs({
			args: [...argv],
			strict: true,
			allowPositionals: false,
			options: {
				idle: {type: 'string'},
				health: {type: 'string'},
				user: {type: 'string'},
				from: {type: 'string'},
				filter: {type: 'string'},
				signal: {type: 'string'},
				grace: {type: 'string'},
				'dry-run': {type: 'boolean'},
				yes: {type: 'boolean'},
				json: {type: 'boolean'},
				'audit-log': {type: 'string'},
				'require-audit': {type: 'boolean'},
				'no-syslog': {type: 'boolean'},
				'syslog-socket': {type: 'string'},
				'auth-log': {type: 'string'},
				leftovers: {type: 'boolean'},
				help: {type: 'boolean', short: 'h'},
			},
		}));
	} catch (error) {
		return {ok: false, message: firstLine(error instanceof Error ? error.message : String(error))};
	}

	const placeholder: ReapOptions = {
		mode: 'help',
		criteria: {},
		signal: SIGTERM,
		graceSeconds: defaultGraceSeconds,
		json: false,
		auditLogPath: undefined,
		isAuditRequired: false,
		systemLog: undefined,
		authLog: undefined,
		isLeftovers: false,
	};
	if (values.help) {
		return {ok: true, options: placeholder};
	}

	if (values['dry-run'] && values.yes) {
		return {ok: false, message: '--dry-run and --yes contradict each other: give one'};
	}

	let idleSeconds: number | undefined;
	if (values.idle !== undefined) {
		idleSeconds = parseDuration(values.idle);
		if (idleSeconds === undefined) {
			return {ok: false, message: `--idle takes a duration such as 30s, 10m, 2h or 1d, not "${values.idle}"`};
		}
	}

	let health: SessionHealth | undefined;
	if (values.health !== undefined) {
		const wanted = values.health.toLowerCase();
		health = sessionHealths.find(candidate => candidate === wanted);
		if (health === undefined) {
			return {ok: false, message: `--health takes one of ${sessionHealths.join(', ')}, not "${values.health}"`};
		}
	}

	if (values.user === '') {
		return {ok: false, message: '--user needs a login name'};
	}

	const fromError = values.from === undefined ? undefined : fromProblem(values.from);
	if (fromError !== undefined) {
		return {ok: false, message: fromError};
	}

	const filterError = values.filter === undefined ? undefined : reapFilterProblem(values.filter);
	if (filterError !== undefined) {
		return {ok: false, message: filterError};
	}

	let signal = SIGTERM;
	if (values.signal !== undefined) {
		const parsed = parseSignal(values.signal);
		if (!parsed.ok) {
			return {ok: false, message: `--signal: ${parsed.message}`};
		}

		signal = parsed.signal;
	}

	let graceSeconds = defaultGraceSeconds;
	if (values.grace !== undefined) {
		const parsed = parseDuration(values.grace);
		if (parsed === undefined || parsed > longestGraceSeconds) {
			return {ok: false, message: `--grace takes a duration from 0s to 1d such as 10s or 2m, not "${values.grace}"`};
		}

		graceSeconds = parsed;
	}

	if (values['audit-log'] === '') {
		return {ok: false, message: '--audit-log needs a file path'};
	}

	const auditProblem = values['audit-log'] === undefined ? undefined : auditLogPathProblem(values['audit-log']);
	if (auditProblem !== undefined) {
		return {ok: false, message: `--audit-log: ${auditProblem}`};
	}

	const syslogProblem = syslogSocketProblem(values['syslog-socket'], values['no-syslog']);
	if (syslogProblem !== undefined) {
		return {ok: false, message: syslogProblem};
	}

	const isLeftovers = values.leftovers ?? false;
	if (isLeftovers && (idleSeconds !== undefined || health !== undefined)) {
		return {
			ok: false,
			message: '--idle and --health describe sessions: with --leftovers use --user, --from or --filter',
		};
	}

	const criteria: ReapCriteria = {
		...(idleSeconds === undefined ? {} : {idleSeconds}),
		...(health === undefined ? {} : {health}),
		...(values.user === undefined ? {} : {user: values.user}),
		...(values.from === undefined ? {} : {from: values.from}),
		...(values.filter === undefined ? {} : {filter: values.filter}),
	};
	if (Object.keys(criteria).length === 0 && !isLeftovers) {
		return {
			ok: false,
			message:
				'say which sessions to reap: give at least one of --idle, --health, --user, --from, --filter (or --leftovers)',
		};
	}

	return {
		ok: true,
		options: {
			mode: values.yes ? 'execute' : 'dry-run',
			criteria,
			signal,
			graceSeconds,
			json: values.json ?? false,
			auditLogPath: values['audit-log'],
			isAuditRequired: values['require-audit'] ?? false,
			systemLog: systemLogFrom(values['no-syslog'] ?? false, values['syslog-socket']),
			authLog: values['auth-log'],
			isLeftovers,
		},
	};
}

/** `sshtop reap --help`. */
export function reapHelpText(): string {
	const width = Math.max(...reapFlagHelp.map(entry => entry.flag.length));
	const lines = reapFlagHelp.map(
		entry => `  ${entry.flag.padEnd(width)}  ${entry.text}\n  ${' '.repeat(width)}  e.g. ${entry.example}`,
	);
	return [
		'sshtop reap: end the SSH sessions that match a policy',
		'',
		'Usage: sshtop reap CRITERIA... [--signal SIGNAL] [--grace DURATION] [--dry-run | --yes] [--json] [--audit-log PATH]',
		'       sshtop reap --leftovers [--user NAME] [--from ADDR] [--filter WORDS] [--yes] ...',
		'  A session is reaped when it matches every criterion given; at least one is required.',
		'  Text words of --filter match as exact substrings (smart-case), never fuzzily: a near miss selects nothing.',
		'  Without --yes nothing is sent: the plan is printed (a dry run). It never asks questions,',
		'  so it is safe to run from cron.',
		'  With --yes each session gets the signal where it ends the connection (TERM and HUP: the [priv]',
		'  monitor, or the user-side sshd when that is all you may signal; KILL: the user-side sshd, then',
		'  the monitor), after its identity (pid and start time) is checked again; then sshtop checks that',
		"  the connection is gone, and once the session's processes had --grace to exit, those still",
		'  running get SIGKILL. The audit log is opened before the first signal; every signal is written to it.',
		'  Never reaped: the session sshtop runs in (and any session it is nested in), the listener,',
		'  PID 1. Connections still logging in (preauth) are reaped only when the selection asks about',
		'  health (--health, or health: in --filter) or the filter names kind:preauth.',
		'',
		'Criteria and flags:',
		...lines,
		'',
		'From cron (/etc/cron.d/sshtop-reap):',
		'  */5 * * * * root sshtop reap --health dead-peer --yes',
		'  0 * * * *   root sshtop reap --idle 12h --filter kind:shell --yes --json >> /var/log/sshtop/reap.json',
		'',
		'Exit codes: 0 everything went well (or a dry run), 1 some session could not be signalled',
		'(not permitted, changed, refused), 2 bad arguments.',
	].join('\n');
}

/** The lines `sshtop --help` gives the reap command. */
export const reapCommandSummary = [
	'Commands:',
	'  reap  end the sessions that match a policy (a dry run unless --yes); sshtop reap --help lists its flags',
	'        e.g. sshtop reap --health dead-peer --yes',
	'  metrics  print the sessions as Prometheus metrics, once; sshtop metrics --help lists its flags',
	'        e.g. sshtop metrics --output /var/lib/prometheus/node-exporter/sshtop.prom',
	'  serve  answer GET /metrics as a read-only Prometheus exporter; sshtop serve --help lists its flags',
	'        e.g. sshtop serve --listen 127.0.0.1:10922',
].join('\n');
