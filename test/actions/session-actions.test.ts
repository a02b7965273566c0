// Session actions against real OpenSSH connections to the private test sshd: the plan picks
// the process, the executor signals it, and ps says whether the connection really ended.
import process from 'node:process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {guardContextFrom} from '../../source/model/guard/guard.js';
import {currentOperator} from '../../source/actions/audit-log.js';
import {planSessionAction, type SessionAction} from '../../source/model/guard/plan.js';
import {executePlan} from '../../source/actions/send-signal.js';
import {cleanUpSurvivors} from '../../source/actions/survivors.js';
import {findSurvivors, planSurvivorCleanup, sessionProcesses} from '../../source/model/guard/survivor-plan.js';
import {buildReport} from '../../source/model/report/build-report.js';
import type {Session, SessionReport} from '../../source/model/types.js';
import {readSnapshot} from '../../source/proc/read-snapshot.js';
import type {Snapshot} from '../../source/proc/types.js';
import {connectShell, typeLine, type SshClient} from '../e2e/harness/clients.js';
import {readPs} from '../e2e/harness/ground-truth.js';
import {isRoot, startTestSshd, type TestSshd} from '../e2e/harness/sshd.js';
import {waitFor, waitUntil} from '../e2e/harness/wait-for.js';
import {isGoneByPs, plainContext, psParent, psStat} from '../fixtures/actions/processes.js';

let sshd: TestSshd;
let logDirectory: string;
const clients: SshClient[] = [];

beforeAll(async () => {
	sshd = await startTestSshd();
	logDirectory = mkdtempSync(path.join(tmpdir(), 'sshtop-session-actions-'));
});

afterEach(async () => {
	await Promise.all(clients.splice(0).map(async client => client.stop()));
});

afterAll(async () => {
	await sshd?.stop();
	rmSync(logDirectory, {recursive: true, force: true});
});

type Reading = {readonly snapshot: Snapshot; readonly report: SessionReport; readonly session: Session};

function readSession(sessionPid: number): Reading {
	const snapshot = readSnapshot();
	const report = buildReport(snapshot);
	const session = report.sessions.find(candidate => candidate.pid === sessionPid);
	if (session === undefined) {
		throw new Error(`no session with top sshd ${sessionPid} among ${report.sessions.map(each => each.pid).join(', ')}`);
	}

	return {snapshot, report, session};
}

function act(reading: Reading, action: SessionAction) {
	const planned = planSessionAction(reading.session, action);
	if (!planned.ok) {
		throw new Error(planned.message);
	}

	const report = executePlan(planned.plan, {
		context: guardContextFrom({
			selfPid: process.pid,
			processes: reading.snapshot.processes,
			listeners: reading.report.listeners,
			sessions: reading.report.sessions,
			ownSessionId: reading.report.ownSessionId,
		}),
		operator: currentOperator(),
		auditLogPath: path.join(logDirectory, 'actions.log'),
	});
	return {plan: planned.plan, report};
}

async function waitUntilGone(pid: number, description: string): Promise<void> {
	await waitUntil(async () => isGoneByPs(pid), {description, timeoutMs: 15_000});
}

/** The user-side sshd as ps sees it: the one child of the monitor titled `sshd: USER@…`. */
async function psUserSide(monitorPid: number): Promise<number | undefined> {
	const children = (await readPs()).childrenOf(monitorPid).filter(row => /^sshd(?:-session)?: \S+@/u.test(row.args));
	return children.length === 1 ? children[0]!.pid : undefined;
}

async function shellOf(user: string | undefined, label: string): Promise<SshClient> {
	const client = await connectShell(sshd, {user, label});
	clients.push(client);
	return client;
}

