// The pure part of explorer actions: from picked rows to a plan and the guard's context.
import {describe, expect, test} from 'vitest';
import {helpText, parseCli} from '../../../source/cli-options.js';
import {guardContextFromReport, planChoice} from '../../../source/model/guard/row-plans.js';
import {createActionsState, pruneTags, runActionCommand} from '../../../source/ui/state/action-state.js';
import {SIGKILL, SIGTERM} from '../../../source/model/guard/signal-catalogue.js';
import {processId} from '../../../source/model/types.js';
import {child, report, shellSession} from '../../fixtures/builders.js';

const own = shellSession(1000, {user: 'alice', isOwn: true, shellChildren: [child(1003, 1002, ['node', 'sshtop'])]});
const bob = shellSession(2000, {user: 'bob', tty: 'pts/1', shellChildren: [child(2003, 2002, ['sleep', '600'])]});
const fixture = report([own, bob]);

describe('the guard context from a report', () => {
	test("sshtop's ancestors are its shell and its session's sshds, nearest first", () => {
		const context = guardContextFromReport(fixture, 1003);
		expect(context.selfPid).toBe(1003);
		expect(context.selfAncestorIds).toEqual(['1002:10020', '1001:10010', '1000:10000']);
		expect(context.ownSession?.sshdIds).toEqual(['1000:10000', '1001:10010']);
		expect(context.listeners.map(listener => listener.pid)).toEqual([800]);
	});

	test('outside any session sshtop has no ancestors among the targets', () => {
		expect(guardContextFromReport(report([bob]), 4242).selfAncestorIds).toEqual([]);
	});
});

describe('planning a choice', () => {
	test('End on two sessions: SIGTERM to each monitor, and both are watched for survivors', () => {
		const planned = planChoice(
			fixture,
			[
				{kind: 'session', id: own.id},
				{kind: 'session', id: bob.id},
			],
			{kind: 'session', action: {kind: 'end'}},
		);
		expect(planned.ok && planned.plan.targets.map(target => target.pid)).toEqual([1000, 2000]);
		expect(planned.ok && planned.plan.signal).toBe(SIGTERM);
		expect(planned.ok && planned.endedSessions.map(session => session.id)).toEqual([own.id, bob.id]);
	});

	test('a mixed tag set gets one signal: a session stands for the processes that end its connection', () => {
		const planned = planChoice(
			fixture,
			[
				{kind: 'session', id: bob.id},
				{kind: 'process', id: '1003:10030'},
			],
			{kind: 'session', action: {kind: 'kill'}},
		);
		expect(planned.ok && planned.plan.action).toBe('signal');
		expect(planned.ok && planned.plan.signal).toBe(SIGKILL);
		// SIGKILL: the user side, then the monitor; never the monitor alone, which would orphan the connection.
		expect(planned.ok && planned.plan.targets.map(target => target.pid)).toEqual([2001, 2000, 1003]);
		expect(planned.ok && planned.endedSessions.map(session => session.id)).toEqual([bob.id]);
		expect(planned.ok && planned.warnings).toEqual([]);
		const term = planChoice(
			fixture,
			[
				{kind: 'session', id: bob.id},
				{kind: 'process', id: '1003:10030'},
			],
			{kind: 'session', action: {kind: 'end'}},
		);
		expect(term.ok && term.plan.targets.map(target => target.pid)).toEqual([2000, 1003]);
	});

	test('SIGKILL to a monitor without its user side (chosen as a process) warns that the connection is orphaned', () => {
		const monitorOnly = planChoice(fixture, [{kind: 'process', id: bob.id}], {
			kind: 'process',
			signal: SIGKILL,
			withDescendants: false,
		});
		expect(monitorOnly.ok && monitorOnly.plan.targets.map(target => target.pid)).toEqual([2000]);
		expect(monitorOnly.ok && monitorOnly.warnings).toEqual([
			'SIGKILL to the monitor 2000 alone orphans the connection: its user-side sshd 2001 keeps it open. Kill on the session row ends it.',
		]);
		// With its user side too, nothing is orphaned.
		const both = planChoice(
			fixture,
			[
				{kind: 'process', id: bob.id},
				{kind: 'process', id: '2001:20010'},
			],
			{kind: 'process', signal: SIGKILL, withDescendants: false},
		);
		expect(both.ok && both.warnings).toEqual([]);
	});

	test('rows gone since the last refresh are left out, and all gone is a message', () => {
		const planned = planChoice(fixture, [{kind: 'process', id: '9999:1'}], {
			kind: 'process',
			signal: SIGTERM,
			withDescendants: false,
		});
		expect(planned).toEqual({
			ok: false,
			message: 'The chosen row has gone since the last refresh; nothing was planned for it.',
		});
	});
});

describe('tags and keys in the action state', () => {
	test('tags are pruned by identity: a reused pid with another start time is not the tagged row', () => {
		let actions = runActionCommand(createActionsState(), 'toggle-tag', fixture, {kind: 'process', id: '2003:20030'});
		expect(actions.tags).toHaveLength(1);
		actions = pruneTags(actions, report([own, bob]));
		expect(actions.tags).toHaveLength(1);
		const reused = shellSession(2000, {
			user: 'bob',
			tty: 'pts/1',
			shellChildren: [child(2003, 2002, ['sleep', '600'], {startTicks: 77})],
		});
		expect(processId(reused.tree.children[0]!.children[0]!.children[0]!.process)).toBe('2003:77');
		expect(pruneTags(actions, report([own, reused])).tags).toEqual([]);
	});

	test('read-only: an action key opens nothing and says why', () => {
		const actions = runActionCommand(createActionsState({isReadOnly: true}), 'quick-kill', fixture, {
			kind: 'session',
			id: bob.id,
		});
		expect(actions.dialog).toBeUndefined();
		expect(actions.status).toContain('Read-only');
	});

	test('with nothing selected an action key explains instead of acting', () => {
		const actions = runActionCommand(createActionsState(), 'open-actions', fixture, undefined);
		expect(actions.dialog).toBeUndefined();
		expect(actions.status).toContain('Select a row to act on first');
	});
});

describe('the action flags', () => {
	test('--read-only and --audit-log PATH are read; default is read-write with the default log', () => {
		expect(parseCli([])).toMatchObject({options: {isReadOnly: false, auditLogPath: undefined}});
		expect(parseCli(['--read-only', '--audit-log', '/tmp/a.log'])).toMatchObject({
			options: {isReadOnly: true, auditLogPath: '/tmp/a.log'},
		});
		expect(parseCli(['--audit-log', ''])).toEqual({error: '--audit-log takes a file path, not an empty string'});
		expect(parseCli(['--audit-log'])).toHaveProperty('error');
	});

	test('--help names both, with an example each', () => {
		const help = helpText('1.0.0');
		expect(help).toContain('--read-only');
		expect(help).toContain('e.g. sshtop --read-only');
		expect(help).toContain('--audit-log PATH');
		expect(help).toContain('e.g. sshtop --audit-log /tmp/sshtop-actions.log');
	});
});
