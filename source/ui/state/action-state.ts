// The action part of the explorer's state: tags, the open dialog, the request waiting for
// the executor, results and their history. Pure; state.ts routes keys and events here, and
// use-actions.ts carries out `request` and reports back with an ActionEvent.
import {assessTargets, confirmationsFor, type Assessment, type Confirmation, type GuardContext} from '../../model/guard/guard.js';
import type {ActionPlan} from '../../model/guard/plan.js';
import type {ConnectionCheck, ConnectionOutcome} from '../../actions/connection-check.js';
import type {Survivor} from '../../actions/end-sessions.js';
import {summarizeResults, type TargetResult, type TargetResultKind} from '../../actions/send-signal.js';
import {fateSentence, signalFate} from '../../model/guard/signal-fate.js';
import {isEndingSignal, parseSignal, type Signal, SIGHUP, SIGKILL, SIGTERM, signalMenu} from '../../model/guard/signal-catalogue.js';
import {parentsFirst} from '../../model/report/process-tree.js';
import {planSurvivorCleanup} from '../../model/guard/survivor-plan.js';
import {describeTarget, formatPeer} from '../../model/guard/target.js';
import {sanitizeText} from '../../model/view/sanitize.js';
import type {Endpoint, ProcessId, Session, SessionReport} from '../../model/types.js';
import {
	type ActionChoice,
	descendantCount,
	guardContextFromReport,
	isPickPresent,
	isSessionSet,
	listenerById,
	locateLeftover,
	locateProcess,
	type RowPick,
	planChoice,
	sessionById,
} from '../../model/guard/row-plans.js';

export type MenuItem = {
	readonly label: string;
	readonly detail: string;
	readonly choice: ActionChoice | 'enter-signal';
};

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

export type {Survivor} from '../../actions/end-sessions.js';

export type ActionRequest = {
	readonly id: number;
	readonly proposal: Proposal;
	readonly confirmations: readonly Confirmation[];
	/** Where the operator is connected from, for the audit line. */
	readonly operatorPeer: Endpoint | undefined;
};

export type HistoryEntry = {
	readonly at: number;
	/** What happened to one target of one signal, or what the check after a session action found. */
	readonly kind: TargetResultKind | ConnectionOutcome;
	/** The signal this entry is about; empty for a connection check. */
	readonly signal: string;
	readonly sentence: string;
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
	'open-actions', 'quick-term', 'quick-hang-up', 'quick-kill', 'toggle-tag', 'untag-all', 'toggle-history',
	'dialog-yes', 'dialog-no', 'dialog-accept', 'dialog-up', 'dialog-down', 'dialog-switch', 'dialog-descendants', 'dialog-erase',
] as const;

export type ActionCommand = typeof actionCommands[number];

const actionCommandSet: ReadonlySet<string> = new Set(actionCommands);

export function isActionCommand(command: string): command is ActionCommand {
	return actionCommandSet.has(command);
}

export const historyLimit = 100;
/** Grace period before SIGKILL when the operator asks to escalate on survivors. */
export const survivorGraceMs = 5000;
export const readOnlyNotice = 'Read-only: actions are disabled (started with --read-only).';

function readOnlyNoticeOf(actions: ActionsState): string {
	return actions.readOnlyReason === undefined ? readOnlyNotice : `Read-only: actions are disabled (${actions.readOnlyReason}).`;
}

