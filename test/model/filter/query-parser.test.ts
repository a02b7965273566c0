import {describe, expect, test} from 'vitest';
import {parseDuration} from '../../../source/model/view/duration.js';
import {parseFilterQuery, qualifiers, type FilterTerm} from '../../../source/model/filter/query-parser.js';
import type {SessionHealth} from '../../../source/model/report/health.js';
import type {Session} from '../../../source/model/types.js';
import {processNode, session, takenAt} from '../../fixtures/builders.js';

function describeTerms(terms: readonly FilterTerm[]) {
	return terms.map(term =>
		term.type === 'text'
			? {type: term.type, text: term.text, mode: term.mode, isCaseSensitive: term.isCaseSensitive}
			: {type: term.type, name: term.name, operator: term.operator, values: term.values},
	);
}

describe('durations', () => {
	test.each([
		['45', 45],
		['0', 0],
		['30s', 30],
		['10m', 600],
		['2h', 7200],
		['1d', 86_400],
		['1.5h', 5400],
		['1h30m', 5400],
		['2D', 172_800],
	])('%s is %d seconds', (text, seconds) => {
		expect(parseDuration(text)).toBe(seconds);
	});

	test.each(['', 'abc', '10x', 'm', '5m3', '-5m', '1..5h', '10 m'])('%j is not a duration', text => {
		expect(parseDuration(text)).toBeUndefined();
	});
});

describe('the filter line', () => {
	test('an empty or blank query has no terms and no hint', () => {
		expect(parseFilterQuery('')).toEqual({terms: [], hint: undefined});
		expect(parseFilterQuery('   \t ')).toEqual({terms: [], hint: undefined});
	});

	test('words are fuzzy text, matched without case while in lower case', () => {
		expect(describeTerms(parseFilterQuery('vim  notes').terms)).toEqual([
			{type: 'text', text: 'vim', mode: 'fuzzy', isCaseSensitive: false},
			{type: 'text', text: 'notes', mode: 'fuzzy', isCaseSensitive: false},
		]);
	});

	test('smart-case is decided per word', () => {
		expect(describeTerms(parseFilterQuery('alice README').terms)).toEqual([
			{type: 'text', text: 'alice', mode: 'fuzzy', isCaseSensitive: false},
			{type: 'text', text: 'README', mode: 'fuzzy', isCaseSensitive: true},
		]);
	});

	test('numbers, addresses and quoted text must match exactly', () => {
		expect(describeTerms(parseFilterQuery('1234 10.0.0.5 :22 "make -j4"').terms)).toEqual([
			{type: 'text', text: '1234', mode: 'exact', isCaseSensitive: false},
			{type: 'text', text: '10.0.0.5', mode: 'exact', isCaseSensitive: false},
			{type: 'text', text: ':22', mode: 'exact', isCaseSensitive: false},
			{type: 'text', text: 'make -j4', mode: 'exact', isCaseSensitive: false},
		]);
	});

	test('an unterminated quote runs to the end of the line, as while it is being typed', () => {
		expect(describeTerms(parseFilterQuery('"make -j').terms)).toEqual([
			{type: 'text', text: 'make -j', mode: 'exact', isCaseSensitive: false},
		]);
		expect(parseFilterQuery('"').terms).toEqual([]);
	});

	test('qualifiers are recognised by name, in any case, with their operator and values', () => {
		expect(
			describeTerms(parseFilterQuery('user:alice FROM:10.0. tty:pts/3 pid:1234 kind:notty idle>=1h').terms),
		).toEqual([
			{type: 'qualifier', name: 'user', operator: ':', values: ['alice']},
			{type: 'qualifier', name: 'from', operator: ':', values: ['10.0.']},
			{type: 'qualifier', name: 'tty', operator: ':', values: ['pts/3']},
			{type: 'qualifier', name: 'pid', operator: ':', values: ['1234']},
			{type: 'qualifier', name: 'kind', operator: ':', values: ['notty']},
			{type: 'qualifier', name: 'idle', operator: '>=', values: ['1h']},
		]);
	});

	test('a quoted value may hold spaces', () => {
		expect(describeTerms(parseFilterQuery('user:"a b" vim').terms)).toEqual([
			{type: 'qualifier', name: 'user', operator: ':', values: ['a b']},
			{type: 'text', text: 'vim', mode: 'fuzzy', isCaseSensitive: false},
		]);
	});

	test('commas list alternatives; a trailing comma is the next one being typed', () => {
		expect(describeTerms(parseFilterQuery('kind:sftp,forward user:alice,').terms)).toEqual([
			{type: 'qualifier', name: 'kind', operator: ':', values: ['sftp', 'forward']},
			{type: 'qualifier', name: 'user', operator: ':', values: ['alice']},
		]);
	});

	test('every idle comparison operator is accepted', () => {
		for (const operator of ['>', '>=', '<', '<=']) {
			const {terms, hint} = parseFilterQuery(`idle${operator}30m`);
			expect(hint).toBeUndefined();
			expect(describeTerms(terms)).toEqual([{type: 'qualifier', name: 'idle', operator, values: ['30m']}]);
		}
	});

	test('`sshd:` as in a process title is text, not an unknown qualifier', () => {
		const {terms, hint} = parseFilterQuery('sshd:');
		expect(hint).toBeUndefined();
		expect(describeTerms(terms)).toEqual([{type: 'text', text: 'sshd:', mode: 'fuzzy', isCaseSensitive: false}]);
	});

	test('every qualifier in the table has a name, an example that parses, and a description', () => {
		for (const definition of qualifiers) {
			expect(definition.name).toMatch(/^[a-z][a-z-]*$/u);
			expect(definition.description.length).toBeGreaterThan(0);
			const {terms, hint} = parseFilterQuery(definition.example);
			expect(hint, definition.example).toBeUndefined();
			expect(describeTerms(terms)).toMatchObject([{type: 'qualifier', name: definition.name}]);
		}
	});
});

