// The action dialogs as a state machine: menu → signal entry → confirmation (and the extra
// confirmations the guard asks for) → running; a refusal; what outlived an ended session.
import {assessTargets, confirmationsFor, type Assessment, type GuardContext} from '../../model/guard/guard.js';
import type {ActionPlan} from '../../model/guard/plan.js';
import {parseSignal, SIGHUP, SIGKILL, SIGTERM} from '../../model/guard/signal-catalogue.js';
import {planSurvivorCleanup} from '../../model/guard/survivor-plan.js';
import {targetNotes} from '../../model/guard/target-notes.js';
import type {Session, SessionReport} from '../../model/types.js';
import {
	type ActionChoice,
	descendantCount,
	guardContextFromReport,
	isSessionSet,
	planChoice,
	type RowPick,
} from '../../model/guard/row-plans.js';
import type {Survivor} from '../../model/guard/results.js';
import {listenerMenuItems, processMenuItems, sessionMenuItems, titleOf, type MenuItem} from './action-menus.js';
import type {ActionsState} from './action-state.js';

/** What the operator is asked to say yes to, with the guard's judgement of every target. */
export type Proposal = {
	readonly kind: 'signal' | 'survivors';
	readonly plan: ActionPlan;
	readonly assessments: readonly Assessment[];
	readonly context: GuardContext;
	/** Sessions an ending action aims at: what to look for survivors of afterwards. */
	readonly endedSessions: readonly Session[];
	/** For survivors: SIGKILL to those still running after this long; undefined for TERM only. */
	readonly escalateAfterMs: number | undefined;
	/** What the operator should know before saying yes: a connection left orphaned, a signal a target ignores, a stopped target. */
	readonly notes: readonly string[];
};

export type Dialog =
	| {
			readonly kind: 'menu';
			readonly picks: readonly RowPick[];
			readonly title: string;
			readonly items: readonly MenuItem[];
			readonly cursor: number;
			/** Process menus only: the signal goes to each process and all its descendants. */
			readonly withDescendants: boolean;
			readonly descendantCount: number;
	  }
	| {
			readonly kind: 'signal-entry';
			readonly picks: readonly RowPick[];
			readonly title: string;
			readonly isSessionMenu: boolean;
			readonly withDescendants: boolean;
			readonly text: string;
			readonly error: string | undefined;
	  }
	| {
			readonly kind: 'confirm';
			readonly proposal: Proposal;
			/** 0: the main question; 1..n: the extra confirmations, one per target that needs one. */
			readonly step: number;
			readonly isYesFocused: boolean;
	  }
	| {readonly kind: 'refused'; readonly title: string; readonly lines: readonly string[]}
	| {readonly kind: 'running'; readonly text: string}
	| {
			readonly kind: 'survivors';
			readonly survivors: readonly Survivor[];
			readonly context: GuardContext;
			readonly cursor: number;
	  };

export type DialogKind = Dialog['kind'];

/** Grace period before SIGKILL when the operator asks to escalate on survivors. */
export const survivorGraceMs = 5000;

export function openMenu(actions: ActionsState, report: SessionReport, picks: readonly RowPick[]): ActionsState {
	const isSessionMenu = isSessionSet(picks);
	const isListenerMenu = picks.every(pick => pick.kind === 'listener');
	return {
		...actions,
		dialog: {
			kind: 'menu',
			picks,
			title: titleOf(report, picks),
			items: isSessionMenu ? sessionMenuItems : isListenerMenu ? listenerMenuItems : processMenuItems(false),
			cursor: 0,
			withDescendants: false,
			descendantCount: isSessionMenu ? 0 : descendantCount(report, picks),
		},
	};
}

/** Plans a choice and asks the guard; the dialog that follows is a confirmation or a refusal. */
export function propose(
	actions: ActionsState,
	report: SessionReport,
	picks: readonly RowPick[],
	choice: ActionChoice,
): ActionsState {
	const planned = planChoice(report, picks, choice, actions.operatorUid);
	if (!planned.ok) {
		return {...actions, dialog: {kind: 'refused', title: 'Nothing to do', lines: [planned.message]}};
	}

	const context = guardContextFromReport(report, actions.selfPid);
	return confirm(actions, {
		kind: 'signal',
		plan: planned.plan,
		assessments: assessTargets(planned.plan.targets, planned.plan.signal, context),
		context,
		endedSessions: planned.endedSessions,
		escalateAfterMs: undefined,
		notes: [...planned.warnings, ...targetNotes(planned.plan)],
	});
}

function confirm(actions: ActionsState, proposal: Proposal): ActionsState {
	if (proposal.assessments.every(assessment => assessment.kind === 'refused')) {
		return {
			...actions,
			dialog: {
				kind: 'refused',
				title: `Nothing can be sent: ${proposal.plan.description}`,
				lines: proposal.assessments.map(assessment => (assessment.kind === 'refused' ? assessment.message : '')),
			},
		};
	}

	return {...actions, dialog: {kind: 'confirm', proposal, step: 0, isYesFocused: false}};
}

/** The targets that need a second yes, in order: the confirm dialog's steps after the first. */
export function extraQuestions(proposal: Proposal): Array<Extract<Assessment, {kind: 'needs-confirmation'}>> {
	return proposal.assessments.filter(
		(assessment): assessment is Extract<Assessment, {kind: 'needs-confirmation'}> =>
			assessment.kind === 'needs-confirmation',
	);
}

