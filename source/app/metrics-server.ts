// `sshtop serve`: a read-only Prometheus exporter. GET /metrics answers with the last scan,
// made at most once per --interval however many scrapers ask (concurrent scrapes share one
// scan). It imports nothing that signals. Slow clients are cut off by Node's header and request
// timeouts; SIGTERM and SIGINT close the listening socket and every connection, then it exits 0.
import {Buffer} from 'node:buffer';
import process from 'node:process';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import {metricsContentType} from '../model/metrics/exposition.js';
import {parseServeArgs, serveHelpText, type ServeOptions} from '../metrics/metrics-options.js';
import type {SessionReport} from '../model/types.js';
import {loadReportOnce} from './report-source.js';
import {scanToExposition} from './metrics-command.js';
import {type CommandIo, processIo} from './command-io.js';

type Scrape = {readonly body: string; readonly at: number};

export type MetricsServerOptions = Omit<ServeOptions, 'mode'> & {
	/** Reads one report; injectable for tests of the HTTP side. */
	readonly load?: () => Promise<SessionReport>;
};

export type MetricsServer = {
	readonly server: Server;
	/** The address and port it listens on (the port chosen when 0 was asked for). */
	readonly url: string;
	readonly close: () => Promise<void>;
};

const landingPage = 'sshtop exporter: metrics are at /metrics\n';

function reply(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
	response.writeHead(status, {
		'Content-Type': status === 200 && body !== landingPage ? metricsContentType : 'text/plain; charset=utf-8',
		'Content-Length': String(Buffer.byteLength(body)),
		'Cache-Control': 'no-store',
		...headers,
	});
	response.end(response.req.method === 'HEAD' ? undefined : body);
}

/** Starts the exporter; resolves once it listens. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
	const load = options.load ?? loadReportOnce;
	const intervalMs = options.intervalSeconds * 1000;
	let last: Scrape | undefined;
	let inFlight: Promise<Scrape> | undefined;
	let scansTotal = 0;

	async function scan(): Promise<Scrape> {
		const body = await scanToExposition(load, scansTotal + 1, options);
		scansTotal += 1;
		return {body, at: Date.now()};
	}

	async function current(): Promise<Scrape> {
		if (last !== undefined && Date.now() - last.at < intervalMs) return last;
		inFlight ??= scan().finally(() => {
			inFlight = undefined;
		});
		last = await inFlight;
		return last;
	}

	async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const path = (request.url ?? '/').split('?')[0];
		if (path !== '/metrics' && path !== '/') {
			reply(response, 404, 'not found: metrics are at /metrics\n');
			return;
		}

		if (request.method !== 'GET' && request.method !== 'HEAD') {
			reply(response, 405, 'method not allowed: use GET\n', {Allow: 'GET, HEAD'});
			return;
		}

		if (path === '/') {
			reply(response, 200, landingPage);
			return;
		}

		try {
			const scrape = await current();
			reply(response, 200, scrape.body);
		} catch (error) {
			reply(
				response,
				500,
				`sshtop could not read the sessions: ${error instanceof Error ? error.message : String(error)}\n`,
			);
		}
	}

	const server = createServer(
		{
			// A client that sends its headers slowly, or its request, is cut off.
			headersTimeout: 5000,
			requestTimeout: 10_000,
			keepAliveTimeout: 5000,
			maxHeaderSize: 8192,
		},
		(request, response) => {
			// A request body is never read: drop it rather than keep it buffered.
			request.resume();
			void handle(request, response);
		},
	);
	// Idle or stalled sockets (a reader that stopped reading) are closed after this long.
	server.setTimeout(15_000, socket => {
		socket.destroy();
	});
	server.maxConnections = 512;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen({host: options.address, port: options.port}, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const bound = server.address();
	const port = typeof bound === 'object' && bound !== null ? bound.port : options.port;
	const host = options.address.includes(':') ? `[${options.address}]` : options.address;
	return {
		server,
		url: `http://${host}:${port}/metrics`,
		async close() {
			await new Promise<void>(resolve => {
				server.close(() => {
					resolve();
				});
				server.closeAllConnections();
			});
		},
	};
}

/** Runs `sshtop serve ARGS` until SIGTERM or SIGINT; returns the exit code and never throws. */
export async function runServe(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
	const parsed = parseServeArgs(argv);
	if (!parsed.ok) {
		io.stderr(`sshtop serve: ${parsed.message} (see sshtop serve --help)\n`);
		return 2;
	}

	const {options} = parsed;
	if (options.mode === 'help') {
		io.stdout(`${serveHelpText()}\n`);
		return 0;
	}

	let exporter: MetricsServer;
	try {
		exporter = await startMetricsServer(options);
	} catch (error) {
		io.stderr(
			`sshtop serve: cannot listen on ${options.address}:${options.port}: ${error instanceof Error ? error.message : String(error)}\n`,
		);
		return 1;
	}

	io.stderr(`sshtop serve: listening on ${exporter.url}\n`);
	await new Promise<void>(resolve => {
		const stop = () => {
			process.off('SIGTERM', stop);
			process.off('SIGINT', stop);
			void exporter.close().then(resolve);
		};

		process.on('SIGTERM', stop);
		process.on('SIGINT', stop);
	});
	io.stderr('sshtop serve: stopped\n');
	return 0;
}
