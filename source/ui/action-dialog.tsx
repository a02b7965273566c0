// The action dialogs: menu, signal entry, confirmation (and the extra confirmations), a
// refusal, the wait while sending, and what outlived an ended session. Lines are built by a
// pure function; every text that came from a process is sanitised before it gets here
// (describeTarget) or here (targetTable).
import {Box, Text} from 'ink';
import {type ActionTarget, formatPeer} from '../model/guard/target.js';
import {fitToWidth} from '../model/view/format.js';
import {sanitizeText} from '../model/view/sanitize.js';
import {type Dialog, extraQuestions, signalEffect, survivorChoices} from './state/action-state.js';

export type DialogLine = {readonly text: string; readonly isBold?: boolean; readonly isHighlighted?: boolean};

const pidWidth = 7;
const userWidth = 10;
const ttyWidth = 7;
const peerWidth = 22;

/** One row per target: pid, user, tty, peer, command; every field terminal-safe. */
export function targetTable(targets: readonly ActionTarget[]): DialogLine[] {
	const header = `  ${'PID'.padStart(pidWidth)} ${'USER'.padEnd(userWidth)} ${'TTY'.padEnd(ttyWidth)} ${'PEER'.padEnd(peerWidth)} COMMAND`;
	return [
		{text: header, isBold: true},
		...targets.map(target => ({
			text: `  ${String(target.pid).padStart(pidWidth)} ${fitToWidth(sanitizeText(target.user), userWidth)} ${fitToWidth(target.tty ?? '-', ttyWidth)} ${fitToWidth(formatPeer(target.peer) ?? '-', peerWidth)} ${sanitizeText(target.command)}`,
		})),
	];
}

function buttons(isYesFocused: boolean): string {
	return isYesFocused ? '    No   [ Yes ]' : '  [ No ]   Yes  ';
}

function count(noun: string, amount: number): string {
	return `${amount} ${noun}${amount === 1 ? '' : noun.endsWith('s') ? 'es' : 's'}`;
}

export function dialogLines(dialog: Dialog): DialogLine[] {
	switch (dialog.kind) {
		case 'menu': {
			const width = Math.max(...dialog.items.map(item => item.label.length)) + 2;
			const lines: DialogLine[] = [
				{text: dialog.title, isBold: true},
				...dialog.items.map((item, index) => ({
					text: `${index === dialog.cursor ? '> ' : '  '}${item.label.padEnd(width)}${item.detail}`,
					isHighlighted: index === dialog.cursor,
				})),
			];
			const isProcessMenu =
				dialog.items.some(item => item.choice !== 'enter-signal' && item.choice.kind === 'process') &&
				!dialog.picks.every(pick => pick.kind === 'listener');
			if (isProcessMenu) {
				lines.push({
					text: `  [${dialog.withDescendants ? 'x' : ' '}] d: this process and its descendants (${count('process', dialog.descendantCount)} below)`,
				});
			}

			lines.push({text: ''}, {text: '↑↓ choose, Enter opens the confirmation, Esc or n cancels.'});
			return lines;
		}

		case 'signal-entry': {
			return [
				{text: dialog.title, isBold: true},
				{text: `Signal (a name or a number, e.g. TERM, USR1, 9, RTMIN+2): ${dialog.text}_`},
				...(dialog.error === undefined ? [] : [{text: dialog.error}]),
				{text: ''},
				{text: 'Enter opens the confirmation, Esc cancels.'},
			];
		}

		case 'confirm': {
			const {proposal, step} = dialog;
			const {plan} = proposal;
			const questions = extraQuestions(proposal);
			const sendable = proposal.assessments.filter(assessment => assessment.kind !== 'refused').length;
			if (step > 0) {
				const question = questions[step - 1];
				return [
					{text: `Extra confirmation ${step} of ${questions.length}: ${plan.signal.name}`, isBold: true},
					{text: question?.message ?? ''},
					...targetTable(question === undefined ? [] : [question.target]),
					{text: ''},
					{
						text: `Really send ${plan.signal.name} to it? Default is No.${buttons(dialog.isYesFocused)}`,
						isHighlighted: true,
					},
					{text: 'y confirms, n or Esc cancels, ←→ switch, Enter chooses.'},
				];
			}

			const refusals = proposal.assessments.flatMap(assessment =>
				assessment.kind === 'refused' ? [assessment.message] : [],
			);
			return [
				{text: plan.description, isBold: true},
				{text: `Signal: ${plan.signal.name} (${plan.signal.number}): ${signalEffect(plan.signal)}.`},
				...(proposal.escalateAfterMs === undefined
					? []
					: [{text: `Then SIGKILL to any still running after ${proposal.escalateAfterMs / 1000} s.`}]),
				{text: `Targets (${plan.targets.length}):`},
				...targetTable(plan.targets),
				...refusals.map(text => ({text: `  ${text}`})),
				...proposal.notes.map(text => ({text: `Note: ${text}`})),
				...(questions.length === 0
					? []
					: [
							{
								text: `${count('target', questions.length)} need${questions.length === 1 ? 's' : ''} an extra confirmation after this one.`,
							},
						]),
				{text: ''},
				{
					text: `Send ${plan.signal.name} to ${count('process', sendable)}? Default is No.${buttons(dialog.isYesFocused)}`,
					isHighlighted: true,
				},
				{text: 'y confirms, n or Esc cancels, ←→ switch, Enter chooses.'},
			];
		}

		case 'refused': {
			return [
				{text: dialog.title, isBold: true},
				...dialog.lines.map(text => ({text: `  ${text}`})),
				{text: ''},
				{text: 'Nothing was sent. Enter or Esc closes.'},
			];
		}

		case 'running': {
			return [{text: dialog.text, isBold: true}];
		}

		case 'survivors': {
			return [
				{
					text: `${count('process', dialog.survivors.length)} outlived the session and ${dialog.survivors.length === 1 ? 'keeps' : 'keep'} running:`,
					isBold: true,
				},
				...targetTable(dialog.survivors.map(survivor => survivor.target)),
				{text: ''},
				...survivorChoices.map((choice, index) => ({
					text: `${index === dialog.cursor ? '> ' : '  '}${choice}`,
					isHighlighted: index === dialog.cursor,
				})),
				{text: ''},
				{text: '↑↓ choose, Enter opens the confirmation, Esc or n leaves them.'},
			];
		}
	}
}

export type ActionDialogProps = {
	readonly dialog: Dialog;
	readonly width: number;
	readonly height: number;
};

const inverse = (text: string) => `\u001B[7m${text}\u001B[27m`;

export function ActionDialog({dialog, width, height}: ActionDialogProps) {
	const lines = dialogLines(dialog);
	// When the target list is longer than the screen, keep the question at the bottom visible.
	const kept = Math.max(1, height - 3);
	const shown =
		lines.length <= height
			? lines
			: [...lines.slice(0, kept), {text: `  … ${lines.length - kept - 2} more lines`}, ...lines.slice(-2)].slice(
					0,
					height,
				);
	return (
		<Box flexDirection="column">
			{shown.map((line, index) => {
				const text = fitToWidth(line.text, width);
				return (
					// eslint-disable-next-line react/no-array-index-key -- the dialog's lines are positional.
					<Text key={index} wrap="truncate" bold={line.isBold}>
						{line.isHighlighted ? inverse(text) : text}
					</Text>
				);
			})}
		</Box>
	);
}
