// Every key the explorer understands, as data: the key hook asks "which command is this?",
// and the help screen and footer are rendered from the same table, so they cannot drift.
import type {Key} from 'ink';

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
	| 'quit';

type NamedKey = 'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape';

export type KeySpec =
	| {readonly input: string; readonly ctrl?: boolean}
	| {readonly key: NamedKey};

/** What the footer needs to know to show only the keys that matter now. */
export type KeyContext = {
	readonly isHelpOpen: boolean;
	readonly isPaused: boolean;
	readonly canExpand: boolean;
	readonly canCollapse: boolean;
};

export type KeyBinding = {
	readonly command: ExplorerCommand;
	readonly keys: readonly KeySpec[];
	/** One line on the help screen. */
	readonly help: string;
	/** Short footer label; the binding is left out of the footer when this is undefined or `shownWhen` says no. */
	readonly footer?: string | ((context: KeyContext) => string);
	readonly shownWhen?: (context: KeyContext) => boolean;
};

export const keyBindings: readonly KeyBinding[] = [
	{command: 'move-up', keys: [{key: 'upArrow'}, {input: 'k'}], help: 'Move the selection up'},
	{command: 'move-down', keys: [{key: 'downArrow'}, {input: 'j'}], help: 'Move the selection down', footer: 'move', shownWhen: context => !context.isHelpOpen},
	{command: 'page-up', keys: [{key: 'pageUp'}], help: 'Scroll up one page'},
	{command: 'page-down', keys: [{key: 'pageDown'}], help: 'Scroll down one page'},
	{command: 'go-first', keys: [{key: 'home'}, {input: 'g'}], help: 'Go to the first row'},
	{command: 'go-last', keys: [{key: 'end'}, {input: 'G'}], help: 'Go to the last row'},
	{command: 'collapse', keys: [{key: 'leftArrow'}], help: 'Collapse the selected row, or go to its parent', footer: 'collapse', shownWhen: context => !context.isHelpOpen && context.canCollapse},
	{command: 'expand', keys: [{key: 'rightArrow'}], help: 'Expand the selected row', footer: 'expand', shownWhen: context => !context.isHelpOpen && context.canExpand},
	{command: 'toggle', keys: [{key: 'return'}], help: 'Expand or collapse the selected row'},
	{command: 'expand-all', keys: [{input: 'e'}], help: 'Expand every row', footer: 'expand all', shownWhen: context => !context.isHelpOpen},
	{command: 'collapse-all', keys: [{input: 'c'}], help: 'Collapse every session', footer: 'collapse all', shownWhen: context => !context.isHelpOpen},
	{command: 'toggle-pause', keys: [{input: 'p'}], help: 'Pause or resume refreshing (the view freezes)', footer: context => (context.isPaused ? 'resume' : 'pause'), shownWhen: context => !context.isHelpOpen},
	{command: 'toggle-help', keys: [{input: '?'}], help: 'Show or hide this help', footer: context => (context.isHelpOpen ? 'close help' : 'help')},
	{command: 'close-help', keys: [{key: 'escape'}], help: 'Close this help'},
	{command: 'quit', keys: [{input: 'q'}, {input: 'c', ctrl: true}], help: 'Quit', footer: 'quit'},
];

const namedKeyLabels: Readonly<Record<NamedKey, string>> = {
	upArrow: '↑', downArrow: '↓', leftArrow: '←', rightArrow: '→', pageUp: 'PgUp', pageDown: 'PgDn', home: 'Home', end: 'End', return: 'Enter', escape: 'Esc',
};

export function keyLabel(spec: KeySpec): string {
	if ('key' in spec) {
		return namedKeyLabels[spec.key];
	}

	return spec.ctrl ? `Ctrl-${spec.input.toUpperCase()}` : spec.input;
}

function matches(spec: KeySpec, input: string, key: Key): boolean {
	if ('key' in spec) {
		return key[spec.key];
	}

	return input === spec.input && Boolean(spec.ctrl) === key.ctrl;
}

/** The command a key press means, if any (independent of state: the reducer decides what applies). */
export function commandFor(input: string, key: Key): ExplorerCommand | undefined {
	return keyBindings.find(binding => binding.keys.some(spec => matches(spec, input, key)))?.command;
}

export type FooterEntry = {readonly keys: string; readonly label: string};

export function footerEntries(context: KeyContext): FooterEntry[] {
	const entries: FooterEntry[] = [];
	for (const binding of keyBindings) {
		if (binding.footer === undefined || (binding.shownWhen !== undefined && !binding.shownWhen(context))) {
			continue;
		}

		const label = typeof binding.footer === 'function' ? binding.footer(context) : binding.footer;
		// Up and down share one footer entry: `↑↓ move`.
		const keys = binding.command === 'move-down' ? '↑↓' : binding.keys.map(spec => keyLabel(spec)).slice(0, 1).join('');
		entries.push({keys, label});
	}

	return entries;
}

export type HelpLine = {readonly keys: string; readonly help: string};

export function helpLines(): HelpLine[] {
	return keyBindings.map(binding => ({keys: binding.keys.map(spec => keyLabel(spec)).join(' '), help: binding.help}));
}
