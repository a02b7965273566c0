// The explorer's preferences, kept like htoprc in $XDG_CONFIG_HOME/sshtop/config.json: sort,
// its direction, the refresh interval, how sessions open by default and which session columns
// show. Parsing is forgiving: a value that makes no sense is left out and named, never fatal.
import {columnPriority, type SessionColumn} from './columns.js';
import {isSortKey, sortKeys, type SortKey} from './sort.js';

/**
How sessions open when the explorer starts: `auto` opens each down to its foreground command
when every session's rows fit the screen and shows them closed when not; `foreground` always
opens them so; `collapsed` shows one row per session; `all` opens everything.
*/
export type ExpansionSetting = 'auto' | 'foreground' | 'collapsed' | 'all';
export const expansionSettings: readonly ExpansionSetting[] = ['auto', 'foreground', 'collapsed', 'all'];

export function isExpansionSetting(value: unknown): value is ExpansionSetting {
	return (expansionSettings as readonly unknown[]).includes(value);
}

function isSessionColumn(value: unknown): value is SessionColumn {
	return (columnPriority as readonly unknown[]).includes(value);
}

/** The refresh intervals the setup screen steps through, in seconds. */
export const intervalSteps: readonly number[] = [0.5, 1, 2, 3, 5, 10, 30, 60];

/** The next step up or down from `seconds` (which may sit between steps). */
export function stepInterval(seconds: number, direction: 1 | -1): number {
	const next =
		direction === 1 ? intervalSteps.find(step => step > seconds) : intervalSteps.findLast(step => step < seconds);
	return next ?? seconds;
}

export type Preferences = {
	readonly sortKey?: SortKey;
	readonly isSortReversed?: boolean;
	readonly intervalSeconds?: number;
	readonly expansion?: ExpansionSetting;
	/** The session columns shown (when they fit); all of them when absent. */
	readonly columns?: readonly SessionColumn[];
};

export type ParsedPreferences = {readonly preferences: Preferences; readonly problems: readonly string[]};

/** The file's own field names: the public contract of config.json. */
type PreferencesFile = {
	sort?: unknown;
	reverse?: unknown;
	interval?: unknown;
	expand?: unknown;
	columns?: unknown;
};

export function parsePreferences(text: string): ParsedPreferences {
	let file: PreferencesFile;
	try {
		const parsed: unknown = JSON.parse(text);
		if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
			return {preferences: {}, problems: ['not a JSON object']};
		}

		file = parsed;
	} catch {
		return {preferences: {}, problems: ['not valid JSON']};
	}

	const problems: string[] = [];
	const preferences: {-readonly [K in keyof Preferences]: Preferences[K]} = {};
	if (file.sort !== undefined) {
		if (isSortKey(file.sort)) {
			preferences.sortKey = file.sort;
		} else {
			problems.push(`sort must be one of ${sortKeys.join(', ')}`);
		}
	}

	if (file.reverse !== undefined) {
		if (typeof file.reverse === 'boolean') {
			preferences.isSortReversed = file.reverse;
		} else {
			problems.push('reverse must be true or false');
		}
	}

	if (file.interval !== undefined) {
		if (typeof file.interval === 'number' && file.interval >= 0.2 && file.interval <= 3600) {
			preferences.intervalSeconds = file.interval;
		} else {
			problems.push('interval must be a number of seconds from 0.2 to 3600');
		}
	}

	if (file.expand !== undefined) {
		if (isExpansionSetting(file.expand)) {
			preferences.expansion = file.expand;
		} else {
			problems.push(`expand must be one of ${expansionSettings.join(', ')}`);
		}
	}

	if (file.columns !== undefined) {
		const {columns} = file;
		if (Array.isArray(columns) && columns.every(column => isSessionColumn(column))) {
			preferences.columns = columns.filter(column => isSessionColumn(column));
		} else {
			problems.push(`columns must be a list of ${columnPriority.join(', ')}`);
		}
	}

	return {preferences, problems};
}

/** The file's text for `preferences`: only what is set, in the file's own names. */
export function formatPreferences(preferences: Preferences): string {
	const file: PreferencesFile = {
		...(preferences.sortKey === undefined ? {} : {sort: preferences.sortKey}),
		...(preferences.isSortReversed === undefined ? {} : {reverse: preferences.isSortReversed}),
		...(preferences.intervalSeconds === undefined ? {} : {interval: preferences.intervalSeconds}),
		...(preferences.expansion === undefined ? {} : {expand: preferences.expansion}),
		...(preferences.columns === undefined ? {} : {columns: [...preferences.columns]}),
	};
	return `${JSON.stringify(file, undefined, 2)}\n`;
}
