// Every key the explorer understands, as data: the key hook asks "which command is this?",
// and the help screen and footer are rendered from the same table, so they cannot drift.
import type {Key} from 'ink';
import type {ActionCommand, DialogKind} from '../state/action-state.js';

export type ExplorerCommand =
	| 'move-up'
	| 'move-down'
	| 'page-up'
	| 'page-down'
	| 'go-first'
	| 'go-last'
	| 'collapse'
	| 'expand'
	| 'toggle'
	| 'expand-all'
	| 'collapse-all'
	| 'toggle-pause'
	| 'toggle-help'
	| 'close-help'
	| 'open-filter'
	| 'filter-accept'
	| 'filter-cancel'
	| 'filter-delete'
	| 'filter-clear-line'
	| 'clear-filter'
	| 'next-sort'
	| 'reverse-sort'
	| 'quit'
	| ActionCommand;

type NamedKey =
	| 'upArrow'
	| 'downArrow'
	| 'leftArrow'
	| 'rightArrow'
	| 'pageUp'
	| 'pageDown'
	| 'home'
	| 'end'
	| 'return'
	| 'escape'
	| 'backspace'
	| 'delete'
	| 'tab';

export type KeySpec = {readonly input: string; readonly ctrl?: boolean} | {readonly key: NamedKey};

/** What decides whether a binding applies now, and which keys the footer shows. */
export type KeyContext = {
	readonly isHelpOpen: boolean;
	readonly isPaused: boolean;
	/** The filter line has the keyboard: printable keys are text, only these bindings and the arrows apply. */
	readonly isFilterOpen: boolean;
	/** A filter query is set (open or not). */
	readonly hasFilter: boolean;
	/** Kind of the selected row, for bindings that act on one kind (issue 5: kill on a session). */
	readonly selectedKind: 'listener' | 'session' | 'process' | 'leftover' | 'leftover-group' | undefined;
	readonly canExpand: boolean;
	readonly canCollapse: boolean;
	/** The action dialog that has the keyboard, if one is open. */
	readonly dialog?: DialogKind;
	/** Started with --read-only: action keys only say so. */
	readonly isReadOnly?: boolean;
	readonly hasTags?: boolean;
	/** The open menu is a process menu, whose signal may go to each process's descendants too. */
	readonly canAddDescendants?: boolean;
};

export type KeyBinding = {
	readonly command: ExplorerCommand;
	readonly keys: readonly KeySpec[];
	/** One line on the help screen. */
	readonly help: string;
	/** When the binding applies; always when absent. The first applicable binding for a key wins. */
	readonly when?: (context: KeyContext) => boolean;
	/** Short footer label; left out of the footer when absent or when `shownWhen` says no. */
	readonly footer?: string | ((context: KeyContext) => string);
	readonly shownWhen?: (context: KeyContext) => boolean;
};

const onTree = (context: KeyContext) => !context.isHelpOpen && context.dialog === undefined;
const inDialog = (context: KeyContext) => context.dialog !== undefined;
const inChoiceDialog = (context: KeyContext) => context.dialog === 'menu' || context.dialog === 'survivors';
// Action keys act on a session or process row, or on the tag set.
const onTarget = (context: KeyContext) =>
	onTree(context) && (context.selectedKind !== undefined || Boolean(context.hasTags));
/** Rows that can be tagged: a listener is acted on alone. */
const onTaggable = (context: KeyContext) =>
	onTree(context) && context.selectedKind !== undefined && context.selectedKind !== 'listener';
const whileTyping = (context: KeyContext) => context.isFilterOpen;

