// Parent/child links of one process table.
import type {ProcessNode, ProcessRecord, SessionReport} from '../types.js';

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

/**
 * The tree below `root`. With `previous` (the same session's tree in the last report), every
 * subtree whose processes and links are unchanged is that report's node object: the scanner
 * keeps an idle process's record, so on a quiet refresh whole sessions come out identical, and
 * what is worked out per tree (sibling order, flattening, foreground paths) is worked out once.
 */
export function buildTree(index: ProcessIndex, root: ProcessRecord, previous?: ProcessNode): ProcessNode {
	return buildNode(index, root, 0, previous);
}

/**
Allocates nothing for a subtree that is as it was (most of them, every refresh): a list of
children is made only from the first child that differs from the last report's. `before` is
the node at this place in the last report, whose children are reused even when this process's
own record changed.
*/
function buildNode(
	index: ProcessIndex,
	process: ProcessRecord,
	depth: number,
	before: ProcessNode | undefined,
): ProcessNode {
	// The depth limit guards against a corrupt table with a ppid cycle.
	const records = depth > 512 ? [] : childrenOf(index, process.pid);
	const kept = before?.children;
	let children: ProcessNode[] | undefined;
	let count = 0;
	for (const child of records) {
		if (child.pid === process.pid) {
			continue;
		}

		const beforeChild = kept?.[count];
		const node = buildNode(index, child, depth + 1, beforeChild?.process === child ? beforeChild : undefined);
		if (children === undefined && node !== beforeChild) {
			children = kept === undefined ? [] : kept.slice(0, count);
		}

		children?.push(node);
		count++;
	}

	if (children === undefined && before?.process === process && before.children.length === count) {
		return before;
	}

	return {process, children: children ?? kept?.slice(0, count) ?? []};
}

const flattened = new WeakMap<ProcessNode, readonly ProcessRecord[]>();

/** The processes of a tree, parents before children; worked out once per tree (trees are immutable). */
export function flattenTree(node: ProcessNode): readonly ProcessRecord[] {
	let processes = flattened.get(node);
	if (processes === undefined) {
		processes = flattenOnce(node);
		flattened.set(node, processes);
	}

	return processes;
}

function flattenOnce(node: ProcessNode): ProcessRecord[] {
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

/**
Every process of a tree, parents before children (breadth first). This is the order
"this process and its descendants" signals in; see planProcessAndDescendants for why.
*/
export function parentsFirst(root: ProcessNode): ProcessRecord[] {
	const ordered: ProcessRecord[] = [];
	const queue: ProcessNode[] = [root];
	// The array iterator re-reads the length, so children pushed while walking are visited.
	for (const node of queue) {
		ordered.push(node.process);
		queue.push(...node.children);
	}

	return ordered;
}

export function findInTree(root: ProcessNode, pid: number): ProcessRecord | undefined {
	return parentsFirst(root).find(process => process.pid === pid);
}

/**
sshtop's own process (the report's `selfPid`) and everything below it: text searches never match
them, as their command lines hold the very text searched for.
*/
export function ownProcessPids(report: Pick<SessionReport, 'sessions' | 'selfPid'>): ReadonlySet<number> {
	const pids = new Set<number>();
	if (report.selfPid === undefined) {
		return pids;
	}

	const pending = report.sessions.map(session => session.tree);
	for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
		if (node.process.pid === report.selfPid) {
			for (const process of parentsFirst(node)) {
				pids.add(process.pid);
			}
		} else {
			pending.push(...node.children);
		}
	}

	return pids;
}
