// A chain of ssh hops into the same box: laptop → A (outer) → B (inner, where sshtop runs) → C.
import {describe, expect, it} from 'vitest';
import {assessTargets, guardContextFrom} from '../../../source/model/guard/guard.js';
import {SIGTERM} from '../../../source/model/guard/signal-catalogue.js';
import {targetFromProcess} from '../../../source/model/guard/target.js';
import {toJsonDocument} from '../../../source/model/view/json-document.js';
import {renderPlainText} from '../../../source/model/view/plain-text.js';
import {flattenTree} from '../../../source/model/report/process-tree.js';
import {flattenReport} from '../../../source/model/view/rows.js';
import {jsonSessions, viewReport} from '../../../source/model/view/session-view.js';
import {buildReport} from '../../../source/model/report/build-report.js';
import {defaultSortKey} from '../../../source/model/view/sort.js';
import type {Session} from '../../../source/model/types.js';
import {fakeSnapshot, listenerProcess, listening, processRecord, pts, socket, sshd} from '../../fixtures/builders.js';

const loopback = (port: number) => ({address: '127.0.0.1', port});
const shell = (pid: number, ppid: number, tty: number, uid = 0) =>
	processRecord({
		pid,
		ppid,
		uid,
		argv: ['-bash'],
		processGroup: pid,
		sessionId: pid,
		foregroundProcessGroup: pid + 1,
		...pts(tty),
	});
const client = (pid: number, ppid: number, tty: number, inode: number, uid = 0) =>
	processRecord({
		pid,
		ppid,
		uid,
		argv: ['ssh', '-p', '22', 'localhost'],
		comm: 'ssh',
		processGroup: pid,
		foregroundProcessGroup: pid,
		socketInodes: [inode],
		...pts(tty),
	});

const processes = [
	listenerProcess(100, 9000),
	// A: from a laptop, root's pty session; its shell runs the ssh client into B.
	sshd({pid: 200, ppid: 100, title: 'sshd: root [priv]', socketInodes: [9001]}),
	sshd({pid: 201, ppid: 200, title: 'sshd: root@pts/0', socketInodes: [9001]}),
	shell(202, 201, 0),
	client(203, 202, 0, 9012),
	// B: alice, opened from A; sshtop runs in it, and so does the ssh client into C.
	sshd({pid: 300, ppid: 100, title: 'sshd: alice [priv]', socketInodes: [9002]}),
	sshd({pid: 301, ppid: 300, uid: 1000, title: 'sshd: alice@pts/1', socketInodes: [9002]}),
	shell(302, 301, 1, 1000),
	processRecord({pid: 305, ppid: 302, uid: 1000, argv: ['node', 'sshtop'], ...pts(1)}),
	client(306, 302, 1, 9023, 1000),
	// C: bob, opened from B.
	sshd({pid: 400, ppid: 100, title: 'sshd: bob [priv]', socketInodes: [9003]}),
	sshd({pid: 401, ppid: 400, uid: 1001, title: 'sshd: bob@pts/2', socketInodes: [9003]}),
	shell(402, 401, 2, 1001),
	// D: someone else entirely.
	sshd({pid: 500, ppid: 100, title: 'sshd: carol [priv]', socketInodes: [9004]}),
	sshd({pid: 501, ppid: 500, uid: 1002, title: 'sshd: carol@pts/3', socketInodes: [9004]}),
];
const report = buildReport(
	fakeSnapshot({
		selfPid: 305,
		processes,
		sockets: [
			listening(9000, 22, '127.0.0.1'),
			socket(9001, loopback(22), {address: '192.0.2.7', port: 50_001}),
			socket(9002, loopback(22), loopback(40_002)),
			socket(9012, loopback(40_002), loopback(22)),
			socket(9003, loopback(22), loopback(40_003)),
			socket(9023, loopback(40_003), loopback(22)),
			socket(9004, loopback(22), {address: '192.0.2.8', port: 50_004}),
		],
	}),
);

function only(pid: number): Session {
	const found = report.sessions.find(session => session.pid === pid);
	expect(found).toBeDefined();
	return found!;
}

