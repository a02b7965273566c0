// After a session action: is the connection really gone? Never "ended" on hope.
import {setTimeout as delay} from 'node:timers/promises';
import {formatEndpoint} from '../model/view/format.js';
import {sanitizeText} from '../model/view/sanitize.js';
import type {ConnectionCheck} from '../model/guard/results.js';
import type {Session} from '../model/types.js';
import type {TcpSocket} from '../proc/types.js';
import {readTcpSockets} from '../proc/read-snapshot.js';
import {type ActionTarget, targetFromProcess} from '../model/guard/target.js';
import {findInTree} from '../model/report/process-tree.js';
import {isStillRunning} from './survivors.js';

export type ConnectionProbe = {
	/** The kernel's TCP sockets now. */
	readonly readSockets: () => readonly TcpSocket[];
	/** Whether a process (pid + start time) still runs. */
	readonly isRunning: (target: Pick<ActionTarget, 'pid' | 'startTicks'>) => boolean;
};

export const liveProbe: ConnectionProbe = {
	readSockets: () => readTcpSockets('/proc'),
	isRunning: isStillRunning,
};

/** The session's sshd processes: while one of them runs, it may hold the connection. */
function holdersOf(session: Session): ActionTarget[] {
	return [session.monitorPid, session.userSidePid]
		.map(pid => (pid === undefined ? undefined : findInTree(session.tree, pid)))
		.filter(process => process !== undefined)
		.map(process => targetFromProcess(process));
}

/**
Whether the connection is still there: a socket with its two ends that a process still holds
(a socket whose holders all exited has inode 0 while the kernel finishes closing it). Without
known ends (a normal user cannot read the sockets), while one of its sshd processes runs.
*/
export function isConnected(
	session: Session,
	sockets: readonly TcpSocket[] | undefined,
	probe: ConnectionProbe,
): boolean {
	const {peer, local} = session;
	if (peer !== undefined && local !== undefined && sockets !== undefined) {
		return sockets.some(
			socket =>
				socket.state !== 'LISTEN' &&
				socket.inode !== 0 &&
				socket.local.address === local.address &&
				socket.local.port === local.port &&
				socket.remote.address === peer.address &&
				socket.remote.port === peer.port,
		);
	}

	return holdersOf(session).some(holder => probe.isRunning(holder));
}

function label(session: Session): string {
	const from = session.peer === undefined ? '' : ` from ${formatEndpoint(session.peer)}`;
	return `${sanitizeText(session.user)}'s session ${session.pid}${from}`;
}

/** Polls until every session's connection is gone or `timeoutMs` passed; one check per session. */
export async function awaitConnectionsClosed(
	sessions: readonly Session[],
	options: {readonly timeoutMs: number; readonly pollMs?: number; readonly probe?: ConnectionProbe},
): Promise<ConnectionCheck[]> {
	const probe = options.probe ?? liveProbe;
	const deadline = Date.now() + options.timeoutMs;
	let open = sessions;
	for (;;) {
		const sockets = open.some(session => session.peer !== undefined) ? probe.readSockets() : undefined;
		open = open.filter(session => isConnected(session, sockets, probe));
		if (open.length === 0 || Date.now() >= deadline) {
			break;
		}

		// eslint-disable-next-line no-await-in-loop
		await delay(Math.min(options.pollMs ?? 100, Math.max(0, deadline - Date.now())));
	}

	const seconds = Math.round(options.timeoutMs / 100) / 10;
	return sessions.map(session =>
		open.includes(session)
			? {
					sessionId: session.id,
					outcome: 'still-connected',
					sentence: `${label(session)} is still connected ${seconds} s later.`,
				}
			: {sessionId: session.id, outcome: 'closed', sentence: `${label(session)}: the connection is closed.`},
	);
}
