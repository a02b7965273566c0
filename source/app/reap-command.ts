// `sshtop reap`: read one snapshot, plan, print the plan (dry run) or carry it out (--yes),
// and turn the outcome into an exit code. The only reap module that reads or changes the world.
import process from 'node:process';
import {guardContextFrom, type GuardContext} from '../model/guard/guard.js';
import {currentOperator, prepareAuditLog, resolveAuditLogPath, type Operator} from '../actions/audit-log.js';
import {endSessions, endsSessions, type Dispatch} from '../actions/end-sessions.js';
import {signalThenKill} from '../actions/survivors.js';
import {reached, type SignalReport, type TargetResultKind} from '../model/guard/results.js';
import {toSafeJson} from '../model/view/safe-json.js';
import type {ProcessRecord, SessionReport} from '../model/types.js';
import {readSnapshot} from '../proc/read-snapshot.js';
import {
	leftoverPlanDocument,
	leftoverPlanLines,
	leftoverResultLines,
	leftoverResultsDocument,
	planDocument,
	planLines,
	resultLines,
	resultsDocument,
	type LeftoverOutcome,
	type ReapResults,
	type TargetOutcome,
} from '../reap/format.js';
import {parseReapArgs, reapHelpText, type ReapOptions} from '../reap/reap-options.js';
import {planLeftoverReap, planReap, type LeftoverPlan, type ReapPlan} from '../reap/select.js';
import {loadSnapshotOnce} from './report-source.js';
import {createSessionAuthSource} from './session-auth.js';
import {type CommandIo, processIo} from './command-io.js';

type Loaded = {readonly report: SessionReport; readonly context: GuardContext};

/** How long an ended session's connection gets, after its processes had their grace, to be seen closed. */
const connectionCheckMs = 2000;

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** The report, and the guard context from the same snapshot's processes. */
async function loadOnce(
	authLog: string | undefined,
): Promise<{readonly ok: true; readonly loaded: Loaded} | {readonly ok: false; readonly message: string}> {
	try {
		const {snapshot, report} = await loadSnapshotOnce(createSessionAuthSource(authLog));
		const context = guardContextFrom({
			selfPid: snapshot.selfPid,
			processes: snapshot.processes,
			listeners: report.listeners,
			sessions: report.sessions,
			ownSessionId: report.ownSessionId,
		});
		return {ok: true, loaded: {report, context}};
	} catch (error) {
		return {ok: false, message: `could not read the sessions: ${messageOf(error)}`};
	}
}

function auditWarnings(reports: readonly SignalReport[]): string[] {
	return [
		...new Set(
			reports.flatMap(report => [
				...(report.audit.ok ? [] : [report.audit.warning]),
				...(report.systemLog?.ok === false ? [report.systemLog.warning] : []),
			]),
		),
	];
}

function readProcessesNow(): readonly ProcessRecord[] {
	return readSnapshot().processes;
}

type Execution = {readonly results: ReapResults; readonly warnings: readonly string[]};

/**
Each planned session gets its signal where it ends the connection (one audit line per session);
for signals that end sessions, each connection is checked, the sessions' processes get up to the
grace period to exit, and those still running get SIGKILL (guarded and audited too), after which
a connection still open is checked again: gone, or still connected.
*/
async function executeReap(plan: ReapPlan, options: ReapOptions, dispatch: Dispatch): Promise<Execution> {
	const ended = await endSessions({
		groups: plan.targets.map(planned => planned.targets),
		sessions: plan.targets.map(planned => planned.session),
		signal: options.signal,
		action: 'reap',
		dispatch,
		connectionCheckMs,
		graceMs: options.graceSeconds * 1000,
		survivors: 'kill',
		readProcesses: readProcessesNow,
	});
	const sessionOfSurvivor = new Map(ended.survivors.map(survivor => [survivor.target, survivor.sessionId]));
	const killed = ended.kill?.results ?? [];
	const checks = new Map(ended.checks.map(check => [check.sessionId, check]));
	const isAnySignalled = ended.reports.some(report => report.results.some(result => reached(result)));
	const graceNote = isAnySignalled
		? endsSessions(options.signal)
			? (ended.survivorProblem ??
				(killed.length === 0
					? undefined
					: `${killed.length} process${killed.length === 1 ? '' : 'es'} still running after ${options.graceSeconds}s got SIGKILL.`))
			: `${options.signal.name} does not end sessions: nothing was waited for or killed.`
		: undefined;
	const outcomes: TargetOutcome[] = plan.targets.map((planned, index) => ({
		planned,
		results: ended.reports[index]?.results ?? [],
		survivors: killed.filter(result => sessionOfSurvivor.get(result.target) === planned.session.id),
		connection: checks.get(planned.session.id),
	}));
	const reports = [...ended.reports, ...(ended.kill === undefined ? [] : [ended.kill])];
	return {
		results: {takenAt: plan.takenAt, outcomes, excluded: plan.excluded, graceNote},
		warnings: auditWarnings(reports),
	};
}

