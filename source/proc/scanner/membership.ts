// Which processes a scan watches: sshd-named processes and everything below them, PID 1's
// children whose environment names an SSH connection (possible leftovers) and theirs, and
// sshtop itself. It follows from parent links, command names and those environments alone.
import type {StatHead, StatLink} from '../parse/parse-stat.js';
import {childrenByParentOf, descendantsOf, sshdCommandNames} from '../ssh-scope.js';
import {hasSshConnection, type EnvironmentReading} from './environments.js';

export type Membership = {
	/** sshd-named processes and everything below them. */
	readonly underSshd: ReadonlySet<number>;
	/** The watched pids, in pid order. */
	readonly sortedMembers: readonly number[];
	readonly childrenByParent: ReadonlyMap<number, readonly number[]>;
};

export function membershipOf(
	links: readonly StatLink[],
	environments: ReadonlyMap<number, EnvironmentReading>,
	selfPid: number,
): Membership {
	const everyonesChildren = childrenByParentOf(links);
	const underSshd = descendantsOf(
		everyonesChildren,
		links.filter(link => sshdCommandNames.has(link.comm)).map(link => link.pid),
	);
	const leftoverRoots = [...environments]
		.filter(([, environment]) => hasSshConnection(environment))
		.map(([pid]) => pid);
	const members = descendantsOf(everyonesChildren, [...underSshd, ...leftoverRoots]);
	members.add(selfPid);
	const childrenByParent = childrenByParentOf(links.filter(link => members.has(link.pid)));
	// In pid order whichever scan found them: an sshd's children key (its title's trigger) compares them as text.
	for (const siblings of childrenByParent.values()) {
		siblings.sort((a, b) => a - b);
	}

	return {underSshd, sortedMembers: [...members].toSorted((a, b) => a - b), childrenByParent};
}

/** What membership needs to know of a watched process from the last scan. */
export type MemberReading = {
	readonly last?: {readonly stat: StatLink};
	readonly environment: EnvironmentReading;
};

/**
Whether the watched set stays as it is: the same processes, none with a new parent or name, and
PID 1's children with the same environment reading.
*/
export function isMembershipUnchanged(
	watched: ReadonlyMap<number, MemberReading>,
	candidates: ReadonlyMap<number, {readonly stat: StatHead}>,
	environments: ReadonlyMap<number, EnvironmentReading>,
): boolean {
	if (candidates.size !== watched.size) {
		return false;
	}

	for (const [pid, entry] of watched) {
		const stat = candidates.get(pid)?.stat;
		const last = entry.last?.stat;
		if (
			stat === undefined ||
			last?.ppid !== stat.ppid ||
			last.comm !== stat.comm ||
			(stat.ppid === 1 && environments.get(pid) !== entry.environment)
		) {
			return false;
		}
	}

	return true;
}
