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
	| 'toggle-all'
	| 'open-details'
	| 'close-details'
	| 'toggle-pause'
	| 'toggle-help'
	| 'close-help'
	| 'open-search'
	| 'search-accept'
	| 'search-cancel'
	| 'search-delete'
	| 'search-next'
	| 'search-previous'
	| 'open-filter'
	| 'filter-accept'
	| 'filter-cancel'
	| 'filter-delete'
	| 'filter-clear-line'
	| 'clear-filter'
	| 'next-sort'
	| 'previous-sort'
	| 'reverse-sort'
	| 'sort-cpu'
	| 'sort-memory'
	| 'quit'
	| 'repaint'
	| 'open-setup'
	| 'close-setup'
	| 'setup-forward'
	| 'setup-back'
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
	/** The search line has the keyboard, as the filter line does. */
	readonly isSearchOpen?: boolean;
	/** A search was made: n and N find its next and previous match. */
	readonly hasSearch?: boolean;
	/** The detail pane of the selected row is open. */
	readonly isDetailOpen?: boolean;
	/** The setup screen is open. */
	readonly isSetupOpen?: boolean;
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

const onTree = (context: KeyContext) =>
	!context.isHelpOpen && context.dialog === undefined && context.isDetailOpen !== true && context.isSetupOpen !== true;
const inSetup = (context: KeyContext) => context.isSetupOpen === true && context.dialog === undefined;
/** Keys that move through the tree also scroll the help and the detail pane, and move in the setup. */
const onScrollable = (context: KeyContext) =>
	context.dialog === undefined &&
	(onTree(context) || context.isHelpOpen || context.isDetailOpen === true || context.isSetupOpen === true);
const inDialog = (context: KeyContext) => context.dialog !== undefined;
const inChoiceDialog = (context: KeyContext) => context.dialog === 'menu' || context.dialog === 'survivors';
// Action keys act on a session or process row, or on the tag set.
const onTarget = (context: KeyContext) =>
	onTree(context) && (context.selectedKind !== undefined || Boolean(context.hasTags));
/** Rows that can be tagged: a listener is acted on alone. */
const onTaggable = (context: KeyContext) =>
	onTree(context) && context.selectedKind !== undefined && context.selectedKind !== 'listener';
const whileTyping = (context: KeyContext) => context.isFilterOpen;
const whileSearching = (context: KeyContext) => context.isSearchOpen === true;

