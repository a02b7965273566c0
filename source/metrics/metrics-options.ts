// `sshtop metrics` and `sshtop serve` flags, parsed strictly with node:util parseArgs. Pure:
// every mistake comes back as a one-line message, and the caller exits 2 with it.
import {isIP} from 'node:net';
import {parseArgs} from 'node:util';

/**
Where `serve` listens unless told: loopback only, on a port outside Prometheus' exporter range
(9100–9999, fully allocated; 9839 is an exporter of `w`'s users).
*/
export const defaultListen = {address: '127.0.0.1', port: 10_922} as const;
export const defaultServeIntervalSeconds = 10;

export type MetricsOptions = {
	readonly mode: 'help' | 'print';
	/** `--output FILE`: written atomically (a temporary file in the same directory, renamed). */
	readonly output: string | undefined;
	readonly perSession: boolean;
};

export type ServeOptions = {
	readonly mode: 'help' | 'serve';
	readonly address: string;
	readonly port: number;
	/** Least time between two scans; scrapes in between get the last one. */
	readonly intervalSeconds: number;
	readonly perSession: boolean;
};

export type Parsed<T> = {readonly ok: true; readonly options: T} | {readonly ok: false; readonly message: string};

type FlagHelp = ReadonlyArray<{readonly flag: string; readonly text: string; readonly example: string}>;

const perSessionHelp = {
	flag: '--per-session',
	text: 'also one series per session: sshtop_session_info{id,user,peer,tty,kind} and sshtop_session_idle_seconds{id}',
	example: 'sshtop metrics --per-session',
};

export const metricsFlagHelp: FlagHelp = [
	{
		flag: '--output FILE',
		text: "write to FILE atomically (for node_exporter's textfile collector) instead of standard output",
		example: 'sshtop metrics --output /var/lib/prometheus/node-exporter/sshtop.prom',
	},
	perSessionHelp,
	{flag: '--help', text: 'print this help and exit', example: 'sshtop metrics --help'},
];

export const serveFlagHelp: FlagHelp = [
	{
		flag: '--listen ADDR:PORT',
		text: `where to answer GET /metrics (default ${defaultListen.address}:${defaultListen.port}; [::1]:PORT for IPv6)`,
		example: 'sshtop serve --listen 0.0.0.0:10922',
	},
	{
		flag: '--interval SECONDS',
		text: `scan at most once per this many seconds; scrapes in between get the last scan (default ${defaultServeIntervalSeconds})`,
		example: 'sshtop serve --interval 30',
	},
	{...perSessionHelp, example: 'sshtop serve --per-session'},
	{flag: '--help', text: 'print this help and exit', example: 'sshtop serve --help'},
];

function helpText(usage: string, summary: string, flags: FlagHelp): string {
	const width = Math.max(...flags.map(({flag}) => flag.length));
	return [usage, '', summary, '', ...flags.map(({flag, text}) => `  ${flag.padEnd(width)}  ${text}`)].join('\n');
}

export function metricsHelpText(): string {
	return helpText(
		'Usage: sshtop metrics [--output FILE] [--per-session]',
		'Prints the SSH sessions as Prometheus metrics (text exposition format), once.',
		metricsFlagHelp,
	);
}

export function serveHelpText(): string {
	return helpText(
		'Usage: sshtop serve [--listen ADDR:PORT] [--interval SECONDS] [--per-session]',
		'Answers GET /metrics with the SSH sessions as Prometheus metrics. Read-only: it never signals anything.',
		serveFlagHelp,
	);
}

function firstLine(text: string): string {
	return text.split('\n')[0] ?? text;
}

function parseStrict<T extends Record<string, {type: 'string' | 'boolean'}>>(argv: readonly string[], options: T) {
	try {
		return {
			ok: true as const,
			values: parseArgs({args: [...argv], strict: true, allowPositionals: false, options}).values,
		};
	} catch (error) {
		return {ok: false as const, message: firstLine(error instanceof Error ? error.message : String(error))};
	}
}

/** Reads `sshtop metrics` arguments (after the word `metrics`). */
export function parseMetricsArgs(argv: readonly string[]): Parsed<MetricsOptions> {
	const parsed = parseStrict(argv, {
		output: {type: 'string'},
		'per-session': {type: 'boolean'},
		help: {type: 'boolean'},
	});
	if (!parsed.ok) return parsed;
	const {values} = parsed;
	if (values.output === '') return {ok: false, message: '--output needs a file name'};
	return {
		ok: true,
		options: {
			mode: values.help === true ? 'help' : 'print',
			output: typeof values.output === 'string' ? values.output : undefined,
			perSession: values['per-session'] === true,
		},
	};
}

/** `ADDR:PORT` or `[IPV6]:PORT` (port 0: any free port); undefined when it is not one. */
export function parseListen(text: string): {readonly address: string; readonly port: number} | undefined {
	const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/u.exec(text);
	if (match === null) return undefined;
	const address = match[1] ?? match[2]!;
	const port = Number(match[3]);
	const family = isIP(address);
	if (port > 65_535 || family === 0 || (family === 6 && match[1] === undefined)) return undefined;
	return {address, port};
}

/** Reads `sshtop serve` arguments (after the word `serve`). */
export function parseServeArgs(argv: readonly string[]): Parsed<ServeOptions> {
	const parsed = parseStrict(argv, {
		listen: {type: 'string'},
		interval: {type: 'string'},
		'per-session': {type: 'boolean'},
		help: {type: 'boolean'},
	});
	if (!parsed.ok) return parsed;
	const {values} = parsed;
	let listen: {readonly address: string; readonly port: number} = defaultListen;
	if (typeof values.listen === 'string') {
		const given = parseListen(values.listen);
		if (given === undefined) {
			return {
				ok: false,
				message: `--listen takes an IP address and a port such as 127.0.0.1:${defaultListen.port} or [::1]:${defaultListen.port}, not "${values.listen}"`,
			};
		}

		listen = given;
	}

	let intervalSeconds = defaultServeIntervalSeconds;
	if (typeof values.interval === 'string') {
		intervalSeconds = Number(values.interval);
		if (!/^\d+(?:\.\d+)?$/u.test(values.interval) || intervalSeconds < 0.5 || intervalSeconds > 3600) {
			return {ok: false, message: `--interval takes seconds from 0.5 to 3600, not "${values.interval}"`};
		}
	}

	return {
		ok: true,
		options: {
			mode: values.help === true ? 'help' : 'serve',
			address: listen.address,
			port: listen.port,
			intervalSeconds,
			perSession: values['per-session'] === true,
		},
	};
}