export const keyBindings: readonly KeyBinding[] = [
	// First, so Enter and Esc mean "keep" and "clear" while the filter line is open.
	{
		command: 'filter-accept',
		keys: [{key: 'return'}],
		help: 'Filter line: keep the filter and go back to the tree',
		when: whileTyping,
		footer: 'keep',
	},
	{
		command: 'filter-cancel',
		keys: [{key: 'escape'}],
		help: 'Filter line: clear the filter and go back to the tree',
		when: whileTyping,
		footer: 'clear',
	},
	{
		command: 'filter-delete',
		keys: [{key: 'backspace'}, {key: 'delete'}],
		help: 'Filter line: delete the last character',
		when: whileTyping,
	},
	{
		command: 'filter-clear-line',
		keys: [{input: 'u', ctrl: true}],
		help: 'Filter line: clear the line',
		when: whileTyping,
	},
	// The filter in force is worth the first places in the footer.
	{
		command: 'open-filter',
		keys: [{input: '/'}],
		help: 'Filter: words (fuzzy, smart-case) and user: from: tty: pid: kind: idle> health:',
		when: onTree,
		footer: context => (context.hasFilter ? 'edit filter' : 'filter'),
	},
	{
		command: 'clear-filter',
		keys: [{key: 'escape'}],
		help: 'Clear the filter',
		when: context => onTree(context) && context.hasFilter,
		footer: 'clear filter',
	},
	{command: 'move-up', keys: [{key: 'upArrow'}], help: 'Move the selection up (k is the action key)', when: onTree},
	{
		command: 'move-down',
		keys: [{key: 'downArrow'}, {input: 'j'}],
		help: 'Move the selection down',
		when: onTree,
		footer: 'move',
	},
	{command: 'page-up', keys: [{key: 'pageUp'}], help: 'Scroll up one page', when: onTree},
	{command: 'page-down', keys: [{key: 'pageDown'}], help: 'Scroll down one page', when: onTree},
	{command: 'go-first', keys: [{key: 'home'}, {input: 'g'}], help: 'Go to the first row', when: onTree},
	{command: 'go-last', keys: [{key: 'end'}, {input: 'G'}], help: 'Go to the last row', when: onTree},
	{
		command: 'collapse',
		keys: [{key: 'leftArrow'}],
		help: 'Collapse the selected row, or go to its parent',
		when: onTree,
		footer: 'collapse',
		shownWhen: context => context.canCollapse,
	},
	{
		command: 'expand',
		keys: [{key: 'rightArrow'}],
		help: 'Expand the selected row',
		when: onTree,
		footer: 'expand',
		shownWhen: context => context.canExpand,
	},
	{command: 'toggle', keys: [{key: 'return'}], help: 'Expand or collapse the selected row', when: onTree},
	{command: 'expand-all', keys: [{input: 'e'}], help: 'Expand every row', when: onTree, footer: 'expand all'},
	{command: 'collapse-all', keys: [{input: 'c'}], help: 'Collapse every session', when: onTree, footer: 'collapse all'},
	{
		command: 'next-sort',
		keys: [{input: 's'}],
		help: 'Sort by the next key: idle, login, CPU, memory, user, peer, pid',
		when: onTree,
		footer: 'sort',
	},
	{command: 'reverse-sort', keys: [{input: 'S'}], help: 'Reverse the sort order', when: onTree},
	{
		command: 'open-actions',
		keys: [{input: 'k'}, {input: 'F9'}],
		help: 'Actions for the selected row: a session (End, Hang up, Kill, Signal…), a process or one left behind (signal menu), the left-behind heading (all of them), the listener (stop, reload); or for the tagged rows',
		when: onTarget,
	},
	{
		command: 'quick-term',
		keys: [{input: 't'}],
		help: 'SIGTERM (End session on a session row), still confirmed',
		when: onTarget,
	},
	{
		command: 'quick-hang-up',
		keys: [{input: 'h'}],
		help: 'SIGHUP (Hang up on a session row), still confirmed',
		when: onTarget,
	},
	{
		command: 'quick-kill',
		keys: [{input: 'K'}],
		help: 'SIGKILL (Kill on a session row), still confirmed',
		when: onTarget,
	},
	{
		command: 'toggle-tag',
		keys: [{input: ' '}],
		help: 'Tag or untag the selected row (not a listener); actions then apply to every tagged row',
		when: onTaggable,
	},
	{
		command: 'untag-all',
		keys: [{input: 'u'}],
		help: 'Untag everything',
		when: onTree,
		footer: 'untag',
		shownWhen: context => Boolean(context.hasTags),
	},
	{command: 'toggle-history', keys: [{input: 'H'}], help: 'Show or hide the history of action results', when: onTree},
	{
		command: 'toggle-pause',
		keys: [{input: 'p'}],
		help: 'Pause or resume refreshing (the view freezes)',
		when: onTree,
		footer: context => (context.isPaused ? 'resume' : 'pause'),
	},
	{
		command: 'toggle-help',
		keys: [{input: '?'}],
		help: 'Show or hide this help',
		when: context => context.dialog === undefined,
		footer: context => (context.isHelpOpen ? 'close help' : 'help'),
	},
	{command: 'close-help', keys: [{key: 'escape'}], help: 'Close this help', when: context => context.isHelpOpen},
	{
		command: 'quit',
		keys: [{input: 'q'}, {input: 'c', ctrl: true}],
		help: 'Quit',
		when: context => context.dialog === undefined,
		footer: 'quit',
	},
	// While an action dialog is open it has the keyboard: every binding above excludes it.
	{
		command: 'dialog-yes',
		keys: [{input: 'y'}, {input: 'Y'}],
		help: 'Dialog: yes, confirm',
		when: context => context.dialog === 'confirm',
		footer: 'yes',
	},
	{
		command: 'dialog-no',
		keys: [{input: 'n'}, {input: 'N'}, {key: 'escape'}],
		help: 'Dialog: no, cancel (the default answer)',
		when: inDialog,
		footer: 'no/cancel',
	},
	{
		command: 'dialog-accept',
		keys: [{key: 'return'}],
		help: 'Dialog: choose the highlighted answer',
		when: inDialog,
		footer: 'choose',
	},
	{command: 'dialog-up', keys: [{key: 'upArrow'}, {input: 'k'}], help: 'Dialog: previous choice', when: inChoiceDialog},
	{
		command: 'dialog-down',
		keys: [{key: 'downArrow'}, {input: 'j'}],
		help: 'Dialog: next choice',
		when: inChoiceDialog,
		footer: 'choice',
	},
	{
		command: 'dialog-switch',
		keys: [{key: 'leftArrow'}, {key: 'rightArrow'}, {key: 'tab'}],
		help: 'Dialog: switch between No and Yes',
		when: context => context.dialog === 'confirm',
		footer: 'No/Yes',
	},
	{
		command: 'dialog-descendants',
		keys: [{input: 'd'}],
		help: 'Signal menu: also signal every descendant of the process',
		when: context => context.dialog === 'menu' && context.canAddDescendants === true,
		footer: 'descendants',
	},
	{
		command: 'dialog-erase',
		keys: [{key: 'backspace'}, {key: 'delete'}],
		help: 'Signal entry: delete the last character',
		when: context => context.dialog === 'signal-entry',
	},
];

