// An executor for component tests: records every call and answers with results the test
// chooses, sending nothing. The real executor (actions/) has its own tests and the e2e suite.
import type {ActionPlan} from '../../source/actions/plan.js';
import type {SignalReport, TargetResult} from '../../source/actions/signal.js';
import {SIGKILL} from '../../source/actions/signals.js';
import type {SurvivorCleanupReport, SurvivorPlan} from '../../source/actions/survivors.js';
import {describeTarget, type ActionTarget} from '../../source/actions/target.js';
import type {Session} from '../../source/model/types.js';
import type {ActionDispatch, ActionExecutor} from '../../source/ui/action-executor.js';
import type {Survivor} from '../../source/ui/action-state.js';

export type RecordingExecutor = ActionExecutor & {
	readonly executed: Array<{readonly plan: ActionPlan; readonly dispatch: ActionDispatch}>;
	readonly survivorQueries: Array<readonly Session[]>;
	readonly cleanups: Array<{readonly plan: SurvivorPlan; readonly dispatch: ActionDispatch}>;
};

export function sentResult(target: ActionTarget, signal: string): TargetResult {
	return {kind: 'sent', target, continued: false, sentence: `Sent ${signal} to ${describeTarget(target)}.`};
}

export function recordingExecutor(options: {
	readonly selfPid?: number;
	/** The result for each target; every target is "sent" when absent. */
	readonly resultFor?: (target: ActionTarget, plan: ActionPlan) => TargetResult;
	readonly survivors?: readonly Survivor[];
	readonly auditWarning?: string;
} = {}): RecordingExecutor {
	const executed: RecordingExecutor['executed'] = [];
	const survivorQueries: RecordingExecutor['survivorQueries'] = [];
	const cleanups: RecordingExecutor['cleanups'] = [];
	const audit: SignalReport['audit'] = options.auditWarning === undefined
		? {ok: true, path: '/tmp/audit.log'}
		: {ok: false, path: '/tmp/audit.log', warning: options.auditWarning};
	const report = (plan: ActionPlan): SignalReport => ({
		signal: plan.signal,
		results: plan.targets.map(target => options.resultFor?.(target, plan) ?? sentResult(target, plan.signal.name)),
		audit,
	});
	return {
		selfPid: options.selfPid ?? 999_999,
		executed,
		survivorQueries,
		cleanups,
		execute(plan, dispatch) {
			executed.push({plan, dispatch});
			return report(plan);
		},
		async findSurvivors(sessions) {
			survivorQueries.push(sessions);
			return [...(options.survivors ?? [])];
		},
		async cleanUpSurvivors(plan, dispatch): Promise<SurvivorCleanupReport> {
			cleanups.push({plan, dispatch});
			const term = report(plan.term);
			const kill = plan.escalateAfterMs === undefined ? undefined : report({...plan.term, signal: SIGKILL, action: 'kill-survivors'});
			return {term, kill};
		},
	};
}