// Htop's keys where htop has one (F1–F10, / search, \\ filter, k kill, Space tag, U untag, I invert,
// P M sort, Z pause, + - * tree, Ctrl-L), and no half of vi's: k is the kill key, as in htop.
export const keyBindings: readonly KeyBinding[] = [
	// First, so Enter and Esc mean "keep" and "clear" while the filter or search line is open.
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
		help: 'Filter or search line: clear the line',
		when: context => whileTyping(context) || whileSearching(context),
	},
	{
		command: 'search-accept',
		keys: [{key: 'return'}],
		help: 'Search line: stay on the match (n and N find the next and previous ones)',
		when: whileSearching,
		footer: 'stay',
	},
	{
		command: 'search-cancel',
		keys: [{key: 'escape'}],
		help: 'Search line: go back to the row the search started from',
		when: whileSearching,
		footer: 'cancel',
	},
	{
		command: 'search-delete',
		keys: [{key: 'backspace'}, {key: 'delete'}],
		help: 'Search line: delete the last character',
		when: whileSearching,
	},
	{
		command: 'open-search',
		keys: [{input: '/'}, {input: 'F3'}],
		help: 'Search: move to the next row whose text holds the words, hiding nothing',
		when: onTree,
		footer: 'search',
	},
	{
		command: 'search-next',
		keys: [{input: 'n'}],
		help: 'Next match of the search',
		when: context => onTree(context) && context.hasSearch === true,
		footer: 'next',
		shownWhen: context => context.hasSearch === true,
	},
	{
		command: 'search-previous',
		keys: [{input: 'N'}],
		help: 'Previous match of the search',
		when: context => onTree(context) && context.hasSearch === true,
	},
	// The filter in force is worth an early place in the footer.
	{
		command: 'open-filter',
		keys: [{input: '\\'}, {input: 'F4'}],
		help: 'Filter: show only what matches words (fuzzy, smart-case) and user: from: tty: pid: kind: idle> health:',
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
	{command: 'move-up', keys: [{key: 'upArrow'}], help: 'Move the selection up (or scroll)', when: onScrollable},
	{
		command: 'move-down',
		keys: [{key: 'downArrow'}],
		help: 'Move the selection down (or scroll)',
		when: onScrollable,
		footer: 'move',
	},
	{command: 'page-up', keys: [{key: 'pageUp'}], help: 'Up one page', when: onScrollable},
	{command: 'page-down', keys: [{key: 'pageDown'}], help: 'Down one page', when: onScrollable},
	{command: 'go-first', keys: [{key: 'home'}], help: 'To the first row (or the top)', when: onScrollable},
	{command: 'go-last', keys: [{key: 'end'}], help: 'To the last row (or the bottom)', when: onScrollable},
	{
		command: 'collapse',
		keys: [{key: 'leftArrow'}, {input: '-'}],
		help: 'Collapse the selected row, or go to its parent',
		when: onTree,
		footer: 'collapse',
		shownWhen: context => context.canCollapse,
	},
	{
		command: 'expand',
		keys: [{key: 'rightArrow'}, {input: '+'}],
		help: 'Expand the selected row',
		when: onTree,
		footer: 'expand',
		shownWhen: context => context.canExpand,
	},
	{
		command: 'toggle-all',
		keys: [{input: '*'}],
		help: 'Expand every row; again, collapse every session',
		when: onTree,
		footer: 'all',
	},
	{
		command: 'open-details',
		keys: [{key: 'return'}],
		help: 'Details of the selected row: command line, process facts, connection, environment, policy, actions',
		when: context => onTree(context) && context.selectedKind !== undefined,
		footer: 'details',
	},
	{
		command: 'close-details',
		keys: [{key: 'escape'}, {key: 'return'}],
		help: 'Close the details',
		when: context => context.isDetailOpen === true && context.dialog === undefined,
		footer: 'close',
	},
	{
		command: 'next-sort',
		keys: [{input: '>'}, {input: 'F6'}],
		help: 'Sort by the next key: idle, login, CPU, memory, user, peer, pid',
		when: onTree,
		footer: 'sort',
	},
	{command: 'previous-sort', keys: [{input: '<'}], help: 'Sort by the previous key', when: onTree},
	{command: 'reverse-sort', keys: [{input: 'I'}], help: 'Invert the sort order', when: onTree},
	{command: 'sort-cpu', keys: [{input: 'P'}], help: 'Sort by CPU', when: onTree},
	{command: 'sort-memory', keys: [{input: 'M'}], help: 'Sort by memory', when: onTree},
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
		command: 'quick-kill',
		keys: [{input: 'K'}],
		help: 'SIGKILL (Kill on a session row), still confirmed',
		when: onTarget,
	},
	{
		command: 'toggle-tag',
		keys: [{input: ' '}],
		help: 'Tag or untag the selected row (not a listener) and move down; actions then apply to every tagged row',
		when: onTaggable,
	},
	{
		command: 'untag-all',
		keys: [{input: 'U'}],
		help: 'Untag everything',
		when: onTree,
		footer: 'untag',
		shownWhen: context => Boolean(context.hasTags),
	},
	{command: 'toggle-history', keys: [{input: 'H'}], help: 'Show or hide the history of action results', when: onTree},
	{
		command: 'toggle-pause',
		keys: [{input: 'Z'}, {input: 'p'}],
		help: 'Pause or resume refreshing (the view freezes)',
		when: onTree,
		footer: context => (context.isPaused ? 'resume' : 'pause'),
	},
	{
		command: 'toggle-help',
		keys: [{input: '?'}, {input: 'h'}, {input: 'F1'}],
		help: 'Show or hide this help',
		when: context => context.dialog === undefined,
		footer: context => (context.isHelpOpen ? 'close help' : 'help'),
	},
	{command: 'close-help', keys: [{key: 'escape'}], help: 'Close this help', when: context => context.isHelpOpen},
	{
		command: 'open-setup',
		keys: [{input: 'F2'}, {input: 'S'}],
		help: 'Setup: refresh interval, how sessions open, which columns show (kept for the next start)',
		when: onTree,
	},
	{
		command: 'setup-forward',
		keys: [{input: ' '}, {key: 'return'}, {key: 'rightArrow'}, {input: '+'}],
		help: 'Setup: change the selected setting (next value, show or hide)',
		when: inSetup,
		footer: 'change',
	},
	{
		command: 'setup-back',
		keys: [{key: 'leftArrow'}, {input: '-'}],
		help: 'Setup: the previous value',
		when: inSetup,
	},
	{
		command: 'close-setup',
		keys: [{key: 'escape'}, {input: 'F2'}, {input: 'S'}, {input: 'q'}],
		help: 'Close the setup',
		when: inSetup,
		footer: 'close',
	},
	{command: 'repaint', keys: [{input: 'l', ctrl: true}], help: 'Draw the whole screen again'},
	{
		command: 'quit',
		keys: [{input: 'q'}, {input: 'F10'}, {input: 'c', ctrl: true}],
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
	{command: 'dialog-up', keys: [{key: 'upArrow'}], help: 'Dialog: previous choice', when: inChoiceDialog},
	{
		command: 'dialog-down',
		keys: [{key: 'downArrow'}],
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
		const isHiddenByTyping =
			(context.isFilterOpen && binding.when !== whileTyping) ||
			(context.isSearchOpen === true && binding.when !== whileSearching);
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
