// Command-line flags: parsed with node:util parseArgs, validated into plain options.
import {parseArgs} from 'node:util';
import {auditLogPathProblem} from './actions/audit-log.js';
import {syslogSocketProblem, systemLogFrom, type SystemLog} from './actions/system-log.js';
import {expansionSettings, isExpansionSetting, type ExpansionSetting} from './model/view/preferences.js';
import {defaultSortKey, isSortKey, sortKeys, type SortKey} from './model/view/sort.js';

export type CliOptions = {
	readonly mode: 'help' | 'version' | 'json' | 'auto';
	readonly intervalSeconds: number;
	/** The explorer starts with every action disabled. */
	readonly isReadOnly: boolean;
	/** Where actions are logged; the default for this user when undefined. */
	readonly auditLogPath: string | undefined;
	/** Actions are disabled while the audit log cannot be written (otherwise they go ahead, with a warning). */
	readonly isAuditRequired: boolean;
	/** Where each action's system log lines go (`--syslog-socket`); undefined with `--no-syslog`. */
	readonly systemLog: SystemLog | undefined;
	/** `--auth-log PATH`: sshd's log to read who logged in from; undefined for the default files. */
	readonly authLog: string | undefined;
	/** `--filter`: the filter line's text to start with; empty shows everything. */
	readonly filterQuery: string;
	readonly sortKey: SortKey;
	readonly isSortReversed: boolean;
	/** `--expand`: how sessions open in the explorer; undefined leaves it to the preferences. */
	readonly expansion: ExpansionSetting | undefined;
	/** The flags given on the command line: they override the explorer's saved preferences. */
	readonly given: ReadonlySet<'interval' | 'sort' | 'reverse'>;
};

export type CliParse = {readonly options: CliOptions} | {readonly error: string};

export const flagHelp: ReadonlyArray<{readonly flag: string; readonly text: string; readonly example: string}> = [
	{
		flag: '--json',
		text: 'print one JSON document describing every SSH session, then exit',
		example: 'sshtop --json | jq ".sessions[].user"',
	},
	{flag: '--interval SECONDS', text: 'refresh period of the explorer (default 2)', example: 'sshtop --interval 5'},
	{
		flag: '--read-only',
		text: 'start the explorer with every action (signals, End session) disabled',
		example: 'sshtop --read-only',
	},
	{
		flag: '--audit-log PATH',
		text: 'append each action as one JSON line to PATH (default /var/log/sshtop/actions.log as root, else ~/.local/state/sshtop/actions.log)',
		example: 'sshtop --audit-log /tmp/sshtop-actions.log',
	},
	{
		flag: '--require-audit',
		text: 'disable every action while the audit log cannot be written (default: act, and warn in the header)',
		example: 'sshtop --require-audit',
	},
	{
		flag: '--auth-log PATH',
		text: 'read how each session logged in (method, key fingerprint and its authorized_keys comment, certificate) and the refused logins per source from this sshd log: a file sshd -E writes, a syslog file, or a journal directory or file (default: the journal when it holds entries of sshd, else /var/log/auth.log, else /var/log/secure)',
		example: 'sshtop --auth-log /var/log/sshd.log',
	},
	{
		flag: '--no-syslog',
		text: 'do not also log actions to the system log (default: one authpriv line per target, tagged sshtop, when /dev/log exists)',
		example: 'sshtop --no-syslog',
	},
	{
		flag: '--syslog-socket PATH',
		text: 'the system log socket actions are logged to (default /dev/log)',
		example: 'sshtop --syslog-socket /run/systemd/journal/dev-log',
	},
	{
		flag: '--filter QUERY',
		text: String.raw`show only matching sessions, as the explorer's filter (\ or F4) does: words (fuzzy, smart-case) and user: from: tty: pid: kind: idle> health: (also for --json and the plain tree)`,
		example: "sshtop --json --filter 'idle>1h'",
	},
	{
		flag: '--sort KEY',
		text: `order sessions by ${sortKeys.join(', ')} (default idle, longest first)`,
		example: 'sshtop --sort login',
	},
	{flag: '--reverse', text: 'reverse the sort order', example: 'sshtop --sort memory --reverse'},
	{
		flag: '--expand HOW',
		text: `how sessions open in the explorer: ${expansionSettings.join(', ')} (default auto: open down to the foreground command when every session fits, else closed)`,
		example: 'sshtop --expand collapsed',
	},
	{flag: '--version', text: 'print the version and exit', example: 'sshtop --version'},
	{flag: '--help', text: 'print this help and exit', example: 'sshtop --help'},
];