const namedKeyLabels: Readonly<Record<NamedKey, string>> = {
	upArrow: '↑',
	downArrow: '↓',
	leftArrow: '←',
	rightArrow: '→',
	pageUp: 'PgUp',
	pageDown: 'PgDn',
	home: 'Home',
	end: 'End',
	return: 'Enter',
	escape: 'Esc',
	backspace: 'BkSp',
	delete: 'Del',
	tab: 'Tab',
};

export function keyLabel(spec: KeySpec): string {
	if ('key' in spec) {
		return namedKeyLabels[spec.key];
	}

	if (spec.input === ' ') {
		return 'Space';
	}

	return spec.ctrl ? `Ctrl-${spec.input.toUpperCase()}` : spec.input;
}

function matches(spec: KeySpec, input: string, key: Key): boolean {
	if ('key' in spec) {
		return key[spec.key];
	}

	return input === spec.input && Boolean(spec.ctrl) === key.ctrl;
}

function applies(binding: KeyBinding, context: KeyContext): boolean {
	return binding.when === undefined || binding.when(context);
}

/** The command a key press means now: the first binding that has the key and applies. */
export function commandFor(input: string, key: Key, context: KeyContext): ExplorerCommand | undefined {
	return keyBindings.find(binding => applies(binding, context) && binding.keys.some(spec => matches(spec, input, key)))
		?.command;
}

export type FooterEntry = {readonly keys: string; readonly label: string};

export function footerEntries(context: KeyContext): FooterEntry[] {
	const entries: FooterEntry[] = [];
	for (const binding of keyBindings) {
		// While typing a filter, only the filter line's own keys are worth the space.
		const isHiddenByTyping = context.isFilterOpen && binding.when !== whileTyping;
		if (
			binding.footer === undefined ||
			isHiddenByTyping ||
			!applies(binding, context) ||
			(binding.shownWhen !== undefined && !binding.shownWhen(context))
		) {
			continue;
		}

		const label = typeof binding.footer === 'function' ? binding.footer(context) : binding.footer;
		// Up and down share one footer entry: `↑↓ move`.
		const keys =
			binding.command === 'move-down'
				? '↑↓'
				: binding.keys
						.map(spec => keyLabel(spec))
						.slice(0, 1)
						.join('');
		entries.push({keys, label});
	}

	return entries;
}

export type HelpLine = {readonly keys: string; readonly help: string};

export function helpLines(): HelpLine[] {
	return keyBindings.map(binding => ({keys: binding.keys.map(spec => keyLabel(spec)).join(' '), help: binding.help}));
}
