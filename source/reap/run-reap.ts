// `sshtop reap`: read one snapshot, plan, print the plan (dry run) or carry it out (--yes),
// and turn the outcome into an exit code. The only reap module that reads or changes the world.
import {guardContextFrom, type GuardContext} from '../actions/assess.js';
import {currentOperator, resolveAuditLogPath, type Operator} from '../actions/audit-log.js';
import {executeSignal, type SignalReport, type TargetResultKind} from '../actions/signal.js';
import {isEndingSignal, type Signal, SIGKILL} from '../actions/signals.js';
import {findSurvivors, planSurvivorCleanup, sessionProcesses, waitForExit} from '../actions/survivors.js';
import {targetFromProcess} from '../actions/target.js';
import {toSafeJson} from '../model/safe-json.js';
import type {ProcessRecord, SessionReport} from '../model/types.js';
import {readSnapshot} from '../proc/read-snapshot.js';
import {loadSnapshotOnce} from '../report-loader.js';
import {planDocument, planLines, resultLines, resultsDocument, type ReapResults, type TargetOutcome} from './format.js';
import {parseReapArgs, reapHelpText, type ReapOptions} from './reap-options.js';
import {planReap, type ReapPlan} from './select.js';

export type ReapIo = {
	readonly stdout: (text: string) => void;
	readonly stderr: (text: string) => void;
};

const processIo: ReapIo = {
	stdout(text) {
		process.stdout.write(text);
	},
	stderr(text) {
		process.stderr.write(text);
	},
};

type Loaded = {readonly report: SessionReport; readonly context: GuardContext};

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** The report, and the guard context from the same snapshot's processes. */
async function loadOnce(): Promise<{readonly ok: true; readonly loaded: Loaded} | {readonly ok: false; readonly message: string}> {
	try {
		const {snapshot, report} = await loadSnapshotOnce();
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

/** Ending signals and KILL are expected to end a session; after them, what still runs is a survivor. */
function endsSessions(signal: Signal): boolean {
	return isEndingSignal(signal) || signal.number === SIGKILL.number;
}

function auditWarnings(reports: readonly SignalReport[]): string[] {
	return [...new Set(reports.flatMap(report => (report.audit.ok ? [] : [report.audit.warning])))];
}

function readProcessesNow(): readonly ProcessRecord[] | string {
	try {
		return readSnapshot().processes;
	} catch (error) {
		return `could not read the processes after the grace period: ${messageOf(error)}`;
	}
}

type Execution = {readonly results: ReapResults; readonly warnings: readonly string[]};

/**
 * The chosen signal to every planned session's top sshd, guarded, re-validated and audited
 * (one audit line per session); then, for ending signals, up to the grace period for the
 * signalled sessions' processes to exit, and SIGKILL (guarded and audited too, one line per
 * session) to those still running.
 */
async function executeReap(plan: ReapPlan, options: ReapOptions, loaded: Loaded): Promise<Execution> {
	const {context} = loaded;
	const operator: Operator = currentOperator(context.ownSession?.peer);
	const dispatch = {context, operator, auditLogPath: resolveAuditLogPath(options.auditLogPath)};
	const reports: SignalReport[] = [];
	if (plan.targets.length === 0) {
		return {results: {takenAt: plan.takenAt, outcomes: [], excluded: plan.excluded, graceNote: undefined}, warnings: []};
	}

	// One call, and so one audit line, per session: each is an End session of its own.
	const signalled = plan.targets.flatMap(planned => {
		const report = executeSignal({...dispatch, targets: [planned.target], signal: options.signal, action: 'reap'});
		reports.push(report);
		const [result] = report.results;
		return result === undefined ? [] : [{planned, result, before: sessionProcesses(planned.session)}];
	});

	const sent = signalled.filter(({result}) => result.kind === 'sent');
	let graceNote: string | undefined;
	const survivorsBySession = new Map<string, TargetOutcome['survivors']>();
	if (sent.length > 0 && !endsSessions(options.signal)) {
		graceNote = `${options.signal.name} does not end sessions: nothing was waited for or killed.`;
	} else if (sent.length > 0) {
		const watched = sent.flatMap(({planned, before}) => before.map(process => targetFromProcess(process, planned.session.peer)));
		const running = await waitForExit(watched, {timeoutMs: options.graceSeconds * 1000});
		const after = running.length === 0 ? [] : readProcessesNow();
		if (typeof after === 'string') {
			graceNote = after;
		} else {
			for (const {planned, before} of sent) {
				const survivors = findSurvivors(before, after);
				if (survivors.length === 0) {
					continue;
				}

				const cleanup = planSurvivorCleanup(survivors, {peer: planned.session.peer});
				const kill = executeSignal({...dispatch, targets: cleanup.term.targets, signal: SIGKILL, action: 'kill-survivors'});
				reports.push(kill);
				survivorsBySession.set(planned.session.id, kill.results);
			}

			const killed = [...survivorsBySession.values()].reduce((count, results) => count + results.length, 0);
			graceNote = killed === 0
				? undefined
				: `${killed} process${killed === 1 ? '' : 'es'} still running after ${options.graceSeconds}s got SIGKILL.`;
		}
	}

	const outcomes: TargetOutcome[] = signalled.map(({planned, result}) => ({
		planned,
		result,
		survivors: survivorsBySession.get(planned.session.id) ?? [],
	}));
	return {results: {takenAt: plan.takenAt, outcomes, excluded: plan.excluded, graceNote}, warnings: auditWarnings(reports)};
}

const wentWell: ReadonlySet<TargetResultKind> = new Set(['sent', 'gone']);
// A survivor that turned zombie between the read and SIGKILL has exited, which was the point.
const survivorWentWell: ReadonlySet<TargetResultKind> = new Set(['sent', 'gone', 'zombie']);

/** 0 when every session was signalled or had already gone (and every survivor was killed); 1 otherwise. */
export function reapExitCode(results: ReapResults): 0 | 1 {
	const failed = results.outcomes.some(outcome =>
		!wentWell.has(outcome.result.kind) || outcome.survivors.some(survivor => !survivorWentWell.has(survivor.kind)))
		|| results.excluded.some(exclusion => exclusion.reason === 'refused' || exclusion.reason === 'no-target');
	return failed ? 1 : 0;
}

/** Runs `sshtop reap ARGS` (the words after `reap`); returns the exit code and never throws. */
export async function runReap(argv: readonly string[], io: ReapIo = processIo): Promise<number> {
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
		const loaded = await loadOnce();
		if (!loaded.ok) {
			io.stderr(`sshtop reap: ${loaded.message}\n`);
			return 1;
		}

		const plan = planReap(loaded.loaded.report, options, loaded.loaded.context);
		if (options.mode === 'dry-run') {
			io.stdout(options.json ? `${toSafeJson(planDocument(plan), 2)}\n` : `${planLines(plan).join('\n')}\n`);
			return 0;
		}

		const {results, warnings} = await executeReap(plan, options, loaded.loaded);
		for (const warning of warnings) {
			io.stderr(`sshtop reap: warning: ${warning}\n`);
		}

		io.stdout(options.json ? `${toSafeJson(resultsDocument(results), 2)}\n` : `${resultLines(results).join('\n')}\n`);
		return reapExitCode(results);
	} catch (error) {
		io.stderr(`sshtop reap: ${messageOf(error)}\n`);
		return 1;
	}
}
