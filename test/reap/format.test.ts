import {describe, expect, test} from 'vitest';
import type {GuardContext} from '../../source/model/guard/guard.js';
import type {TargetResult} from '../../source/model/guard/results.js';
import {type Signal, SIGKILL, SIGTERM} from '../../source/model/guard/signal-catalogue.js';
import {targetFromProcess} from '../../source/model/guard/target.js';
import {planDocument, planLines, resultLines, resultsDocument, type ReapResults} from '../../source/reap/format.js';
import {reapExitCode} from '../../source/app/reap-command.js';
import {planReap, type ReapPlan} from '../../source/reap/select.js';
import {processNode, report, shellSession, takenAt} from '../fixtures/builders.js';

const context: GuardContext = {selfPid: 99_999, selfAncestorIds: [], listeners: [], ownSession: undefined};
const alice = {
	...shellSession(1000, {user: 'alice', idleSeconds: 2520, peer: {address: '10.0.0.5', port: 50_022}}),
	health: {health: 'dead-peer' as const, evidence: [], tcp: undefined},
};
// A user name is whatever the client sent before logging in: it must not reach the terminal raw.
const mallory = shellSession(2000, {user: 'mal\u001B[2Jlory', tty: 'pts/1', idleSeconds: undefined, peer: undefined});
const own = {
	...shellSession(3000, {user: 'alice', tty: 'pts/2', idleSeconds: 0, peer: {address: '198.51.100.1', port: 40_000}}),
	isOwn: true,
};
const fixture = {...report([alice, mallory, own]), ownSessionId: own.id};
const plan: ReapPlan = planReap(fixture, {criteria: {filter: 'kind:shell'}, signal: SIGTERM}, context);

function result(
	kind: 'sent' | 'gone' | 'not-permitted' | 'changed' | 'zombie',
	pid: number,
	signal: Signal = SIGTERM,
): TargetResult {
	const target = targetFromProcess(processNode(pid, `proc ${pid}`).process);
	return kind === 'sent'
		? {kind, target, signal, continued: false, sentence: `Sent to ${pid}.`}
		: kind === 'zombie'
			? {kind, target, signal, parentPid: 1, sentence: `${pid} is a zombie.`}
			: {kind, target, signal, sentence: `${pid}: ${kind}.`};
}

const closed = (sessionId: string) => ({sessionId, outcome: 'closed' as const, sentence: 'the connection is closed.'});

function executed(
	kinds: ReadonlyArray<'sent' | 'gone' | 'not-permitted' | 'changed' | 'zombie'>,
	survivors: readonly TargetResult[] = [],
): ReapResults {
	return {
		takenAt: plan.takenAt,
		outcomes: plan.targets.map((planned, index) => {
			const kind = kinds[index] ?? 'sent';
			return {
				planned,
				results: [result(kind, planned.targets[0]!.pid)],
				survivors: index === 0 ? survivors : [],
				connection: kind === 'sent' ? closed(planned.session.id) : undefined,
			};
		}),
		excluded: plan.excluded,
		graceNote: undefined,
	};
}

describe('the dry run as text', () => {
	const lines = planLines(plan);

	test('one line per session: pid, user, peer, idle, health, signal and target pid', () => {
		expect(lines[0]).toBe(
			'would reap session 1000 alice from 10.0.0.5:50022 idle 42m health dead-peer: SIGTERM to pid 1000',
		);
	});

	test('what a client chose is made terminal-safe; unknown values show as ?', () => {
		expect(lines[1]).toBe('would reap session 2000 mal^[[2Jlory from ? idle ? health unknown: SIGTERM to pid 2000');
	});

	test('excluded sessions say why; the summary says nothing was sent', () => {
		expect(lines[2]).toBe(
			'excluded session 3000 alice from 198.51.100.1:40000 idle 0s health unknown: own-session: sshtop runs in this session: reaping it would disconnect you.',
		);
		expect(lines.at(-1)).toBe('Dry run: 2 sessions would be reaped, 1 excluded; nothing was sent. Add --yes to do it.');
	});

	test('no match says so', () => {
		expect(planLines({takenAt, targets: [], excluded: []})).toEqual(['Dry run: no session matches; nothing to do.']);
	});
});

