// Mounts the explorer on the terminal and resolves when the user quits.
import {constants} from 'node:os';
import process from 'node:process';
import {render} from 'ink';
import type {SystemLog} from '../actions/system-log.js';
import type {SessionReport} from '../model/types.js';
import type {Preferences} from '../model/view/preferences.js';
import {readProcessDetails} from '../proc/read-process-details.js';
import {readSshdPolicy} from '../proc/sshd-policy.js';
import {prepareAuditLog, resolveAuditLogPath} from '../actions/audit-log.js';
import {Explorer} from '../ui/explorer.js';
import {correctInkOutput} from '../ui/terminal-stream.js';
import type {InitialView} from '../ui/state/explorer-state.js';
import type {LoadIdlePolicy} from '../ui/hooks/use-idle-policies.js';
import {createActionExecutor} from './action-executor.js';

export type RunExplorerOptions = {
	readonly intervalSeconds: number;
	/**
	Reads one snapshot and builds its report; called once before the first frame, then on every
	refresh. A loader from createReportLoader also says when it last scanned all of /proc.
	*/
	readonly load: (() => SessionReport) & {
		readonly lastFullScanAt?: () => number | undefined;
		readonly wantsEarlyRefresh?: () => boolean;
	};
	/** Defaults to asking each listener's sshd with `sshd -T`; pass one that resolves undefined to skip. */
	readonly loadPolicy?: LoadIdlePolicy;
	/** Defaults to on unless NO_COLOR is set (https://no-color.org). */
	readonly color?: boolean;
	/** Filter and sort to start with (`--filter`, `--sort`, `--reverse`). */
	readonly initialView?: InitialView;
	readonly stdin?: NodeJS.ReadStream;
	readonly stdout?: NodeJS.WriteStream;
	/** `--read-only`: every action disabled. */
	readonly isReadOnly?: boolean;
	/** `--audit-log PATH`; the default path for this user when absent. */
	readonly auditLogPath?: string;
	/** Where each action's system log lines go; undefined with --no-syslog. */
	readonly systemLog?: SystemLog | undefined;
	/** `--require-audit`: no action while the audit log cannot be written. */
	readonly isAuditRequired?: boolean;
	/** Why part of the preferences file was left out, for the header. */
	readonly preferencesWarning?: string;
	/** Keeps what the operator changed in the explorer (sort, interval, expansion, columns) for the next start. */
	readonly savePreferences?: (changed: Preferences) => void;
};

const askSshd: LoadIdlePolicy = async listener => readSshdPolicy(listener);

export function colorWanted(environment: NodeJS.ProcessEnv = process.env): boolean {
	const noColor = environment['NO_COLOR'];
	return noColor === undefined || noColor === '';
}

export async function runExplorer(options: RunExplorerOptions): Promise<void> {
	// The first read happens before Ink starts, so the first frame already shows the sessions
	// (rather than "reading /proc" and, one throttle interval later, the report).
	let initialReport: SessionReport | undefined;
	try {
		initialReport = options.load();
	} catch {
		// The explorer's own first refresh tries again, and says what went wrong.
	}

	// Opened for append now, not at the first action: the header says at once when it cannot be.
	const auditLogPath = resolveAuditLogPath(options.auditLogPath);
	const audit = options.isReadOnly === true ? undefined : prepareAuditLog(auditLogPath);
	const auditWarning = audit === undefined || audit.ok ? undefined : audit.warning;
	const readOnlyReason =
		auditWarning !== undefined && options.isAuditRequired === true
			? 'the audit log cannot be written, and --require-audit is set'
			: undefined;
	const stdout = options.stdout ?? process.stdout;
	const screen = enterAlternateScreen(stdout);
	const output = correctInkOutput(stdout);
	const instance = render(
		<Explorer
			load={options.load}
			initialReport={initialReport}
			lastFullScanAt={options.load.lastFullScanAt}
			wantsEarlyRefresh={options.load.wantsEarlyRefresh}
			intervalSeconds={options.intervalSeconds}
			loadPolicy={options.loadPolicy ?? askSshd}
			hasColor={options.color ?? colorWanted()}
			isReadOnly={options.isReadOnly ?? false}
			{...(readOnlyReason === undefined ? {} : {readOnlyReason})}
			{...(auditWarning === undefined ? {} : {auditWarning})}
			actionExecutor={createActionExecutor({auditLogPath, systemLog: options.systemLog})}
			readProcessDetails={readProcessDetails}
			{...(options.preferencesWarning === undefined ? {} : {preferencesWarning: options.preferencesWarning})}
			{...(options.savePreferences === undefined ? {} : {onPreferencesChanged: options.savePreferences})}
			initialView={options.initialView}
		/>,
		{
			// Ink takes an explicit `undefined` as "no stream": pass only what was given.
			...(options.stdin === undefined ? {} : {stdin: options.stdin}),
			stdout: output.stream,
			// Only changed lines are written, at most ten frames a second: cheap over a slow SSH link.
			incrementalRendering: true,
			maxFps: 10,
			// Anything printed while mounted would tear the frame; nothing in the explorer logs.
			patchConsole: false,
			exitOnCtrlC: true,
		},
	);
	// Killed or hung up (the SSH connection dropped): unmount first, so the terminal is given back
	// as it was found, then exit as the signal would have.
	const stopOn = (signal: NodeJS.Signals) => {
		process.exitCode = 128 + (constants.signals[signal] ?? 0);
		instance.unmount();
	};

	const stopSignals = ['SIGTERM', 'SIGHUP'] as const;
	for (const signal of stopSignals) {
		process.once(signal, stopOn);
	}

	try {
		await instance.waitUntilExit();
	} finally {
		for (const signal of stopSignals) {
			process.off(signal, stopOn);
		}

		output.dispose();
		screen.leave();
	}
}

/**
The explorer draws on the terminal's alternate screen, as htop, less and vim do: what was on the
screen comes back when it quits, and no frame is left in the scrollback. Not on a pipe.
*/
function enterAlternateScreen(stdout: NodeJS.WriteStream): {readonly leave: () => void} {
	if (!stdout.isTTY) {
		return {leave: () => undefined};
	}

	stdout.write('\u001B[?1049h\u001B[H\u001B[2J');
	return {
		leave() {
			stdout.write('\u001B[?1049l');
		},
	};
}
