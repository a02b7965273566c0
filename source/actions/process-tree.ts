import type {ProcessNode, ProcessRecord} from '../model/types.js';

/**
 * Every process of a tree, parents before children (breadth first). This is the order
 * "this process and its descendants" signals in; see planProcessAndDescendants for why.
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
