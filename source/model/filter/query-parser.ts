// The filter line's language: free text plus `name:value` qualifiers, all of which must hold.
//
// Rules a user can rely on:
// - Words are separated by spaces; double quotes keep spaces inside one word (`user:"a b"`, `"vim notes"`).
// - Free text is fuzzy (a typo in a long word is forgiven), except quoted text and words with a
//   digit or without a letter (`1234`, `10.0.0.5`, `:22`, `pts/1`), which must appear exactly: a
//   near number is another number, another terminal, another job.
// - Smart-case, decided per word as fzf does: a word in lower case ignores case, a word with an
//   upper-case letter respects it. `alice Vim` finds `ALICE` and `Vim`, not `vim`.
// - `name:a,b` means a or b.
// - A qualifier that cannot be understood (`idle>abc`, `pid:x`, `kind:foo`) is left out and
//   explained in `hint`; the rest of the query still filters. Typing `idle>` on the way to
//   `idle>30m` therefore never blanks the list. An unknown name (`usr:alice`, or the `https:` of
//   a URL) is searched as text, with a hint naming the known qualifiers.
import {parseDuration} from '../view/duration.js';
import {peerText} from './filter-text.js';
import {idleSecondsAt} from '../report/idle.js';
import type {SessionHealth} from '../report/health.js';
import type {Endpoint, ProcessRecord, Session, SessionKind} from '../types.js';

/**
Which displayed string a highlight range points into (see filter-text.ts). Session fields: `user`, `peer`, `ttys`, `kind`. Process fields: `command`, `pid`.
*/
export type HighlightField = 'user' | 'peer' | 'ttys' | 'kind' | 'command' | 'pid';

/** Characters `start` (inclusive) to `end` (exclusive) of the field's displayed text, as `String.prototype.slice` takes them. */
export type HighlightRange = {
	readonly field: HighlightField;
	readonly start: number;
	readonly end: number;
};

/** `undefined`: no match. An array, possibly empty: a match, and what to highlight for it. */
export type MatchOutcome = readonly HighlightRange[] | undefined;

export type QualifierOperator = ':' | '=' | '>' | '>=' | '<' | '<=';

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

const sessionKinds: readonly SessionKind[] = ['shell', 'command', 'sftp', 'forward', 'preauth'];

const sessionHealths: readonly SessionHealth[] = ['ok', 'stalled', 'dead-peer', 'unknown'];

/** Kind aliases: a tty-based reading, so `ssh -t host cmd` (a command with a pty) counts as `pty`. */
const kindAliases = {
	pty: (session: Session) => session.ttys.length > 0,
	notty: (session: Session) => session.ttys.length === 0 && session.kind !== 'preauth',
} as const;

/** `nested`: opened from another session here; `outer`: another session was opened from it; `single`: neither; `own`: a hop of sshtop's own chain. */
const chainPlaces = ['nested', 'outer', 'single', 'own'] as const;
type ChainPlace = typeof chainPlaces[number];

function isInChainPlace(session: Session, place: ChainPlace): boolean {
	switch (place) {
		case 'nested': {
			return session.nestedIn !== undefined;
		}

		case 'outer': {
			return session.hasNested;
		}

		case 'single': {
			return session.nestedIn === undefined && !session.hasNested;
		}

		case 'own': {
			return session.isOwnChain;
		}
	}
}

function hasUpperCase(text: string): boolean {
	return text !== text.toLowerCase();
}

function fold(text: string, isCaseSensitive: boolean): string {
	return isCaseSensitive ? text : text.toLowerCase();
}

function whole(field: HighlightField, text: string): readonly HighlightRange[] {
	return [{field, start: 0, end: text.length}];
}

