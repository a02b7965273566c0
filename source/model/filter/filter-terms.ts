// The parts of a parsed filter query: terms, the matchers qualifiers compile to, and highlight ranges.
import type {ProcessRecord, Session} from '../types.js';

/**
Which displayed string a highlight range points into (see filter-text.ts). Session fields: `user`, `peer`, `ttys`, `kind`. Process fields: `command`, `pid`.
*/
export type HighlightField = 'user' | 'who' | 'peer' | 'ttys' | 'kind' | 'command' | 'pid';

/** Characters `start` (inclusive) to `end` (exclusive) of the field's displayed text, as `String.prototype.slice` takes them. */
export type HighlightRange = {
	readonly field: HighlightField;
	readonly start: number;
	readonly end: number;
};

/** `undefined`: no match. An array, possibly empty: a match, and what to highlight for it. */
export type MatchOutcome = readonly HighlightRange[] | undefined;

export const qualifierOperators = [':', '=', '>', '>=', '<', '<='] as const;
export type QualifierOperator = (typeof qualifierOperators)[number];

/**
What one qualifier tests. A session matcher that holds makes the whole session visible; a process matcher that holds shows that process, its ancestors as context and all its descendants.
*/
export type QualifierMatchers = {
	/** `now`: the report's takenAt, what durations (idle>30m) are measured to. */
	readonly matchSession?: (session: Session, now: number) => MatchOutcome;
	readonly matchProcess?: (process: ProcessRecord) => MatchOutcome;
};

export type QualifierDefinition = {
	readonly name: string;
	readonly operators: readonly QualifierOperator[];
	readonly example: string;
	/** One line for the help screen. */
	readonly description: string;
	/** Whether `name:a,b` means a or b. */
	readonly acceptsAlternatives: boolean;
	/** Turns one value into matchers, or says in a few words why it cannot. */
	readonly compile: (value: string, operator: QualifierOperator) => QualifierMatchers | {readonly hint: string};
};

export type TextTerm = {
	readonly type: 'text';
	readonly text: string;
	readonly mode: 'fuzzy' | 'exact';
	readonly isCaseSensitive: boolean;
};

export type QualifierTerm = {
	readonly type: 'qualifier';
	readonly name: string;
	readonly operator: QualifierOperator;
	readonly values: readonly string[];
} & QualifierMatchers;

export type FilterTerm = TextTerm | QualifierTerm;

export type FilterQuery = {
	/** Every term must hold, each by the session's fields or by the process's own. */
	readonly terms: readonly FilterTerm[];
	/** What was left out of the query and why; `undefined` when everything was understood. */
	readonly hint: string | undefined;
};