describe('a chain of ssh hops into this box', () => {
	it("knows each hop's outer session, the client that opened it, and its depth", () => {
		expect(only(200)).toMatchObject({nestedIn: undefined, depth: 0, hasNested: true});
		expect(only(300)).toMatchObject({nestedIn: only(200).id, nestedClientPid: 203, depth: 1, hasNested: true});
		expect(only(400)).toMatchObject({nestedIn: only(300).id, nestedClientPid: 306, depth: 2, hasNested: false});
		expect(only(500)).toMatchObject({nestedIn: undefined, depth: 0, hasNested: false});
	});

	it("marks sshtop's session and every session it was opened from as the operator's, not the one opened from it", () => {
		expect(report.ownSessionId).toBe(only(300).id);
		expect([200, 300, 400, 500].map(pid => [only(pid).isOwn, only(pid).isOwnChain])).toEqual([
			[false, true],
			[true, true],
			[false, false],
			[false, false],
		]);
	});

	it('draws each nested session beneath the ssh client that opened it, so the chain reads top-down', () => {
		const {rows} = flattenReport(report, {policy: 'all', overrides: new Map()});
		const shown = rows.map(
			row =>
				`${'  '.repeat(row.depth)}${row.kind === 'session' ? `session ${row.session.pid}` : row.kind === 'process' ? row.process.pid : row.kind}`,
		);
		expect(shown).toEqual([
			'listener',
			'  session 200',
			'    201',
			'      202',
			'        203',
			'          session 300',
			'            301',
			'              302',
			'                305',
			'                306',
			'                  session 400',
			'                    401',
			'                      402',
			'  session 500',
			'    501',
		]);
	});

	it('opens the client row of a nested session by default', () => {
		const {rows} = flattenReport(report);
		expect(rows.find(row => row.kind === 'process' && row.process.pid === 203)).toMatchObject({
			hasChildren: true,
			isExpanded: true,
		});
	});

	it("the plain tree shows the chain in the same order, the operator's hops marked", () => {
		const lines = renderPlainText(report, {color: false}).split('\n');
		const order = [
			'sshd: root@pts/0',
			'  203 ',
			'sshd: alice@pts/1',
			'  306 ',
			'sshd: bob@pts/2',
			'sshd: carol@pts/3',
		].map(text => lines.findIndex(line => line.includes(text)));
		expect(order.every((index, position) => index > (order[position - 1] ?? -1))).toBe(true);
		expect(lines.find(line => line.includes('[your outer hop]'))).toMatch(/\*root/u);
	});

	it('filtering for the innermost hop keeps the hops above it as context, pruned to their clients', () => {
		const view = viewReport(report, {query: 'user:bob', sortKey: defaultSortKey, reverse: false});
		expect(view.report.sessions.map(session => session.pid).sort()).toEqual([200, 300, 400]);
		expect(view.filter.sessionMarks.get(only(200).id)).toBe('context');
		const outer = view.report.sessions.find(session => session.pid === 200)!;
		expect(flattenTree(outer.tree).map(process => process.pid)).toEqual([200, 201, 202, 203]);
		// --json lists what the filter selected, not the context.
		expect(
			jsonSessions(report, {query: 'user:bob', sortKey: defaultSortKey, reverse: false}).map(session => session.pid),
		).toEqual([400]);
	});

	it('chain: selects nested, outer, single and own hops', () => {
		const pidsFor = (query: string) =>
			viewReport(report, {query, sortKey: defaultSortKey, reverse: false})
				.report.sessions.filter(
					session =>
						!viewReport(report, {query, sortKey: defaultSortKey, reverse: false}).filter.chainIds?.has(session.id),
				)
				.map(session => session.pid)
				.sort();
		expect(pidsFor('chain:nested')).toEqual([300, 400]);
		expect(pidsFor('chain:outer')).toEqual([200, 300]);
		expect(pidsFor('chain:single')).toEqual([500]);
		expect(pidsFor('chain:own')).toEqual([200, 300]);
	});

	it('--json carries nestedIn, the client pid, the depth and the chain marks', () => {
		const inner = toJsonDocument(report).sessions.find(session => session.pid === 400);
		expect(inner).toMatchObject({
			nestedIn: only(300).id,
			nestedClientPid: 306,
			depth: 2,
			isOwn: false,
			isOwnChain: false,
		});
	});
});

describe('the guard, inside the middle hop', () => {
	const context = guardContextFrom({
		selfPid: 305,
		processes,
		listeners: report.listeners,
		sessions: report.sessions,
		ownSessionId: report.ownSessionId,
	});
	const target = (pid: number) => targetFromProcess(processes.find(process => process.pid === pid)!);

	it("asks the second confirmation for every hop of the operator's chain, naming it", () => {
		const [outerMonitor, outerUserSide, outerClient] = assessTargets(
			[target(200), target(201), target(203)],
			SIGTERM,
			context,
		);
		for (const assessment of [outerMonitor, outerUserSide, outerClient]) {
			expect(assessment).toMatchObject({kind: 'needs-confirmation', confirmation: 'own-session'});
		}

		expect(outerMonitor?.kind === 'needs-confirmation' && outerMonitor.message).toMatch(
			/session YOUR session was opened from \(one hop out, from 192\.0\.2\.7:50001\): ending it disconnects you/u,
		);
		expect(outerClient?.kind === 'needs-confirmation' && outerClient.message).toMatch(
			/This ssh client carries YOUR session/u,
		);
	});

	it("the session opened from the operator's, and its client, are ordinary targets", () => {
		expect(assessTargets([target(400), target(306)], SIGTERM, context).map(assessment => assessment.kind)).toEqual([
			'allowed',
			'allowed',
		]);
	});
});
