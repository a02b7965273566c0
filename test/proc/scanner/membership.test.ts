import {describe, expect, it} from 'vitest';
import type {EnvironmentReading} from '../../../source/proc/scanner/environments.js';
import {isMembershipUnchanged, membershipOf} from '../../../source/proc/scanner/membership.js';

const link = (pid: number, ppid: number, comm: string) => ({pid, ppid, comm});

describe('which processes a scan watches', () => {
	const links = [
		link(1, 0, 'systemd'),
		link(100, 1, 'sshd'),
		link(200, 100, 'sshd'),
		link(210, 200, 'bash'),
		link(300, 1, 'cron'),
		link(400, 1, 'tmux: server'),
		link(410, 400, 'bash'),
		link(500, 300, 'node'),
	];

	it('watches sshds and everything below them, leftovers with an SSH connection and theirs, and itself', () => {
		const membership = membershipOf(
			links,
			new Map<number, EnvironmentReading>([
				[400, {connection: '127.0.0.1 1 127.0.0.1 22', tty: undefined}],
				[300, 'none'],
			]),
			500,
		);
		expect(membership.sortedMembers).toEqual([100, 200, 210, 400, 410, 500]);
		expect([...membership.underSshd].sort((a, b) => a - b)).toEqual([100, 200, 210]);
		expect(membership.childrenByParent.get(100)).toEqual([200]);
	});

	it('changes when a watched process has a new parent', () => {
		const watched = new Map([[210, {last: {stat: link(210, 200, 'bash')}, environment: undefined}]]);
		expect(
			isMembershipUnchanged(
				watched,
				new Map([[210, {stat: {...link(210, 200, 'bash'), state: 'S', flags: 0, startTicks: 1}}]]),
				new Map(),
			),
		).toBe(true);
		expect(
			isMembershipUnchanged(
				watched,
				new Map([[210, {stat: {...link(210, 1, 'bash'), state: 'S', flags: 0, startTicks: 1}}]]),
				new Map(),
			),
		).toBe(false);
		expect(isMembershipUnchanged(watched, new Map(), new Map())).toBe(false);
	});
});