export function quickChoice(
	picks: readonly RowPick[],
	command: 'quick-term' | 'quick-hang-up' | 'quick-kill',
): ActionChoice {
	if (isSessionSet(picks)) {
		const action =
			command === 'quick-term'
				? ({kind: 'end'} as const)
				: command === 'quick-hang-up'
					? ({kind: 'hang-up'} as const)
					: ({kind: 'kill'} as const);
		return {kind: 'session', action};
	}

	const signal = command === 'quick-term' ? SIGTERM : command === 'quick-hang-up' ? SIGHUP : SIGKILL;
	return {kind: 'process', signal, withDescendants: false};
}

export function accept(actions: ActionsState, report: SessionReport | undefined): ActionsState {
	const {dialog} = actions;
	if (dialog === undefined) {
		return actions;
	}

	switch (dialog.kind) {
		case 'menu': {
			const item = dialog.items[dialog.cursor];
			if (item === undefined || report === undefined) {
				return actions;
			}

			if (item.choice === 'enter-signal') {
				return {
					...actions,
					dialog: {
						kind: 'signal-entry',
						picks: dialog.picks,
						title: dialog.title,
						isSessionMenu: isSessionSet(dialog.picks),
						withDescendants: dialog.withDescendants,
						text: '',
						error: undefined,
					},
				};
			}

			const choice =
				item.choice.kind === 'process' ? {...item.choice, withDescendants: dialog.withDescendants} : item.choice;
			return propose(actions, report, dialog.picks, choice);
		}

		case 'signal-entry': {
			if (report === undefined) {
				return actions;
			}

			const parsed = parseSignal(dialog.text);
			if (!parsed.ok) {
				return {...actions, dialog: {...dialog, error: parsed.message}};
			}

			const choice: ActionChoice = dialog.isSessionMenu
				? {kind: 'session', action: {kind: 'signal', signal: parsed.signal}}
				: {kind: 'process', signal: parsed.signal, withDescendants: dialog.withDescendants};
			return propose(actions, report, dialog.picks, choice);
		}

		case 'confirm': {
			return dialog.isYesFocused ? answerYes(actions, dialog) : cancel(actions);
		}

		case 'survivors': {
			if (dialog.cursor === 0) {
				return cancel(actions);
			}

			const cleanup = planSurvivorCleanup(
				dialog.survivors.map(survivor => survivor.record),
				{
					escalateAfterMs: dialog.cursor === 2 ? survivorGraceMs : undefined,
				},
			);
			// Each survivor keeps the peer of the session it outlived.
			const plan: ActionPlan = {...cleanup.term, targets: dialog.survivors.map(survivor => survivor.target)};
			return confirm(actions, {
				kind: 'survivors',
				plan,
				assessments: assessTargets(plan.targets, plan.signal, dialog.context),
				context: dialog.context,
				endedSessions: [],
				escalateAfterMs: cleanup.escalateAfterMs,
				notes: targetNotes(plan),
			});
		}

		case 'refused': {
			return cancel(actions);
		}

		case 'running': {
			return actions;
		}
	}
}

export function answerYes(actions: ActionsState, dialog: Extract<Dialog, {kind: 'confirm'}>): ActionsState {
	const questions = extraQuestions(dialog.proposal);
	if (dialog.step < questions.length) {
		return {...actions, dialog: {...dialog, step: dialog.step + 1, isYesFocused: false}};
	}

	const {proposal} = dialog;
	return {
		...actions,
		dialog: {kind: 'running', text: `Sending ${proposal.plan.signal.name}…`},
		request: {
			id: actions.nextRequestId,
			proposal,
			confirmations: confirmationsFor(proposal.assessments),
			operatorPeer: proposal.context.ownSession?.peer,
		},
		nextRequestId: actions.nextRequestId + 1,
	};
}

export function cancel(actions: ActionsState): ActionsState {
	const {dialog} = actions;
	if (dialog?.kind === 'running') {
		return actions;
	}

	const status = dialog?.kind === 'confirm' ? 'Cancelled: nothing was sent.' : actions.status;
	return {...actions, dialog: undefined, status};
}

export function moveCursor(actions: ActionsState, step: number): ActionsState {
	const {dialog} = actions;
	if (dialog?.kind === 'menu') {
		const cursor = (dialog.cursor + step + dialog.items.length) % dialog.items.length;
		return {...actions, dialog: {...dialog, cursor}};
	}

	if (dialog?.kind === 'survivors') {
		return {
			...actions,
			dialog: {...dialog, cursor: (dialog.cursor + step + survivorChoices.length) % survivorChoices.length},
		};
	}

	if (dialog?.kind === 'confirm') {
		return {...actions, dialog: {...dialog, isYesFocused: !dialog.isYesFocused}};
	}

	return actions;
}

export const survivorChoices = [
	'Leave them running',
	'SIGTERM to them',
	`SIGTERM, then SIGKILL to any still running after ${survivorGraceMs / 1000} s`,
] as const;

/** A key typed into the signal-entry line; undefined when the key is not text. */
export function typeIntoDialog(
	actions: ActionsState,
	input: string,
	key: {readonly ctrl: boolean; readonly meta: boolean},
): ActionsState | undefined {
	const {dialog} = actions;
	if (dialog?.kind !== 'signal-entry' || key.ctrl || key.meta || !/^[\w+-]$/u.test(input)) {
		return undefined;
	}

	return {...actions, dialog: {...dialog, text: `${dialog.text}${input}`.slice(0, 16), error: undefined}};
}
