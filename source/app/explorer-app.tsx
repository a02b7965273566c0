// Mounts the explorer on the terminal and resolves when the user quits.
import process from 'node:process';
import {render} from 'ink';
import type {SessionReport} from '../model/types.js';
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
	/** `--require-audit`: no action while the audit log cannot be written. */
	readonly isAuditRequired?: boolean;
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
	const output = correctInkOutput(options.stdout ?? process.stdout);
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
			actionExecutor={createActionExecutor({auditLogPath})}
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
	try {
		await instance.waitUntilExit();
	} finally {
		output.dispose();
	}
}