export function createActionsState(options: {
	readonly selfPid?: number;
	readonly isReadOnly?: boolean;
	readonly readOnlyReason?: string | undefined;
	readonly operatorUid?: number;
	/** Why the audit log cannot be written, found before any action (prepareAuditLog). */
	readonly auditWarning?: string | undefined;
} = {}): ActionsState {
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

/** What a signal does by default (signal(7)); a program may catch most of them. */
export function signalEffect(signal: Signal): string {
	switch (signal.name) {
		case 'SIGTERM': {
			return 'asks it to end; it may clean up first';
		}

		case 'SIGHUP': {
			return 'hang-up: programs end, daemons often reload';
		}

		case 'SIGINT': {
			return 'interrupts it, as Ctrl-C does';
		}

		case 'SIGQUIT': {
			return 'ends it with a core dump, as Ctrl-\\ does';
		}

		case 'SIGKILL': {
			return 'ends it at once, no clean-up';
		}

		case 'SIGSTOP': {
			return 'freezes it until it gets SIGCONT';
		}

		case 'SIGCONT': {
			return 'resumes it if stopped';
		}

		case 'SIGUSR1':
		case 'SIGUSR2': {
			return "the program's own meaning; ends programs that do not handle it";
		}

		case 'SIGCHLD':
		case 'SIGURG':
		case 'SIGWINCH': {
			return 'ignored unless the program handles it';
		}

		default: {
			return 'ends it unless the program handles it';
		}
	}
}

const sessionMenuItems: readonly MenuItem[] = [
	{label: 'End session', detail: 'SIGTERM to the connection\'s sshd: a clean logout', choice: {kind: 'session', action: {kind: 'end'}}},
	{label: 'Hang up', detail: 'SIGHUP to the same sshd', choice: {kind: 'session', action: {kind: 'hang-up'}}},
	{label: 'Kill', detail: 'SIGKILL to the user-side sshd', choice: {kind: 'session', action: {kind: 'kill'}}},
	{label: 'Signal…', detail: 'any signal by name or number, to the connection\'s sshd', choice: 'enter-signal'},
];

/** A listener's menu: what stopping or reloading it does to logins and to the sessions it accepted. */
const listenerMenuItems: readonly MenuItem[] = [
	{label: 'Stop listening', detail: 'SIGTERM: no new logins; sessions it accepted stay connected', choice: {kind: 'process', signal: SIGTERM, withDescendants: false}},
	{label: 'Reload', detail: 'SIGHUP: sshd re-executes itself and re-reads its configuration; sessions stay', choice: {kind: 'process', signal: SIGHUP, withDescendants: false}},
	{label: 'Other…', detail: 'any signal by name or number', choice: 'enter-signal'},
];

function processMenuItems(withDescendants: boolean): MenuItem[] {
	return [
		...signalMenu.map(signal => ({
			label: signal.name.replace(/^SIG/, ''),
			detail: signalEffect(signal),
			choice: {kind: 'process', signal, withDescendants} as const,
		})),
		{label: 'Other…', detail: 'any signal by name or number', choice: 'enter-signal'},
	];
}

function sessionLabel(session: Session): string {
	const peer = formatPeer(session.peer);
	const tty = session.ttys[0] ?? 'no tty';
	return `session ${session.pid}: ${sanitizeText(session.user)} ${tty}${peer === undefined ? '' : ` from ${peer}`}`;
}

function processLabel(process: {readonly pid: number; readonly argv: readonly string[]; readonly comm: string; readonly user: string}): string {
	return `process ${describeTarget({pid: process.pid, command: process.argv.join(' ') || `[${process.comm}]`})} of ${sanitizeText(process.user)}`;
}

function pickLabel(report: SessionReport, pick: RowPick): string {
	switch (pick.kind) {
		case 'session': {
			const session = sessionById(report, pick.id);
			return session === undefined ? 'a session that has ended' : sessionLabel(session);
		}

		case 'process': {
			const found = locateProcess(report, pick.id);
			return found === undefined ? 'a process that has exited' : processLabel(found.node.process);
		}

		case 'listener': {
			const listener = listenerById(report, pick.id);
			return listener === undefined ? 'a listener that has gone' : `the SSH listener ${listener.pid} (port ${listener.ports.join(', ') || '?'})`;
		}

		case 'leftover': {
			const found = locateLeftover(report, pick.id);
			return found === undefined ? 'a process that has exited' : `${processLabel(found.node.process)}, left behind by a logout`;
		}

		case 'leftover-group': {
			const count = (report.leftovers ?? []).reduce((total, leftover) => total + parentsFirst(leftover.tree).length, 0);
			return `every process left behind by a logout (${count})`;
		}
	}
}

function titleOf(report: SessionReport, picks: readonly RowPick[]): string {
	const [only] = picks;
	if (picks.length === 1 && only !== undefined) {
		return `Act on ${pickLabel(report, only)}`;
	}

	const sessions = picks.filter(pick => pick.kind === 'session').length;
	const processes = picks.length - sessions;
	const parts = [
		sessions === 0 ? '' : `${sessions} session${sessions === 1 ? '' : 's'}`,
		processes === 0 ? '' : `${processes} process${processes === 1 ? '' : 'es'}`,
	].filter(Boolean);
	return `Act on ${picks.length} tagged rows (${parts.join(', ')})`;
}

/** The rows an action applies to: the tag set when there is one, else the selected row. */
export function picksFor(actions: ActionsState, selected: RowPick | undefined): RowPick[] {
	if (actions.tags.length > 0) {
		return [...actions.tags];
	}

	return selected === undefined ? [] : [selected];
}

function withStatus(actions: ActionsState, status: string): ActionsState {
	return {...actions, status};
}

function openMenu(actions: ActionsState, report: SessionReport, picks: readonly RowPick[]): ActionsState {
	const isSessionMenu = isSessionSet(picks);
	const isListenerMenu = picks.every(pick => pick.kind === 'listener');
	return {
		...actions,
		dialog: {
			kind: 'menu',
			picks,
			title: titleOf(report, picks),
			items: isSessionMenu ? sessionMenuItems : (isListenerMenu ? listenerMenuItems : processMenuItems(false)),
			cursor: 0,
			withDescendants: false,
			descendantCount: isSessionMenu ? 0 : descendantCount(report, picks),
		},
	};
}

/** Plans a choice and asks the guard; the dialog that follows is a confirmation or a refusal. */
function propose(actions: ActionsState, report: SessionReport, picks: readonly RowPick[], choice: ActionChoice): ActionsState {
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

/**
What a target will do with the signal, said before it is sent: a stopped one gets SIGCONT after
an ending signal; one that ignores it, or a namespace's init without a handler, will not act.
*/
export function targetNotes(plan: ActionPlan): string[] {
	return plan.targets.flatMap(target => {
		const fate = signalFate(target, plan.signal);
		if (fate === 'ignored' || fate === 'discarded') {
			return [`${describeTarget(target)}: ${fateSentence(fate, plan.signal)}.`];
		}

		return target.state === 'T' && isEndingSignal(plan.signal)
			? [`${describeTarget(target)} is stopped: SIGCONT follows, so it acts on ${plan.signal.name}.`]
			: [];
	});
}

/** The targets that need a second yes, in order: the confirm dialog's steps after the first. */
export function extraQuestions(proposal: Proposal): Array<Extract<Assessment, {kind: 'needs-confirmation'}>> {
	return proposal.assessments.filter((assessment): assessment is Extract<Assessment, {kind: 'needs-confirmation'}> => assessment.kind === 'needs-confirmation');
}

function quickChoice(picks: readonly RowPick[], command: 'quick-term' | 'quick-hang-up' | 'quick-kill'): ActionChoice {
	if (isSessionSet(picks)) {
		const action = command === 'quick-term' ? {kind: 'end'} as const : (command === 'quick-hang-up' ? {kind: 'hang-up'} as const : {kind: 'kill'} as const);
		return {kind: 'session', action};
	}

	const signal = command === 'quick-term' ? SIGTERM : (command === 'quick-hang-up' ? SIGHUP : SIGKILL);
	return {kind: 'process', signal, withDescendants: false};
}

function toggleTag(actions: ActionsState, pick: RowPick): ActionsState {
	const isTagged = actions.tags.some(tag => tag.id === pick.id);
	return {...actions, tags: isTagged ? actions.tags.filter(tag => tag.id !== pick.id) : [...actions.tags, pick]};
}

function accept(actions: ActionsState, report: SessionReport | undefined): ActionsState {
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

			const choice = item.choice.kind === 'process' ? {...item.choice, withDescendants: dialog.withDescendants} : item.choice;
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

			const cleanup = planSurvivorCleanup(dialog.survivors.map(survivor => survivor.record), {
				escalateAfterMs: dialog.cursor === 2 ? survivorGraceMs : undefined,
			});
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

function answerYes(actions: ActionsState, dialog: Extract<Dialog, {kind: 'confirm'}>): ActionsState {
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

function cancel(actions: ActionsState): ActionsState {
	const {dialog} = actions;
	if (dialog?.kind === 'running') {
		return actions;
	}

	const status = dialog?.kind === 'confirm' ? 'Cancelled: nothing was sent.' : actions.status;
	return {...actions, dialog: undefined, status};
}

function moveCursor(actions: ActionsState, step: number): ActionsState {
	const {dialog} = actions;
	if (dialog?.kind === 'menu') {
		const cursor = (dialog.cursor + step + dialog.items.length) % dialog.items.length;
		return {...actions, dialog: {...dialog, cursor}};
	}

	if (dialog?.kind === 'survivors') {
		return {...actions, dialog: {...dialog, cursor: (dialog.cursor + step + survivorChoices.length) % survivorChoices.length}};
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
export function typeIntoDialog(actions: ActionsState, input: string, key: {readonly ctrl: boolean; readonly meta: boolean}): ActionsState | undefined {
	const {dialog} = actions;
	if (dialog?.kind !== 'signal-entry' || key.ctrl || key.meta || !/^[\w+-]$/.test(input)) {
		return undefined;
	}

	return {...actions, dialog: {...dialog, text: `${dialog.text}${input}`.slice(0, 16), error: undefined}};
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
			return {...actions, tags: [], status: actions.tags.length === 0 ? actions.status : `Untagged ${actions.tags.length}.`};
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

			return command === 'open-actions' ? openMenu(actions, report, picks) : propose(actions, report, picks, quickChoice(picks, command));
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
			if (dialog?.kind !== 'menu' || isSessionSet(dialog.picks) || dialog.picks.every(pick => pick.kind === 'listener')) {
				return actions;
			}

			const withDescendants = !dialog.withDescendants;
			return {...actions, dialog: {...dialog, withDescendants, items: processMenuItems(withDescendants)}};
		}

		case 'dialog-erase': {
			const {dialog} = actions;
			return dialog?.kind === 'signal-entry' ? {...actions, dialog: {...dialog, text: dialog.text.slice(0, -1), error: undefined}} : actions;
		}
	}
}

/** One line: each signal's results (`SIGTERM: 3 sent; SIGKILL: 1 sent`), then what the connection checks found. */
function statusOf(results: readonly TargetResult[], checks: readonly ConnectionCheck[]): string {
	const [only] = results;
	let text: string;
	if (results.length === 1 && only !== undefined) {
		text = only.sentence;
	} else {
		const bySignal = new Map<string, TargetResult[]>();
		for (const result of results) {
			bySignal.set(result.signal.name, [...(bySignal.get(result.signal.name) ?? []), result]);
		}

		const problem = results.find(result => result.kind !== 'sent');
		text = [...bySignal].map(([name, each]) => `${name}: ${summarizeResults(each)}`).join('; ') + (problem === undefined ? '' : `. ${problem.sentence}`);
	}

	const stillConnected = checks.filter(check => check.outcome === 'still-connected');
	if (stillConnected.length > 0) {
		return `${text} Still connected: ${stillConnected.map(check => check.sentence).join(' ')}`;
	}

	return checks.length === 0 ? text : `${text} ${checks.length === 1 ? checks[0]!.sentence : `All ${checks.length} connections are closed.`}`;
}

function record(actions: ActionsState, entries: readonly HistoryEntry[]): ActionsState['history'] {
	return [...actions.history, ...entries].slice(-historyLimit);
}

/** Applies what the executor reported; events for another request than the current one are stale and dropped. */
export function actionEventArrived(actions: ActionsState, event: ActionEvent): ActionsState {
	if (actions.request?.id !== event.requestId) {
		return actions;
	}

	switch (event.type) {
		case 'finished': {
			const entries: HistoryEntry[] = [
				...event.results.map(result => ({at: event.at, kind: result.kind, signal: result.signal.name, sentence: result.sentence})),
				...event.checks.map(check => ({at: event.at, kind: check.outcome, signal: '', sentence: check.sentence})),
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
			const base = (actions.status ?? '').replace(/ Looking for processes that outlived it…$/, '');
			if (event.survivors.length === 0) {
				return {...actions, request: undefined, dialog: undefined, status: `${base} Nothing outlived it.`.trim()};
			}

			return {
				...actions,
				request: undefined,
				status: `${base} ${event.survivors.length} process${event.survivors.length === 1 ? '' : 'es'} outlived it.`.trim(),
				dialog: {kind: 'survivors', survivors: event.survivors, context: actions.request.proposal.context, cursor: 0},
			};
		}

		case 'failed': {
			return {
				...actions,
				request: undefined,
				dialog: undefined,
				status: event.message,
				history: record(actions, [{at: event.at, kind: 'refused', signal: actions.request.proposal.plan.signal.name, sentence: event.message}]),
			};
		}
	}
}

/** Tags follow identity across refreshes: a tagged row that is gone is untagged. */
export function pruneTags(actions: ActionsState, report: SessionReport): ActionsState {
	if (actions.tags.length === 0) {
		return actions;
	}

	const tags = actions.tags.filter(tag => isPickPresent(report, tag));
	return tags.length === actions.tags.length ? actions : {...actions, tags};
}

export function taggedIds(actions: ActionsState): ReadonlySet<ProcessId> {
	return new Set(actions.tags.map(tag => tag.id));
}

/** Header lines about actions: read-only mode, an audit log that could not be written. */
export function actionHeaderLines(actions: ActionsState): string[] {
	return [
		...(actions.isReadOnly ? [actions.readOnlyReason === undefined ? 'READ-ONLY: every action is disabled.' : `READ-ONLY: every action is disabled (${actions.readOnlyReason}).`] : []),
		...(actions.auditWarning === undefined ? [] : [`Warning: ${actions.auditWarning}`]),
	];
}