/** Each left-behind process and those below it get the signal, parents first; for ending signals, SIGKILL follows the grace period. */
async function executeLeftoverReap(
	plan: LeftoverPlan,
	options: ReapOptions,
	dispatch: Dispatch,
): Promise<{readonly outcomes: LeftoverOutcome[]; readonly warnings: readonly string[]}> {
	const escalations = await signalThenKill(
		plan.targets.map(planned => planned.targets),
		{
			signal: options.signal,
			action: 'reap-leftovers',
			graceMs: endsSessions(options.signal) ? options.graceSeconds * 1000 : undefined,
			dispatch,
		},
	);
	const outcomes = plan.targets.map((planned, index) => {
		const escalation = escalations[index]!;
		return {planned, results: escalation.first.results, survivors: escalation.kill?.results ?? []};
	});
	const reports = escalations.flatMap(escalation => [
		escalation.first,
		...(escalation.kill === undefined ? [] : [escalation.kill]),
	]);
	return {outcomes, warnings: auditWarnings(reports)};
}

const wentWell: ReadonlySet<TargetResultKind> = new Set(['sent', 'gone']);
// A survivor that turned zombie between the read and SIGKILL has exited, which was the point.
const survivorWentWell: ReadonlySet<TargetResultKind> = new Set(['sent', 'gone', 'zombie']);

/**
0 when every session was signalled or had already gone, every survivor was killed and every
connection is closed; 1 otherwise.
*/
export function reapExitCode(results: ReapResults): 0 | 1 {
	const failed =
		results.outcomes.some(
			outcome =>
				outcome.results.some(result => !wentWell.has(result.kind)) ||
				outcome.survivors.some(survivor => !survivorWentWell.has(survivor.kind)) ||
				outcome.connection?.outcome === 'still-connected',
		) || results.excluded.some(exclusion => exclusion.reason === 'refused' || exclusion.reason === 'no-target');
	return failed ? 1 : 0;
}

function leftoverExitCode(outcomes: readonly LeftoverOutcome[]): 0 | 1 {
	return outcomes.some(
		outcome =>
			outcome.results.some(result => !wentWell.has(result.kind)) ||
			outcome.survivors.some(survivor => !survivorWentWell.has(survivor.kind)),
	)
		? 1
		: 0;
}

/** Runs `sshtop reap ARGS` (the words after `reap`); returns the exit code and never throws. */
export async function runReap(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
	const parsed = parseReapArgs(argv);
	if (!parsed.ok) {
		io.stderr(`sshtop reap: ${parsed.message} (see sshtop reap --help)\n`);
		return 2;
	}

	const {options} = parsed;
	if (options.mode === 'help') {
		io.stdout(`${reapHelpText()}\n`);
		return 0;
	}

	try {
		const loaded = await loadOnce(options.authLog);
		if (!loaded.ok) {
			io.stderr(`sshtop reap: ${loaded.message}\n`);
			return 1;
		}

		const {report, context} = loaded.loaded;
		const operatorUid = process.geteuid?.();
		const sessionPlan = options.isLeftovers
			? undefined
			: planReap(report, {criteria: options.criteria, signal: options.signal, operatorUid}, context);
		const leftoverPlan = options.isLeftovers
			? planLeftoverReap(report, {criteria: options.criteria, signal: options.signal}, context)
			: undefined;
		if (options.mode === 'dry-run') {
			if (leftoverPlan !== undefined) {
				io.stdout(
					options.json
						? `${toSafeJson(leftoverPlanDocument(leftoverPlan), 2)}\n`
						: `${leftoverPlanLines(leftoverPlan).join('\n')}\n`,
				);
			} else if (sessionPlan !== undefined) {
				io.stdout(
					options.json ? `${toSafeJson(planDocument(sessionPlan), 2)}\n` : `${planLines(sessionPlan).join('\n')}\n`,
				);
			}

			return 0;
		}

		// The audit log is opened before the first signal: a log that cannot be written is said
		// now, and with --require-audit nothing is sent.
		const auditLogPath = resolveAuditLogPath(options.auditLogPath);
		const audit = prepareAuditLog(auditLogPath);
		if (!audit.ok) {
			if (options.isAuditRequired) {
				io.stderr(`sshtop reap: ${audit.warning}; --require-audit: nothing was sent.\n`);
				return 1;
			}

			io.stderr(`sshtop reap: warning: ${audit.warning}\n`);
		}

		const operator: Operator = currentOperator(context.ownSession?.peer);
		const dispatch: Dispatch = {context, operator, auditLogPath, systemLog: options.systemLog};
		if (leftoverPlan !== undefined) {
			const {outcomes, warnings} = await executeLeftoverReap(leftoverPlan, options, dispatch);
			for (const warning of audit.ok ? warnings : []) {
				io.stderr(`sshtop reap: warning: ${warning}\n`);
			}

			io.stdout(
				options.json
					? `${toSafeJson(leftoverResultsDocument(leftoverPlan, outcomes), 2)}\n`
					: `${leftoverResultLines(leftoverPlan, outcomes).join('\n')}\n`,
			);
			return leftoverExitCode(outcomes);
		}

		const {results, warnings} = await executeReap(sessionPlan!, options, dispatch);
		// A log found unwritable before the first signal was said once already.
		for (const warning of audit.ok ? warnings : []) {
			io.stderr(`sshtop reap: warning: ${warning}\n`);
		}

		io.stdout(options.json ? `${toSafeJson(resultsDocument(results), 2)}\n` : `${resultLines(results).join('\n')}\n`);
		return reapExitCode(results);
	} catch (error) {
		io.stderr(`sshtop reap: ${messageOf(error)}\n`);
		return 1;
	}
}
