// The action part of the explorer's state: tags, the open dialog, the request waiting for the
// executor, results and their history. Pure; explorer-state.ts routes keys and events here, and
// use-actions.ts carries out `request` and reports back with an ActionEvent. The dialogs, menus,
// tags and history each have their own module.
import process from 'node:process';
import type {Confirmation} from '../../model/guard/guard.js';
import {type ConnectionCheck, type Survivor, type TargetResult} from '../../model/guard/results.js';
import type {Endpoint, SessionReport} from '../../model/types.js';
import {isSessionSet, type RowPick} from '../../model/guard/row-plans.js';
import {
	accept,
	answerYes,
	cancel,
	moveCursor,
	openMenu,
	propose,
	quickChoice,
	type Dialog,
	type Proposal,
} from './action-dialog-state.js';
import {processMenuItems} from './action-menus.js';
import {record, statusOf, type HistoryEntry} from './action-history.js';
import {picksFor, toggleTag} from './tags.js';

export type {Dialog, DialogKind, Proposal} from './action-dialog-state.js';
export {extraQuestions, survivorChoices, survivorGraceMs, typeIntoDialog} from './action-dialog-state.js';
export type {MenuItem} from './action-menus.js';
export {actionHeaderLines, historyLimit, type HistoryEntry} from './action-history.js';
export {picksFor, pruneTags, taggedIds} from './tags.js';
export {signalEffect} from '../../model/guard/signal-catalogue.js';
export {targetNotes} from '../../model/guard/target-notes.js';
export type {Survivor} from '../../model/guard/results.js';

export type ActionRequest = {
	readonly id: number;
	readonly proposal: Proposal;
	readonly confirmations: readonly Confirmation[];
	/** Where the operator is connected from, for the audit line. */
	readonly operatorPeer: Endpoint | undefined;
};

export type ActionsState = {
	readonly isReadOnly: boolean;
	/** Why it is read-only, when that is not `--read-only`. */
	readonly readOnlyReason: string | undefined;
	/** sshtop's own pid, for the guard. */
	readonly selfPid: number;
	/** Who acts: a normal user ends their own sessions through the processes they own. */
	readonly operatorUid: number | undefined;
	/** Tagged rows, in the order they were tagged. */
	readonly tags: readonly RowPick[];
	readonly dialog: Dialog | undefined;
	/** Confirmed and waiting for the executor; use-actions.ts runs it once, by id. */
	readonly request: ActionRequest | undefined;
	readonly nextRequestId: number;
	readonly history: readonly HistoryEntry[];
	readonly isHistoryOpen: boolean;
	/** The last action's outcome, one line. */
	readonly status: string | undefined;
	/** The audit log could not be written: shown in the header until a write succeeds. */
	readonly auditWarning: string | undefined;
};

/** What the executor reports back. */
export type ActionEvent =
	| {
			readonly type: 'finished';
			readonly requestId: number;
			readonly at: number;
			/** Every signal sent, one result per signal and target, in order. */
			readonly results: readonly TargetResult[];
			/** After a session action: whether each connection the signal reached is gone. */
			readonly checks: readonly ConnectionCheck[];
			readonly auditWarning: string | undefined;
			/** True when the survivors of the ended sessions are being looked for. */
			readonly isLookingForSurvivors: boolean;
	  }
	| {readonly type: 'survivors-found'; readonly requestId: number; readonly survivors: readonly Survivor[]}
	| {readonly type: 'failed'; readonly requestId: number; readonly at: number; readonly message: string};

/** The commands of the key table that act: every one is routed here (isActionCommand). */
export const actionCommands = [
	'open-actions',
	'quick-term',
	'quick-hang-up',
	'quick-kill',
	'toggle-tag',
	'untag-all',
	'toggle-history',
	'dialog-yes',
	'dialog-no',
	'dialog-accept',
	'dialog-up',
	'dialog-down',
	'dialog-switch',
	'dialog-descendants',
	'dialog-erase',
] as const;

export type ActionCommand = (typeof actionCommands)[number];

const actionCommandSet: ReadonlySet<string> = new Set(actionCommands);

export function isActionCommand(command: string): command is ActionCommand {
	return actionCommandSet.has(command);
}

export const readOnlyNotice = 'Read-only: actions are disabled (started with --read-only).';

function readOnlyNoticeOf(actions: ActionsState): string {
	return actions.readOnlyReason === undefined
		? readOnlyNotice
		: `Read-only: actions are disabled (${actions.readOnlyReason}).`;
}

export function createActionsState(
	options: {
		readonly selfPid?: number;
		readonly isReadOnly?: boolean;
		readonly readOnlyReason?: string | undefined;
		readonly operatorUid?: number;
		/** Why the audit log cannot be written, found before any action (prepareAuditLog). */
		readonly auditWarning?: string | undefined;
	} = {},
): ActionsState {
	return {
		isReadOnly: options.isReadOnly ?? false,
		readOnlyReason: options.readOnlyReason,
		selfPid: options.selfPid ?? process.pid,
		operatorUid: options.operatorUid ?? process.geteuid?.(),
		tags: [],
		dialog: undefined,
		request: undefined,
		nextRequestId: 1,
		history: [],
		isHistoryOpen: false,
		status: undefined,
		auditWarning: options.auditWarning,
	};
}