/** Where `prefix` starts `peer`, trying the displayed `address:port` form, the bare address, and the IPv4 inside an IPv4-mapped IPv6 address. */
function peerPrefixRange(peer: Endpoint, prefix: string): HighlightRange | undefined {
	const displayed = peerText(peer).toLowerCase();
	const address = peer.address.toLowerCase();
	const addressOffset = displayed.indexOf(address);
	const candidates: Array<readonly [string, number]> = [[displayed, 0], [address, addressOffset]];
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
	if (mapped !== undefined) {
		candidates.push([mapped, addressOffset + address.length - mapped.length]);
	}

	for (const [text, offset] of candidates) {
		if (text.startsWith(prefix)) {
			return {field: 'peer', start: offset, end: offset + prefix.length};
		}
	}

	return undefined;
}

function portRange(peer: Endpoint): HighlightRange {
	const displayed = peerText(peer);
	return {field: 'peer', start: displayed.length - String(peer.port).length, end: displayed.length};
}

function parsePort(text: string): number | undefined {
	const port = Number(text);
	return Number.isInteger(port) && port <= 65_535 ? port : undefined;
}

function compareSeconds(actual: number, operator: QualifierOperator, limit: number): boolean {
	switch (operator) {
		case '>': {
			return actual > limit;
		}

		case '>=': {
			return actual >= limit;
		}

		case '<': {
			return actual < limit;
		}

		case '<=': {
			return actual <= limit;
		}

		default: {
			return false;
		}
	}
}

