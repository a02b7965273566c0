// Carries out the request the reducer put in state, once per request id, and reports back
// with ActionEvents. The only UI code that calls the executor; nothing here throws into React.
import {useEffect, useLayoutEffect, useRef} from 'react';
import type {Confirmation, GuardContext} from '../../model/guard/guard.js';
import type {ActionPlan} from '../../model/guard/plan.js';
import {
	reached,
	type Escalation,
	type SessionsEnded,
	type SessionsSignalled,
	type SignalReport,
	type TargetResult,
} from '../../model/guard/results.js';
import type {SurvivorPlan} from '../../model/guard/survivor-plan.js';
import type {Endpoint, Session} from '../../model/types.js';
import type {ActionEvent, ActionRequest} from '../state/action-state.js';

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** The first warning about the audit file, else about the system log's copy. */
function auditWarningOf(reports: ReadonlyArray<SignalReport | undefined>): string | undefined {
	for (const report of reports) {
		if (report !== undefined && !report.audit.ok) {
			return report.audit.warning;
		}
	}

	for (const report of reports) {
		if (report?.systemLog?.ok === false) {
			return report.systemLog.warning;
		}
	}

	return undefined;
}

async function carryOut(
	request: ActionRequest,
	executor: ActionExecutor,
	report: (event: ActionEvent) => void,
): Promise<void> {
	const {proposal} = request;
	const dispatch = {
		context: proposal.context,
		confirmations: request.confirmations,
		operatorPeer: request.operatorPeer,
	};
	if (proposal.kind === 'survivors') {
		const cleanup = await executor.cleanUpSurvivors(
			{term: proposal.plan, escalateAfterMs: proposal.escalateAfterMs},
			dispatch,
		);
		// Each result keeps its own signal: TERM to some, KILL to those still running after the grace.
		const results: TargetResult[] = [...cleanup.first.results, ...(cleanup.kill?.results ?? [])];
		report({
			type: 'finished',
			requestId: request.id,
			at: Date.now(),
			results,
			checks: [],
			auditWarning: auditWarningOf([cleanup.first, cleanup.kill]),
			isLookingForSurvivors: false,
		});
		return;
	}

	if (proposal.endedSessions.length === 0) {
		const signalReport = executor.execute(proposal.plan, dispatch);
		report({
			type: 'finished',
			requestId: request.id,
			at: Date.now(),
			results: signalReport.results,
			checks: [],
			auditWarning: auditWarningOf([signalReport]),
			isLookingForSurvivors: false,
		});
		return;
	}

	let isLookingForSurvivors = false;
	const ended = await executor.endSessions(proposal.plan, proposal.endedSessions, dispatch, ({reports, checks}) => {
		const results = reports.flatMap(signalReport => signalReport.results);
		isLookingForSurvivors = results.some(result => reached(result));
		report({
			type: 'finished',
			requestId: request.id,
			at: Date.now(),
			results,
			checks,
			auditWarning: auditWarningOf(reports),
			isLookingForSurvivors,
		});
	});
	if (isLookingForSurvivors) {
		report({type: 'survivors-found', requestId: request.id, survivors: ended.survivors});
	}
}

/** Who asks for an action: the guard context and confirmations, and where the operator is connected from. */
export type ActionDispatch = {
	readonly context: GuardContext;
	readonly confirmations: readonly Confirmation[];
	/** Where the operator is connected from, for the audit line. */
	readonly operatorPeer: Endpoint | undefined;
};

/** What the explorer needs to change the world; the app layer passes the real one (app/action-executor.ts). */
export type ActionExecutor = {
	/** sshtop's own pid: the guard refuses it. */
	readonly selfPid: number;
	/** One guarded, re-validated, audited signal to every target of the plan. Never throws. */
	readonly execute: (plan: ActionPlan, dispatch: ActionDispatch) => SignalReport;
	/**
	As execute, for a plan that ends sessions: checks that each connection is gone (told through
	`onChecked`), then waits for the sessions' processes to exit and lists those still running.
	*/
	readonly endSessions: (
		plan: ActionPlan,
		sessions: readonly Session[],
		dispatch: ActionDispatch,
		onChecked: (checked: SessionsSignalled) => void,
	) => Promise<SessionsEnded>;
	/** SIGTERM to survivors, and SIGKILL after the plan's grace period when asked. */
	readonly cleanUpSurvivors: (plan: SurvivorPlan, dispatch: ActionDispatch) => Promise<Escalation>;
};

export type UseActionsOptions = {
	readonly request: ActionRequest | undefined;
	readonly executor: ActionExecutor;
	readonly onEvent: (event: ActionEvent) => void;
	/** Called once an action finished, so the tree shows its effect without waiting for the interval. */
	readonly onSettled: () => void;
};

export function useActions({request, executor, onEvent, onSettled}: UseActionsOptions): void {
	const started = useRef(new Set<number>());
	const latest = useRef({executor, onEvent, onSettled});
	useLayoutEffect(() => {
		latest.current = {executor, onEvent, onSettled};
	});
	useEffect(() => {
		if (request === undefined || started.current.has(request.id)) {
			return;
		}

		started.current.add(request.id);
		const report = (event: ActionEvent) => {
			latest.current.onEvent(event);
		};

		void carryOut(request, latest.current.executor, report)
			.catch((error: unknown) => {
				report({
					type: 'failed',
					requestId: request.id,
					at: Date.now(),
					message: `The action failed: ${messageOf(error)}`,
				});
			})
			.finally(() => {
				latest.current.onSettled();
			});
	}, [request]);
}