describe('malformed qualifiers give a hint, never an exception, and the rest still applies', () => {
	test.each([
		['idle>abc', /idle: 'abc' is not a duration/u],
		['pid:x', /pid: 'x' is not a process id/u],
		['kind:foo', /kind: 'foo' is not one of shell, command, sftp, forward, preauth, pty, notty/u],
		['from:bastion', /from: 'bastion' is not an address/u],
		['from::99999', /from: 9{5} is not a port/u],
		['user:', /user needs a value \(user:alice\)/u],
		['idle>', /idle needs a value/u],
		['user>alice', /user takes ':' \(user:alice\)/u],
		['idle:5m', /idle compares with > >= < <= \(idle>30m\)/u],
		['idle=5m', /idle compares with/u],
		['health:zombie', /health: 'zombie' is not one of ok, stalled, dead-peer, unknown/u],
		['health>ok', /health takes ':' \(health:dead-peer\)/u],
	])('%s is left out with a hint', (text, hint) => {
		const parsed = parseFilterQuery(`${text} vim`);
		expect(parsed.hint).toMatch(hint);
		expect(describeTerms(parsed.terms)).toEqual([{type: 'text', text: 'vim', mode: 'fuzzy', isCaseSensitive: false}]);
	});

	test('an unknown qualifier is searched as text, and the hint names the known ones', () => {
		const {terms, hint} = parseFilterQuery('unknownfield:x');
		expect(hint).toBe(
			"unknown filter 'unknownfield:' searched as text; filters: user from tty pid key auth fwd kind idle health port chain",
		);
		expect(describeTerms(terms)).toEqual([
			{type: 'text', text: 'unknownfield:x', mode: 'fuzzy', isCaseSensitive: false},
		]);
	});

	test('several hints are joined, each once', () => {
		expect(parseFilterQuery('pid:x idle>abc pid:x').hint).toBe(
			"pid: 'x' is not a process id; idle: 'abc' is not a duration (30s, 10m, 2h, 1d)",
		);
	});

	test.each([
		'"',
		':',
		'::',
		'>',
		'>=<',
		'user:"',
		'from:[',
		'from:]',
		'idle>>5m',
		'pid:-1',
		'tty:',
		'🙂',
		'\\',
		'(',
		'*',
		'a'.repeat(200),
		'kind:,,,',
	])('%j does not throw', text => {
		expect(() => parseFilterQuery(text)).not.toThrow();
	});
});

describe("health: matches the connection's health verdict", () => {
	function sessionWith(health: SessionHealth | undefined): Session {
		const built = session(processNode(500, 'sshd: alice [priv]'));
		return health === undefined ? built : {...built, health: {health, evidence: [], tcp: undefined}};
	}

	function matches(query: string, session: Session): boolean {
		const {terms, hint} = parseFilterQuery(query);
		expect(hint).toBeUndefined();
		const [term] = terms;
		if (term?.type !== 'qualifier' || term.matchSession === undefined) {
			throw new Error(`${query} did not compile to a session qualifier`);
		}

		return term.matchSession(session, takenAt) !== undefined;
	}

	test.each([
		['health:dead-peer', 'dead-peer', true],
		['health:dead-peer', 'stalled', false],
		['health:dead-peer', 'ok', false],
		['health:stalled,dead-peer', 'stalled', true],
		['health:stalled,dead-peer', 'dead-peer', true],
		['health:stalled,dead-peer', 'ok', false],
		['health:ok', 'ok', true],
		['health:DEAD-PEER', 'dead-peer', true],
		['health:unknown', 'unknown', true],
	] as const)('%s on a %s session: %s', (query, health, expected) => {
		expect(matches(query, sessionWith(health))).toBe(expected);
	});

	test('a session without a health reading counts as unknown', () => {
		expect(matches('health:unknown', sessionWith(undefined))).toBe(true);
		expect(matches('health:ok', sessionWith(undefined))).toBe(false);
	});

	test('it is one qualifier with its values, alongside text', () => {
		expect(describeTerms(parseFilterQuery('health:dead-peer alice').terms)).toEqual([
			{type: 'qualifier', name: 'health', operator: ':', values: ['dead-peer']},
			{type: 'text', text: 'alice', mode: 'fuzzy', isCaseSensitive: false},
		]);
	});
});
