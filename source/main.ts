// The command itself: flags, then a one-shot JSON or text snapshot, `reap`, or the interactive
// explorer. Returns the exit code; cli.tsx (the npm bundle) and the entry that
// scripts/build-standalone.mjs writes (the single executable) run it.
import process from 'node:process';
import {readFileSync} from 'node:fs';
import {helpText, parseCli} from './cli-options.js';
import {toJsonDocument} from './model/view/json-document.js';
import {toSafeJson} from './model/view/safe-json.js';
import {filterProblem, jsonSessions} from './model/view/session-view.js';
import {renderPlainText} from './model/view/plain-text.js';
import {reapCommandSummary} from './reap/reap-options.js';
import {runReap} from './app/reap-command.js';
import {runMetrics} from './app/metrics-command.js';
import {runServe} from './app/metrics-server.js';
import {createReportLoader, loadReportOnce, scanHintFile} from './app/report-source.js';
import {colorWanted, runExplorer} from './app/explorer-app.js';
import {createSessionAuthSource} from './app/session-auth.js';
import {preferencesPath, readPreferences, writePreferences} from './app/preferences-file.js';

declare const SSHTOP_VERSION: string | undefined;

function packageVersion(): string {
	if (typeof SSHTOP_VERSION === 'string') {
		return SSHTOP_VERSION;
	}

	const manifest: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
	return typeof manifest === 'object' &&
		manifest !== null &&
		'version' in manifest &&
		typeof manifest.version === 'string'
		? manifest.version
		: 'unknown';
}

export async function main(argv: readonly string[]): Promise<number> {
	// A reader that stops early (`sshtop --json | head`) has what it wanted: stop quietly, as cat
	// does, instead of dying on the write with a stack trace.
	process.stdout.on('error', (error: NodeJS.ErrnoException) => {
		if (error.code !== 'EPIPE') {
			throw error;
		}

		// eslint-disable-next-line unicorn/no-process-exit -- the reader of our output is gone: nothing is left to do.
		process.exit(0);
	});
	if (argv[0] === 'reap') {
		return runReap(argv.slice(1));
	}

	if (argv[0] === 'metrics') {
		return runMetrics(argv.slice(1));
	}

	if (argv[0] === 'serve') {
		return runServe(argv.slice(1));
	}

	const parsed = parseCli(argv);
	if ('error' in parsed) {
		process.stderr.write(`sshtop: ${parsed.error} (see sshtop --help)\n`);
		return 2;
	}

	const {options} = parsed;
	const view = {query: options.filterQuery, sortKey: options.sortKey, reverse: options.isSortReversed};
	// A one-shot answer to a malformed filter would be a wrong answer: refuse it. The explorer
	// shows the same problem as a hint under its filter line instead.
	const isOneShot =
		options.mode === 'json' || (options.mode === 'auto' && (!process.stdin.isTTY || !process.stdout.isTTY));
	const problem = filterProblem(options.filterQuery);
	if (isOneShot && problem !== undefined) {
		process.stderr.write(`sshtop: --filter: ${problem} (see sshtop --help)\n`);
		return 2;
	}

	// Who logged in, from sshd's log, for every view that shows sessions.
	const sessionAuth =
		options.mode === 'json' || options.mode === 'auto'
			? createSessionAuthSource(options.authLog, {follow: !isOneShot})
			: undefined;
	switch (options.mode) {
		case 'help': {
			process.stdout.write(`${helpText(packageVersion())}\n\n${reapCommandSummary}\n`);
			return 0;
		}

		case 'version': {
			process.stdout.write(`${packageVersion()}\n`);
			return 0;
		}

		case 'json': {
			const report = await loadReportOnce(sessionAuth);
			// Only the matching sessions, in sort order, each with its whole process tree.
			process.stdout.write(`${toSafeJson(toJsonDocument(report, jsonSessions(report, view)), 2)}\n`);
			return 0;
		}

		case 'auto': {
			// Ink needs a terminal on both ends (raw mode in, cursor control out); a pipe or cron
			// gets the plain tree instead of Ink's "Raw mode is not supported" error.
			if (!process.stdin.isTTY || !process.stdout.isTTY) {
				const report = await loadReportOnce(sessionAuth);
				process.stdout.write(renderPlainText(report, {color: false, view}));
				return 0;
			}

			// The explorer's saved preferences, each overridden by its flag when one was given.
			const preferencesFile = preferencesPath();
			const {preferences, warning: preferencesWarning} = readPreferences(preferencesFile);
			const sortKey = options.given.has('sort') ? options.sortKey : (preferences.sortKey ?? options.sortKey);
			const isSortReversed = options.given.has('reverse')
				? options.isSortReversed
				: (preferences.isSortReversed ?? options.isSortReversed);
			try {
				await runExplorer({
					intervalSeconds: options.given.has('interval')
						? options.intervalSeconds
						: (preferences.intervalSeconds ?? options.intervalSeconds),
					load: createReportLoader({scanHintFile: scanHintFile(), ...(sessionAuth === undefined ? {} : {sessionAuth})}),
					...(preferencesWarning === undefined ? {} : {preferencesWarning}),
					savePreferences(changed) {
						writePreferences(preferencesFile, {...readPreferences(preferencesFile).preferences, ...changed});
					},
					color: colorWanted(),
					isReadOnly: options.isReadOnly,
					auditLogPath: options.auditLogPath,
					systemLog: options.systemLog,
					isAuditRequired: options.isAuditRequired,
					initialView: {
						filterQuery: options.filterQuery,
						sortKey,
						isSortReversed,
						expansion: options.expansion ?? preferences.expansion ?? 'auto',
						...(preferences.columns === undefined ? {} : {columns: preferences.columns}),
					},
				});
			} finally {
				// The journal follower, when the log is the journal.
				sessionAuth?.close();
			}

			return 0;
		}
	}
}

/** Runs main and sets the exit code; an unexpected error becomes one line on stderr and exit code 1. */
export async function runMain(argv: readonly string[]): Promise<void> {
	try {
		process.exitCode = await main(argv);
	} catch (error) {
		process.stderr.write(`sshtop: ${error instanceof Error ? error.message : String(error)}\n`);
		process.exitCode = 1;
	}
}