export function withStatus(actions: ActionsState, status: string): ActionsState {
	return {...actions, status};
}

/** The status line gone (it said what the last action did; the history keeps it). */
export function withoutStatus(actions: ActionsState): ActionsState {
	return actions.status === undefined ? actions : {...actions, status: undefined};
}

/**
 * Runs an action key against the report and the selected row. `selected` is the row under
 * the cursor as a pick (undefined on a listener row or an empty tree).
 */
export function runActionCommand(
	actions: ActionsState,
	command: ActionCommand,
	report: SessionReport | undefined,
	selected: RowPick | undefined,
): ActionsState {
	switch (command) {
		case 'toggle-history': {
			return {...actions, isHistoryOpen: !actions.isHistoryOpen};
		}

		case 'untag-all': {
			return {
				...actions,
				tags: [],
				status: actions.tags.length === 0 ? actions.status : `Untagged ${actions.tags.length}.`,
			};
		}

		case 'toggle-tag': {
			return selected === undefined ? actions : toggleTag(actions, selected);
		}

		case 'open-actions':
		case 'quick-term':
		case 'quick-hang-up':
		case 'quick-kill': {
			if (actions.isReadOnly) {
				return withStatus(actions, readOnlyNoticeOf(actions));
			}

			const picks = picksFor(actions, selected);
			if (report === undefined || picks.length === 0) {
				return withStatus(actions, 'Select a row to act on first.');
			}

			return command === 'open-actions'
				? openMenu(actions, report, picks)
				: propose(actions, report, picks, quickChoice(picks, command));
		}

		case 'dialog-yes': {
			const {dialog} = actions;
			return dialog?.kind === 'confirm' ? answerYes(actions, dialog) : actions;
		}

		case 'dialog-no': {
			return cancel(actions);
		}

		case 'dialog-accept': {
			return accept(actions, report);
		}

		case 'dialog-up': {
			return moveCursor(actions, -1);
		}

		case 'dialog-down': {
			return moveCursor(actions, 1);
		}

		case 'dialog-switch': {
			return actions.dialog?.kind === 'confirm' ? moveCursor(actions, 1) : actions;
		}

		case 'dialog-descendants': {
			const {dialog} = actions;
			if (
				dialog?.kind !== 'menu' ||
				isSessionSet(dialog.picks) ||
				dialog.picks.every(pick => pick.kind === 'listener')
			) {
				return actions;
			}

			const withDescendants = !dialog.withDescendants;
			return {...actions, dialog: {...dialog, withDescendants, items: processMenuItems(withDescendants)}};
		}

		case 'dialog-erase': {
			const {dialog} = actions;
			return dialog?.kind === 'signal-entry'
				? {...actions, dialog: {...dialog, text: dialog.text.slice(0, -1), error: undefined}}
				: actions;
		}
	}
}

/** Applies what the executor reported; events for another request than the current one are stale and dropped. */
export function actionEventArrived(actions: ActionsState, event: ActionEvent): ActionsState {
	if (actions.request?.id !== event.requestId) {
		return actions;
	}

	switch (event.type) {
		case 'finished': {
			const entries: HistoryEntry[] = [
				...event.results.map(result => ({
					at: event.at,
					kind: result.kind,
					signal: result.signal.name,
					sentence: result.sentence,
					about: {pid: result.target.pid, startTicks: result.target.startTicks},
				})),
				...event.checks.map(check => ({
					at: event.at,
					kind: check.outcome,
					signal: '',
					sentence: check.sentence,
					about: {sessionId: check.sessionId},
				})),
			];
			return {
				...actions,
				history: record(actions, entries),
				status: event.isLookingForSurvivors
					? `${statusOf(event.results, event.checks)} Looking for processes that outlived it…`
					: statusOf(event.results, event.checks),
				auditWarning: event.auditWarning,
				dialog: undefined,
				request: event.isLookingForSurvivors ? actions.request : undefined,
			};
		}

		case 'survivors-found': {
			const base = (actions.status ?? '').replace(/ Looking for processes that outlived it…$/u, '');
			if (event.survivors.length === 0) {
				return {...actions, request: undefined, dialog: undefined, status: `${base} Nothing outlived it.`.trim()};
			}

			return {
				...actions,
				request: undefined,
				status:
					`${base} ${event.survivors.length} process${event.survivors.length === 1 ? '' : 'es'} outlived it.`.trim(),
				dialog: {kind: 'survivors', survivors: event.survivors, context: actions.request.proposal.context, cursor: 0},
			};
		}

		case 'failed': {
			return {
				...actions,
				request: undefined,
				dialog: undefined,
				status: event.message,
				history: record(actions, [
					{at: event.at, kind: 'refused', signal: actions.request.proposal.plan.signal.name, sentence: event.message},
				]),
			};
		}
	}
}
