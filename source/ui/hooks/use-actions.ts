// Carries out the request the reducer put in state, once per request id, and reports back
// with ActionEvents. The only UI code that calls the executor; nothing here throws into React.
import {useEffect, useRef} from 'react';
import {reached} from '../../actions/end-sessions.js';
import type {SignalReport, TargetResult} from '../../actions/send-signal.js';
import type {ActionExecutor} from '../../app/action-executor.js';
import type {ActionEvent, ActionRequest} from '../state/action-state.js';

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function auditWarningOf(reports: ReadonlyArray<SignalReport | undefined>): string | undefined {
	for (const report of reports) {
		if (report !== undefined && !report.audit.ok) {
			return report.audit.warning;
		}
	}

	return undefined;
}

async function carryOut(request: ActionRequest, executor: ActionExecutor, report: (event: ActionEvent) => void): Promise<void> {
	const {proposal} = request;
	const dispatch = {context: proposal.context, confirmations: request.confirmations, operatorPeer: request.operatorPeer};
	if (proposal.kind === 'survivors') {
		const cleanup = await executor.cleanUpSurvivors({term: proposal.plan, escalateAfterMs: proposal.escalateAfterMs}, dispatch);
		// Each result keeps its own signal: TERM to some, KILL to those still running after the grace.
		const results: TargetResult[] = [...cleanup.term.results, ...(cleanup.kill?.results ?? [])];
		report({
			type: 'finished',
			requestId: request.id,
			at: Date.now(),
			results,
			checks: [],
			auditWarning: auditWarningOf([cleanup.term, cleanup.kill]),
			isLookingForSurvivors: false,
		});
		return;
	}

	const {report: signalReport, checks} = proposal.endedSessions.length === 0
		? {report: executor.execute(proposal.plan, dispatch), checks: []}
		: await executor.signalSessions(proposal.plan, proposal.endedSessions, dispatch);
	const sent = signalReport.results.some(result => reached(result));
	const isLookingForSurvivors = sent && proposal.endedSessions.length > 0;
	report({
		type: 'finished',
		requestId: request.id,
		at: Date.now(),
		results: signalReport.results,
		checks,
		auditWarning: auditWarningOf([signalReport]),
		isLookingForSurvivors,
	});
	if (isLookingForSurvivors) {
		const survivors = await executor.findSurvivors(proposal.endedSessions);
		report({type: 'survivors-found', requestId: request.id, survivors});
	}
}

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
	latest.current = {executor, onEvent, onSettled};
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
				report({type: 'failed', requestId: request.id, at: Date.now(), message: `The action failed: ${messageOf(error)}`});
			})
			.finally(() => {
				latest.current.onSettled();
			});
	}, [request]);
}
