// Parent/child links of one process table.
import type {ProcessNode, ProcessRecord} from './types.js';

export type ProcessIndex = {
	readonly byPid: ReadonlyMap<number, ProcessRecord>;
	readonly childrenByPid: ReadonlyMap<number, readonly ProcessRecord[]>;
};

export function indexProcesses(processes: readonly ProcessRecord[]): ProcessIndex {
	const byPid = new Map<number, ProcessRecord>();
	const childrenByPid = new Map<number, ProcessRecord[]>();
	for (const process of processes) {
		byPid.set(process.pid, process);
		const siblings = childrenByPid.get(process.ppid);
		if (siblings) {
			siblings.push(process);
		} else {
			childrenByPid.set(process.ppid, [process]);
		}
	}

	for (const siblings of childrenByPid.values()) {
		siblings.sort(byStart);
	}

	return {byPid, childrenByPid};
}

/** Siblings in the order they were started, as pstree and htop's tree show them. */
export function byStart(a: ProcessRecord, b: ProcessRecord): number {
	return a.startTicks - b.startTicks || a.pid - b.pid;
}

export function childrenOf(index: ProcessIndex, pid: number): readonly ProcessRecord[] {
	return index.childrenByPid.get(pid) ?? [];
}

export function buildTree(index: ProcessIndex, root: ProcessRecord): ProcessNode {
	// Iterative depth limit guards against a corrupt table with a ppid cycle.
	const build = (process: ProcessRecord, depth: number): ProcessNode => ({
		process,
		children: depth > 512 ? [] : childrenOf(index, process.pid)
			.filter(child => child.pid !== process.pid)
			.map(child => build(child, depth + 1)),
	});
	return build(root, 0);
}

export function flattenTree(node: ProcessNode): ProcessRecord[] {
	const processes: ProcessRecord[] = [];
	const pending: ProcessNode[] = [node];
	while (pending.length > 0) {
		const current = pending.pop()!;
		processes.push(current.process);
		for (let index = current.children.length - 1; index >= 0; index--) {
			pending.push(current.children[index]!);
		}
	}

	return processes;
}

/** The chain from a process up to PID 1, nearest first; stops at loops or unknown parents. */
export function ancestorsOf(index: ProcessIndex, pid: number): ProcessRecord[] {
	const chain: ProcessRecord[] = [];
	const seen = new Set<number>([pid]);
	let current = index.byPid.get(index.byPid.get(pid)?.ppid ?? 0);
	while (current && !seen.has(current.pid)) {
		chain.push(current);
		seen.add(current.pid);
		current = index.byPid.get(current.ppid);
	}

	return chain;
}

/** The command line as ps shows it: argv, or the bracketed name when there is none. */
export function commandLine(process: Pick<ProcessRecord, 'argv' | 'comm'>): string {
	return process.argv.length > 0 ? process.argv.join(' ') : `[${process.comm}]`;
}
