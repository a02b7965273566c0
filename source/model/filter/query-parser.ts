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
import {isOneOf} from '../one-of.js';
import {hasUpperCase, qualifierByName, qualifiers} from './qualifiers.js';
import {
	qualifierOperators,
	type FilterQuery,
	type FilterTerm,
	type MatchOutcome,
	type QualifierDefinition,
	type QualifierMatchers,
	type QualifierOperator,
	type QualifierTerm,
	type TextTerm,
} from './filter-terms.js';

export type {
	FilterQuery,
	FilterTerm,
	HighlightField,
	HighlightRange,
	MatchOutcome,
	QualifierDefinition,
	QualifierMatchers,
	QualifierOperator,
	QualifierTerm,
	TextTerm,
} from './filter-terms.js';
export {qualifiers} from './qualifiers.js';

const qualifierPattern = /^([a-z][a-z-]*)(>=|<=|:|=|>|<)(.*)$/isu;

/** Splits on white space outside double quotes; the quotes stay in the token so `user:"a b"` keeps its shape. */
function splitWords(text: string): string[] {
	const words: string[] = [];
	let current = '';
	let isQuoted = false;
	for (const character of text) {
		if (character === '"') {
			isQuoted = !isQuoted;
		} else if (!isQuoted && /\s/u.test(character)) {
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

	const isExact = word.includes('"') || /\d/u.test(text) || !/\p{L}/u.test(text);
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
		: value === ''
			? []
			: [value];
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
				const result = compileQualifier(definition, isOneOf(qualifierOperators, operator) ? operator : ':', rawValue);
				if ('hint' in result) {
					hints.push(result.hint);
				} else {
					terms.push(result);
				}

				continue;
			}

			// `sshd:` (the start of an sshd process title) is plainly text; `usr:alice` is likely a slip.
			if (rawValue !== '') {
				hints.push(
					`unknown filter '${name}${operator}' searched as text; filters: ${qualifiers.map(({name}) => name).join(' ')}`,
				);
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