/**
The qualifiers, one entry each. Adding one (such as `health:` for issue 6) is adding an entry here.
*/
export const qualifiers: readonly QualifierDefinition[] = [
	{
		name: 'user',
		operators: [':'],
		example: 'user:alice',
		description: 'login user name starts with',
		acceptsAlternatives: true,
		compile(value) {
			const isCaseSensitive = hasUpperCase(value);
			const prefix = fold(value, isCaseSensitive);
			return {
				matchSession: session =>
					fold(session.user, isCaseSensitive).startsWith(prefix) ? [{field: 'user', start: 0, end: value.length}] : undefined,
			};
		},
	},
	{
		// `from:10.0.` and `from:10.0.0.5:50022` are prefixes of the peer written `address:port`
		// (`fe80::` and `[fe80::1]:22` for IPv6); `from::50022` is exactly that port; a bare number
		// such as `from:50022` or `from:10` is that port or an address starting with it, since
		// whole-number addresses do not exist and a lone `10` most likely means 10.*.
		name: 'from',
		operators: [':'],
		example: 'from:10.0.',
		description: 'peer address starts with, or :port',
		acceptsAlternatives: true,
		compile(value) {
			const text = value.toLowerCase();
			if (text.startsWith(':') && /^:\d+$/.test(text)) {
				const port = parsePort(text.slice(1));
				if (port === undefined) {
					return {hint: `from: ${text.slice(1)} is not a port`};
				}

				return {matchSession: ({peer}) => peer?.port === port ? [portRange(peer)] : undefined};
			}

			if (!/^[\d.:a-f[\]]+$/.test(text)) {
				return {hint: `from: '${value}' is not an address (names are not resolved)`};
			}

			const port = /^\d+$/.test(text) ? parsePort(text) : undefined;
			return {
				matchSession({peer}) {
					if (peer === undefined) {
						return undefined;
					}

					if (port !== undefined && peer.port === port) {
						return [portRange(peer)];
					}

					const range = peerPrefixRange(peer, text);
					return range === undefined ? undefined : [range];
				},
			};
		},
	},
	{
		// Tested per process, so with several terminals in one connection only the branch on
		// that terminal is shown; the sshd processes above it (which have no terminal) stay as context.
		name: 'tty',
		operators: [':'],
		example: 'tty:pts/3',
		description: 'terminal is (pts/3, /dev/pts/3 or just 3)',
		acceptsAlternatives: true,
		compile(value) {
			const withoutDevice = value.replace(/^\/dev\//, '');
			const name = /^\d+$/.test(withoutDevice) ? `pts/${withoutDevice}` : withoutDevice;
			const isCaseSensitive = hasUpperCase(name);
			const wanted = fold(name, isCaseSensitive);
			return {
				matchProcess: ({tty}) =>
					tty !== undefined && fold(tty, isCaseSensitive) === wanted ? [] : undefined,
			};
		},
	},
	{
		// Tested per process: the session's own pid is its top sshd, so `pid:<session pid>` shows the
		// whole session, and any other pid shows its branch inside its session.
		name: 'pid',
		operators: [':'],
		example: 'pid:1234',
		description: 'process id is (any process, including the session\'s sshd)',
		acceptsAlternatives: true,
		compile(value) {
			if (!/^\d+$/.test(value)) {
				return {hint: `pid: '${value}' is not a process id`};
			}

			const pid = Number(value);
			return {matchProcess: process => process.pid === pid ? whole('pid', String(pid)) : undefined};
		},
	},
	{
		name: 'kind',
		operators: [':'],
		example: 'kind:notty',
		description: `session kind: ${sessionKinds.join(', ')}; pty (has a terminal), notty (has none)`,
		acceptsAlternatives: true,
		compile(value) {
			const wanted = value.toLowerCase();
			if (wanted === 'pty' || wanted === 'notty') {
				const test = kindAliases[wanted];
				return {matchSession: session => test(session) ? whole('kind', session.kind) : undefined};
			}

			if (!sessionKinds.includes(wanted as SessionKind)) {
				return {hint: `kind: '${value}' is not one of ${sessionKinds.join(', ')}, pty, notty`};
			}

			return {matchSession: session => session.kind === wanted ? whole('kind', session.kind) : undefined};
		},
	},
	{
		// A session without an idle figure (no terminal, or unreadable) matches no comparison.
		name: 'idle',
		operators: ['>', '>=', '<', '<='],
		example: 'idle>30m',
		description: 'idle time compared with 30s, 10m, 2h, 1d (a bare number is seconds)',
		acceptsAlternatives: false,
		compile(value, operator) {
			const limit = parseDuration(value);
			if (limit === undefined) {
				return {hint: `idle: '${value}' is not a duration (30s, 10m, 2h, 1d)`};
			}

			return {
				matchSession(session, now) {
					const idleSeconds = idleSecondsAt(session, now);
					return idleSeconds !== undefined && compareSeconds(idleSeconds, operator, limit) ? [] : undefined;
				},
			};
		},
	},
	{
		// A session without a health reading (a report built without socket data) is `unknown`.
		name: 'health',
		operators: [':'],
		example: 'health:dead-peer',
		description: `connection health: ${sessionHealths.join(', ')}`,
		acceptsAlternatives: true,
		compile(value) {
			const wanted = value.toLowerCase();
			if (!sessionHealths.includes(wanted as SessionHealth)) {
				return {hint: `health: '${value}' is not one of ${sessionHealths.join(', ')}`};
			}

			return {matchSession: ({health}) => (health?.health ?? 'unknown') === wanted ? [] : undefined};
		},
	},
	{
		// The port of this box the connection came in on: which sshd (22, a maintenance 2222, a test's own).
		name: 'port',
		operators: [':'],
		example: 'port:2222',
		description: 'the connection came in on this local port (which sshd)',
		acceptsAlternatives: true,
		compile(value) {
			const port = /^\d+$/.test(value) ? parsePort(value) : undefined;
			if (port === undefined) {
				return {hint: `port: '${value}' is not a port`};
			}

			return {matchSession: ({local}) => local?.port === port ? [] : undefined};
		},
	},
	{
		name: 'chain',
		operators: [':'],
		example: 'chain:nested',
		description: `place in a chain of ssh hops into this box: ${chainPlaces.join(', ')} (a hop of your own chain)`,
		acceptsAlternatives: true,
		compile(value) {
			const wanted = value.toLowerCase() as ChainPlace;
			if (!chainPlaces.includes(wanted)) {
				return {hint: `chain: '${value}' is not one of ${chainPlaces.join(', ')}`};
			}

			return {matchSession: session => isInChainPlace(session, wanted) ? [] : undefined};
		},
	},
];

const qualifierByName = new Map(qualifiers.map(definition => [definition.name, definition]));

const qualifierPattern = /^([a-z][a-z-]*)(>=|<=|:|=|>|<)(.*)$/is;

/** Splits on white space outside double quotes; the quotes stay in the token so `user:"a b"` keeps its shape. */
function splitWords(text: string): string[] {
	const words: string[] = [];
	let current = '';
	let isQuoted = false;
	for (const character of text) {
		if (character === '"') {
			isQuoted = !isQuoted;
		} else if (!isQuoted && /\s/.test(character)) {
			if (current !== '') {
				words.push(current);
			}

			current = '';
			continue;
		}

		current += character;
	}

	if (current !== '') {
		words.push(current);
	}

	return words;
}

function unquote(word: string): string {
	return word.replaceAll('"', '');
}

function textTerm(word: string): TextTerm | undefined {
	const text = unquote(word);
	if (text === '') {
		return undefined;
	}

	const isExact = word.includes('"') || /\d/.test(text) || !/\p{L}/u.test(text);
	return {type: 'text', text, mode: isExact ? 'exact' : 'fuzzy', isCaseSensitive: hasUpperCase(text)};
}

function operatorHint(definition: QualifierDefinition): string {
	return definition.operators.includes(':')
		? `${definition.name} takes ':' (${definition.example})`
		: `${definition.name} compares with ${definition.operators.join(' ')} (${definition.example})`;
}

function anyOf<Arguments extends unknown[]>(
	tests: ReadonlyArray<((...arguments_: Arguments) => MatchOutcome) | undefined>,
): ((...arguments_: Arguments) => MatchOutcome) | undefined {
	const present = tests.filter(test => test !== undefined);
	if (present.length === 0) {
		return undefined;
	}

	return (...arguments_) => {
		for (const test of present) {
			const outcome = test(...arguments_);
			if (outcome !== undefined) {
				return outcome;
			}
		}

		return undefined;
	};
}

function compileQualifier(
	definition: QualifierDefinition,
	operator: QualifierOperator,
	rawValue: string,
): QualifierTerm | {readonly hint: string} {
	if (!definition.operators.includes(operator)) {
		return {hint: operatorHint(definition)};
	}

	const value = unquote(rawValue);
	// A trailing comma is where the next alternative is being typed, not a mistake.
	const values = definition.acceptsAlternatives
		? value.split(',').filter(alternative => alternative !== '')
		: (value === '' ? [] : [value]);
	if (values.length === 0) {
		return {hint: `${definition.name} needs a value (${definition.example})`};
	}

	const compiled: QualifierMatchers[] = [];
	for (const alternative of values) {
		const result = definition.compile(alternative, operator);
		if ('hint' in result) {
			return result;
		}

		compiled.push(result);
	}

	const matchSession = anyOf(compiled.map(matchers => matchers.matchSession));
	const matchProcess = anyOf(compiled.map(matchers => matchers.matchProcess));
	return {
		type: 'qualifier',
		name: definition.name,
		operator,
		values,
		...(matchSession === undefined ? {} : {matchSession}),
		...(matchProcess === undefined ? {} : {matchProcess}),
	};
}

export function parseFilterQuery(text: string): FilterQuery {
	const terms: FilterTerm[] = [];
	const hints: string[] = [];
	for (const word of splitWords(text)) {
		const qualifier = qualifierPattern.exec(word);
		if (qualifier !== null) {
			const [, name = '', operator = ':', rawValue = ''] = qualifier;
			const definition = qualifierByName.get(name.toLowerCase());
			if (definition !== undefined) {
				const result = compileQualifier(definition, operator as QualifierOperator, rawValue);
				if ('hint' in result) {
					hints.push(result.hint);
				} else {
					terms.push(result);
				}

				continue;
			}

			// `sshd:` (the start of an sshd process title) is plainly text; `usr:alice` is likely a slip.
			if (rawValue !== '') {
				hints.push(`unknown filter '${name}${operator}' searched as text; filters: ${qualifiers.map(({name}) => name).join(' ')}`);
			}
		}

		const term = textTerm(word);
		if (term !== undefined) {
			terms.push(term);
		}
	}

	const distinctHints = [...new Set(hints)];
	return {terms, hint: distinctHints.length === 0 ? undefined : distinctHints.join('; ')};
}
