// Which processes may belong to SSH, so that the costly per-process reads are limited to them.
import type {ProcessRecord} from './types.js';

/** Command names OpenSSH's server processes carry: classic, 9.8+ and 10.x. */
export const sshdCommandNames: ReadonlySet<string> = new Set(['sshd', 'sshd-session', 'sshd-auth']);

type Linked = Pick<ProcessRecord, 'pid' | 'ppid'>;

/** Pids of sshd-named processes and all their descendants. */
export function pidsUnderSshd(processes: ReadonlyArray<Linked & Pick<ProcessRecord, 'comm'>>): Set<number> {
	const sshds = processes.filter(process => sshdCommandNames.has(process.comm)).map(process => process.pid);
	return descendantsOf(childrenByParentOf(processes), sshds);
}

/** Each parent's children, in the order given. */
export function childrenByParentOf(processes: readonly Linked[]): Map<number, number[]> {
	const childrenByParent = new Map<number, number[]>();
	for (const process of processes) {
		const siblings = childrenByParent.get(process.ppid);
		if (siblings) {
			siblings.push(process.pid);
		} else {
			childrenByParent.set(process.ppid, [process.pid]);
		}
	}

	return childrenByParent;
}

/** The roots and everything below them. */
export function descendantsOf(
	childrenByParent: ReadonlyMap<number, readonly number[]>,
	roots: Iterable<number>,
): Set<number> {
	const selected = new Set<number>();
	const pending = [...roots];
	while (pending.length > 0) {
		const pid = pending.pop()!;
		if (!selected.has(pid)) {
			selected.add(pid);
			for (const child of childrenByParent.get(pid) ?? []) {
				pending.push(child);
			}
		}
	}

	return selected;
}