export function parseCli(argv: readonly string[]): CliParse {
	let values;
	try {
		({values} = parseArgs({
			args: [...argv],
			strict: true,
			allowPositionals: false,
			options: {
				json: {type: 'boolean'},
				help: {type: 'boolean', short: 'h'},
				version: {type: 'boolean', short: 'V'},
				interval: {type: 'string'},
				'read-only': {type: 'boolean'},
				'audit-log': {type: 'string'},
				'require-audit': {type: 'boolean'},
				'no-syslog': {type: 'boolean'},
				'syslog-socket': {type: 'string'},
				'auth-log': {type: 'string'},
				filter: {type: 'string'},
				sort: {type: 'string'},
				reverse: {type: 'boolean'},
				expand: {type: 'string'},
			},
		}));
	} catch (error) {
		return {error: firstLine(error instanceof Error ? error.message : String(error))};
	}

	const intervalSeconds = values.interval === undefined ? 2 : Number(values.interval);
	if (!Number.isFinite(intervalSeconds) || intervalSeconds < 0.2 || intervalSeconds > 3600) {
		return {error: `--interval takes a number of seconds from 0.2 to 3600, not "${values.interval}"`};
	}

	const mode = values.help ? 'help' : values.version ? 'version' : values.json ? 'json' : 'auto';
	const auditLogPath = values['audit-log'];
	if (auditLogPath?.trim() === '') {
		return {error: '--audit-log takes a file path, not an empty string'};
	}

	const auditProblem = auditLogPath === undefined ? undefined : auditLogPathProblem(auditLogPath);
	if (auditProblem !== undefined) {
		return {error: `--audit-log: ${auditProblem}`};
	}

	const syslogProblem = syslogSocketProblem(values['syslog-socket'], values['no-syslog']);
	if (syslogProblem !== undefined) {
		return {error: syslogProblem};
	}

	if (values['auth-log']?.trim() === '') {
		return {error: '--auth-log takes a file path, not an empty string'};
	}

	const sortKey = values.sort ?? defaultSortKey;
	if (!isSortKey(sortKey)) {
		return {error: `--sort takes one of ${sortKeys.join(', ')}, not "${sortKey}"`};
	}

	const expansion = values.expand;
	if (expansion !== undefined && !isExpansionSetting(expansion)) {
		return {error: `--expand takes one of ${expansionSettings.join(', ')}, not "${expansion}"`};
	}

	const given = new Set<'interval' | 'sort' | 'reverse'>();
	for (const flag of ['interval', 'sort', 'reverse'] as const) {
		if (values[flag] !== undefined) {
			given.add(flag);
		}
	}

	return {
		options: {
			mode,
			intervalSeconds,
			isReadOnly: values['read-only'] ?? false,
			auditLogPath,
			isAuditRequired: values['require-audit'] ?? false,
			systemLog: systemLogFrom(values['no-syslog'] ?? false, values['syslog-socket']),
			authLog: values['auth-log'],
			filterQuery: values.filter ?? '',
			sortKey,
			isSortReversed: values.reverse ?? false,
			expansion,
			given,
		},
	};
}

function firstLine(text: string): string {
	return text.split('\n')[0] ?? text;
}

export function helpText(version: string): string {
	const width = Math.max(...flagHelp.map(entry => entry.flag.length));
	const lines = flagHelp.map(
		entry => `  ${entry.flag.padEnd(width)}  ${entry.text}\n  ${' '.repeat(width)}  e.g. ${entry.example}`,
	);
	return [
		`sshtop ${version}: every SSH session on this box as a live process tree`,
		'',
		'Usage: sshtop [flags]',
		'  In a terminal: the interactive explorer. Piped or without a terminal: a plain-text tree.',
		'',
		'Flags:',
		...lines,
		'',
		'Exit codes: 0 success, 1 runtime failure, 2 bad arguments.',
	].join('\n');
}
