// Which processes may belong to SSH, so that the costly per-fd reads are limited to them.
import type {ProcessRecord} from './types.js';

/** Command names OpenSSH's server processes carry: classic, 9.8+ and 10.x. */
export const sshdCommandNames: ReadonlySet<string> = new Set(['sshd', 'sshd-session', 'sshd-auth']);

/** Pids of sshd-named processes and all their descendants. */
export function pidsUnderSshd(processes: readonly ProcessRecord[]): Set<number> {
	const childrenByParent = new Map<number, number[]>();
	for (const process of processes) {
		const siblings = childrenByParent.get(process.ppid);
		if (siblings) {
			siblings.push(process.pid);
		} else {
			childrenByParent.set(process.ppid, [process.pid]);
		}
	}

	const selected = new Set<number>();
	const pending = processes.filter(process => sshdCommandNames.has(process.comm)).map(process => process.pid);
	while (pending.length > 0) {
		const pid = pending.pop()!;
		if (!selected.has(pid)) {
			selected.add(pid);
			pending.push(...(childrenByParent.get(pid) ?? []));
		}
	}

	return selected;
}
