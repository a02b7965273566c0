// An executor for component tests: records every call and answers with results the test
// chooses, sending nothing. The real executor (actions/) has its own tests and the e2e suite.
import type {ActionPlan} from '../../source/model/guard/plan.js';
import type {Escalation, SignalReport, TargetResult} from '../../source/model/guard/results.js';
import {SIGKILL, type Signal} from '../../source/model/guard/signal-catalogue.js';
import type {SurvivorPlan} from '../../source/model/guard/survivor-plan.js';
import {describeTarget, type ActionTarget} from '../../source/model/guard/target.js';
import type {Session} from '../../source/model/types.js';
import type {ActionDispatch, ActionExecutor} from '../../source/ui/hooks/use-actions.js';
import type {Survivor} from '../../source/ui/state/action-state.js';

export type RecordingExecutor = ActionExecutor & {
	readonly executed: Array<{readonly plan: ActionPlan; readonly dispatch: ActionDispatch}>;
	/** The sessions each session action was checked for (their connections "close" at once). */
	readonly sessionChecks: Array<readonly Session[]>;
	readonly survivorQueries: Array<readonly Session[]>;
	readonly cleanups: Array<{readonly plan: SurvivorPlan; readonly dispatch: ActionDispatch}>;
};

export function sentResult(target: ActionTarget, signal: Signal): TargetResult {
	return {
		kind: 'sent',
		target,
		signal,
		continued: false,
		sentence: `Sent ${signal.name} to ${describeTarget(target)}.`,
	};
}

export function recordingExecutor(
	options: {
		readonly selfPid?: number;
		/** The result for each target; every target is "sent" when absent. */
		readonly resultFor?: (target: ActionTarget, plan: ActionPlan) => TargetResult;
		readonly survivors?: readonly Survivor[];
		/** What the check after a session action finds; closed when absent. */
		readonly connectionOutcome?: 'closed' | 'still-connected';
		readonly auditWarning?: string;
	} = {},
): RecordingExecutor {
	const executed: RecordingExecutor['executed'] = [];
	const survivorQueries: RecordingExecutor['survivorQueries'] = [];
	const sessionChecks: RecordingExecutor['sessionChecks'] = [];
	const cleanups: RecordingExecutor['cleanups'] = [];
	const audit: SignalReport['audit'] =
		options.auditWarning === undefined
			? {ok: true, path: '/tmp/audit.log'}
			: {ok: false, path: '/tmp/audit.log', warning: options.auditWarning};
	const report = (plan: ActionPlan): SignalReport => ({
		signal: plan.signal,
		results: plan.targets.map(target => options.resultFor?.(target, plan) ?? sentResult(target, plan.signal)),
		audit,
	});
	return {
		selfPid: options.selfPid ?? 999_999,
		executed,
		survivorQueries,
		cleanups,
		sessionChecks,
		execute(plan, dispatch) {
			executed.push({plan, dispatch});
			return report(plan);
		},
		async endSessions(plan, sessions, dispatch, onChecked) {
			executed.push({plan, dispatch});
			sessionChecks.push(sessions);
			const outcome = options.connectionOutcome ?? 'closed';
			const signalReport = report(plan);
			// As the real one: only the sessions a signal reached are checked, and looked at for survivors.
			const reached = sessions.filter(session =>
				signalReport.results.some(
					result =>
						result.kind === 'sent' &&
						[session.monitorPid, session.userSidePid, session.pid].includes(result.target.pid),
				),
			);
			const checked = {
				reports: [signalReport],
				checks: reached.map(session => ({
					sessionId: session.id,
					outcome,
					sentence:
						outcome === 'closed'
							? `session ${session.pid}: the connection is closed.`
							: `session ${session.pid} is still connected 3 s later.`,
				})),
			};
			onChecked(checked);
			if (reached.length > 0) {
				survivorQueries.push(reached);
			}

			return {
				...checked,
				survivors: reached.length === 0 ? [] : [...(options.survivors ?? [])],
				kill: undefined,
				survivorProblem: undefined,
			};
		},
		async cleanUpSurvivors(plan, dispatch): Promise<Escalation> {
			cleanups.push({plan, dispatch});
			const first = report(plan.term);
			const kill =
				plan.escalateAfterMs === undefined
					? undefined
					: report({...plan.term, signal: SIGKILL, action: 'kill-survivors'});
			return {first, kill};
		},
	};
}
