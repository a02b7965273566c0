// The action menus and their titles: what each choice sends where, in the operator's words.
import {SIGHUP, SIGTERM, signalEffect, signalMenu} from '../../model/guard/signal-catalogue.js';
import {parentsFirst} from '../../model/report/process-tree.js';
import {describeTarget, formatPeer} from '../../model/guard/target.js';
import {sanitizeText} from '../../model/view/sanitize.js';
import type {Session, SessionReport} from '../../model/types.js';
import {
	type ActionChoice,
	listenerById,
	locateLeftover,
	locateProcess,
	type RowPick,
	sessionById,
} from '../../model/guard/row-plans.js';

export type MenuItem = {
	readonly label: string;
	readonly detail: string;
	readonly choice: ActionChoice | 'enter-signal';
};

export const sessionMenuItems: readonly MenuItem[] = [
	{
		label: 'End session',
		detail: "SIGTERM to the connection's sshd: a clean logout",
		choice: {kind: 'session', action: {kind: 'end'}},
	},
	{label: 'Hang up', detail: 'SIGHUP to the same sshd', choice: {kind: 'session', action: {kind: 'hang-up'}}},
	{label: 'Kill', detail: 'SIGKILL to the user-side sshd', choice: {kind: 'session', action: {kind: 'kill'}}},
	{label: 'Signal…', detail: "any signal by name or number, to the connection's sshd", choice: 'enter-signal'},
];

/** A listener's menu: what stopping or reloading it does to logins and to the sessions it accepted. */
export const listenerMenuItems: readonly MenuItem[] = [
	{
		label: 'Stop listening',
		detail: 'SIGTERM: no new logins; sessions it accepted stay connected',
		choice: {kind: 'process', signal: SIGTERM, withDescendants: false},
	},
	{
		label: 'Reload',
		detail: 'SIGHUP: sshd re-executes itself and re-reads its configuration; sessions stay',
		choice: {kind: 'process', signal: SIGHUP, withDescendants: false},
	},
	{label: 'Other…', detail: 'any signal by name or number', choice: 'enter-signal'},
];

export function processMenuItems(withDescendants: boolean): MenuItem[] {
	return [
		...signalMenu.map(signal => ({
			label: signal.name.replace(/^SIG/u, ''),
			detail: signalEffect(signal),
			choice: {kind: 'process', signal, withDescendants} as const,
		})),
		{label: 'Other…', detail: 'any signal by name or number', choice: 'enter-signal'},
	];
}

function sessionLabel(session: Session): string {
	const peer = formatPeer(session.peer);
	const tty = session.ttys[0] ?? 'no tty';
	return `session ${session.pid}: ${sanitizeText(session.user)} ${tty}${peer === undefined ? '' : ` from ${peer}`}`;
}

function processLabel(process: {
	readonly pid: number;
	readonly argv: readonly string[];
	readonly comm: string;
	readonly user: string;
}): string {
	return `process ${describeTarget({pid: process.pid, command: process.argv.join(' ') || `[${process.comm}]`})} of ${sanitizeText(process.user)}`;
}

function pickLabel(report: SessionReport, pick: RowPick): string {
	switch (pick.kind) {
		case 'session': {
			const session = sessionById(report, pick.id);
			return session === undefined ? 'a session that has ended' : sessionLabel(session);
		}

		case 'process': {
			const found = locateProcess(report, pick.id);
			return found === undefined ? 'a process that has exited' : processLabel(found.node.process);
		}

		case 'listener': {
			const listener = listenerById(report, pick.id);
			return listener === undefined
				? 'a listener that has gone'
				: `the SSH listener ${listener.pid} (port ${listener.ports.join(', ') || '?'})`;
		}

		case 'leftover': {
			const found = locateLeftover(report, pick.id);
			return found === undefined
				? 'a process that has exited'
				: `${processLabel(found.node.process)}, left behind by a logout`;
		}

		case 'leftover-group': {
			const count = (report.leftovers ?? []).reduce((total, leftover) => total + parentsFirst(leftover.tree).length, 0);
			return `every process left behind by a logout (${count})`;
		}
	}
}

export function titleOf(report: SessionReport, picks: readonly RowPick[]): string {
	const [only] = picks;
	if (picks.length === 1 && only !== undefined) {
		return `Act on ${pickLabel(report, only)}`;
	}

	const sessions = picks.filter(pick => pick.kind === 'session').length;
	const processes = picks.length - sessions;
	const parts = [
		sessions === 0 ? '' : `${sessions} session${sessions === 1 ? '' : 's'}`,
		processes === 0 ? '' : `${processes} process${processes === 1 ? '' : 'es'}`,
	].filter(Boolean);
	return `Act on ${picks.length} tagged rows (${parts.join(', ')})`;
}