describe('the --json documents', () => {
	test('a dry run: targets without results, exclusions with reasons', () => {
		expect(planDocument(plan)).toEqual({
			schemaVersion: 1,
			mode: 'dry-run',
			targets: [
				{
					sessionId: alice.id,
					pid: 1000,
					user: 'alice',
					peer: {address: '10.0.0.5', port: 50_022},
					idleSeconds: 2520,
					health: 'dead-peer',
					signal: 'SIGTERM',
					targetPid: 1000,
					targetPids: [1000],
					message: 'Would send SIGTERM to 1000 (sshd: alice [priv]).',
				},
				{
					sessionId: mallory.id,
					pid: 2000,
					user: 'mal\u001B[2Jlory',
					peer: null,
					idleSeconds: null,
					health: 'unknown',
					signal: 'SIGTERM',
					targetPid: 2000,
					targetPids: [2000],
					message: 'Would send SIGTERM to 2000 (sshd: mal^[[2Jlory [priv]).',
				},
			],
			excluded: [
				{
					sessionId: own.id,
					pid: 3000,
					reason: 'own-session',
					message: 'sshtop runs in this session: reaping it would disconnect you.',
				},
			],
		});
	});

	test('executed: each target with its result, and its survivors', () => {
		const document = resultsDocument(executed(['sent', 'gone'], [result('sent', 1010, SIGKILL)]));
		expect(document.mode).toBe('executed');
		expect(document.targets.map(target => [target.pid, target.result, target.message, target.connection])).toEqual([
			[1000, 'sent', 'Sent to 1000. the connection is closed.', 'closed'],
			[2000, 'gone', '2000: gone.', null],
		]);
		expect(document.targets[0]?.results).toEqual([
			{pid: 1000, command: 'proc 1000', signal: 'SIGTERM', result: 'sent', message: 'Sent to 1000.'},
		]);
		expect(document.targets[0]?.survivors).toEqual([
			{pid: 1010, command: 'proc 1010', signal: 'SIGKILL', result: 'sent', message: 'Sent to 1010.'},
		]);
		expect(document.targets[1]?.survivors).toEqual([]);
	});
});

describe('the results as text', () => {
	test('one line per session with whether its connection closed, each signal and survivor below it, then a tally', () => {
		const lines = resultLines({
			...executed(['sent', 'not-permitted'], [result('sent', 1010, SIGKILL)]),
			graceNote: '1 process still running after 2s got SIGKILL.',
		});
		expect(lines[0]).toBe(
			'reap session 1000 alice from 10.0.0.5:50022 idle 42m health dead-peer: SIGTERM to pid 1000: connection closed',
		);
		expect(lines[1]).toBe('  SIGTERM to 1000 (proc 1000): sent: Sent to 1000.');
		expect(lines[2]).toBe('  survivor 1010 (proc 1010): SIGKILL: sent: Sent to 1010.');
		expect(lines[3]).toMatch(/^reap session 2000 .*: SIGTERM to pid 2000: not permitted$/u);
		expect(lines.slice(-2)).toEqual([
			'1 process still running after 2s got SIGKILL.',
			'Reaped 2 sessions (1 closed), 1 excluded.',
		]);
	});
});

describe('the exit code', () => {
	test.each<[string, ReapResults, 0 | 1]>([
		['every session signalled', executed(['sent', 'sent']), 0],
		['one had already exited', executed(['sent', 'gone']), 0],
		['one not permitted', executed(['sent', 'not-permitted']), 1],
		['one pid reused', executed(['changed', 'sent']), 1],
		['one a zombie', executed(['zombie', 'sent']), 1],
		['a survivor could not be killed', executed(['sent', 'sent'], [result('not-permitted', 1010)]), 1],
		['a survivor exited (zombie) before SIGKILL', executed(['sent', 'sent'], [result('zombie', 1010)]), 0],
		[
			'own session excluded: that is the rule, not a failure',
			{takenAt, outcomes: [], excluded: plan.excluded, graceNote: undefined},
			0,
		],
		[
			'a connection still open after the signal and the grace',
			{
				...executed(['sent', 'sent']),
				outcomes: executed(['sent', 'sent']).outcomes.map(outcome => ({
					...outcome,
					connection: {
						sessionId: outcome.planned.session.id,
						outcome: 'still-connected' as const,
						sentence: 'still connected.',
					},
				})),
			},
			1,
		],
		[
			'a session refused by the guard',
			{
				takenAt,
				outcomes: [],
				excluded: [{session: alice, reason: 'refused', message: 'Refused.'}],
				graceNote: undefined,
			},
			1,
		],
		['nothing matched', {takenAt, outcomes: [], excluded: [], graceNote: undefined}, 0],
	])('%s: %d', (_name, results, code) => {
		expect(reapExitCode(results)).toBe(code);
	});
});