describe.skipIf(!isRoot)('with privilege separation (an unprivileged login)', () => {
	test('End session: SIGTERM to the monitor ends the connection; a nohup job survives and the follow-up ends it', async () => {
		const client = await shellOf(sshd.unprivilegedUser, 'split login to end');
		typeLine(client, 'nohup sleep 611 >/dev/null 2>&1 &');
		const {survivorPid} = await waitFor(
			async () => {
				const {session} = readSession(client.sessionPid);
				const sleep = sessionProcesses(session).find(process => process.argv.join(' ') === 'sleep 611');
				return sleep === undefined ? undefined : {survivorPid: sleep.pid};
			},
			{description: 'the nohup sleep to run in the session'},
		);

		const before = readSession(client.sessionPid);
		const userSide = await psUserSide(client.sessionPid);
		expect(userSide, 'ps shows one user-side sshd under the monitor').toEqual(expect.any(Number));
		expect(before.session.userSidePid).toBe(userSide);
		const {plan, report} = act(before, {kind: 'end'});
		expect(plan.targets.map(target => target.pid)).toEqual([client.sessionPid]);
		expect(report.results.map(result => result.kind)).toEqual(['sent']);

		await waitUntilGone(client.sessionPid, 'the monitor to exit');
		await waitUntilGone(before.session.userSidePid!, 'the user side to exit');
		await waitUntilGone(client.pid, 'the ssh client to notice the end');

		// The job ignored the hang-up and now belongs to PID 1, as ps sees it.
		await waitUntil(async () => (await psParent(survivorPid)) === 1, {description: 'the survivor to be re-parented'});
		const survivors = findSurvivors(sessionProcesses(before.session), readSnapshot().processes);
		expect(survivors.map(process => [process.pid, process.ppid, process.argv.join(' ')])).toEqual([
			[survivorPid, 1, 'sleep 611'],
		]);

		const cleanup = await cleanUpSurvivors(planSurvivorCleanup(survivors, {escalateAfterMs: 3000}), {
			context: plainContext,
			operator: currentOperator(),
			auditLogPath: path.join(logDirectory, 'actions.log'),
		});
		expect(cleanup.first.results.map(result => result.kind)).toEqual(['sent']);
		// This sandbox's PID 1 does not reap, so the ended survivor may linger as a zombie.
		await waitUntilGone(survivorPid, 'the survivor to end');
	});

	test('Kill: SIGKILL to the user side, then the monitor: the connection goes at once', async () => {
		const client = await shellOf(sshd.unprivilegedUser, 'split login to kill');
		const reading = readSession(client.sessionPid);
		const {userSidePid} = reading.session;
		const userSide = await psUserSide(client.sessionPid);
		expect(userSide, 'ps shows one user-side sshd under the monitor').toEqual(expect.any(Number));
		expect(userSidePid).toBe(userSide);
		const {plan, report} = act(reading, {kind: 'kill'});
		expect(plan.signal.name).toBe('SIGKILL');
		expect(plan.targets.map(target => target.pid)).toEqual([userSidePid, client.sessionPid]);
		expect(report.results.map(result => result.kind)).toEqual(['sent', 'sent']);

		await waitUntilGone(userSidePid!, 'the user side to die');
		await waitUntilGone(client.sessionPid, 'the monitor to die');
		await waitUntilGone(client.pid, 'the ssh client to notice the end');
	});
});

describe.skipIf(!isRoot)('a root login without a split', () => {
	test('Kill goes to the one sshd, says so, and drops the connection', async () => {
		const client = await shellOf('root', 'root login to kill');
		const reading = readSession(client.sessionPid);
		expect(reading.session.userSidePid).toBeUndefined();
		const {plan, report} = act(reading, {kind: 'kill'});
		expect(plan.targets.map(target => target.pid)).toEqual([client.sessionPid]);
		expect(plan.description).toMatch(/the session's only sshd/u);
		expect(report.results.map(result => result.kind)).toEqual(['sent']);

		await waitUntilGone(client.sessionPid, 'the sshd to die');
		await waitUntilGone(client.pid, 'the ssh client to notice the end');
	});

	test('Hang up: SIGHUP to the sshd ends the session', async () => {
		const client = await shellOf('root', 'root login to hang up');
		const reading = readSession(client.sessionPid);
		const {report} = act(reading, {kind: 'hang-up'});
		expect(report.results.map(result => [result.target.pid, result.kind])).toEqual([[client.sessionPid, 'sent']]);

		await waitUntilGone(client.sessionPid, 'the sshd to exit');
		await waitUntilGone(client.pid, 'the ssh client to notice the end');
		expect(await psStat(client.sessionPid)).toBeUndefined();
	});
});
