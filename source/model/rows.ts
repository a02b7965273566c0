// The tree the explorer and the plain-text view draw: listener → session (its connection
// sshd) → that sshd's process tree, flattened to one row per visible line.
import {processId, type Leftover, type Listener, type ProcessId, type ProcessNode, type ProcessRecord, type Session, type SessionReport} from './types.js';

/**
What is expanded: a policy for rows the user has not touched, and the user's own choices.
`foreground-path` opens each session down to its foreground process and nothing else.
*/
export type ExpansionPolicy = 'foreground-path' | 'all' | 'none';

export type Expansion = {
	readonly policy: ExpansionPolicy;
	readonly overrides: ReadonlyMap<ProcessId, boolean>;
};

export const initialExpansion: Expansion = {policy: 'foreground-path', overrides: new Map()};

type RowBase = {
	readonly id: ProcessId;
	readonly parentId: ProcessId | undefined;
	readonly depth: number;
	readonly hasChildren: boolean;
	readonly isExpanded: boolean;
	readonly isLastSibling: boolean;
	/** Whether each ancestor below the top level has siblings further down (nearest first). */
	readonly guides: Guide | undefined;
};

/** A linked list shared by siblings, so a deep tree costs no more than a wide one. */
export type Guide = {readonly hasMoreBelow: boolean; readonly parent: Guide | undefined};

export type ListenerRow = RowBase & {readonly kind: 'listener'; readonly listener: Listener; readonly sessionCount: number};
export type SessionRow = RowBase & {readonly kind: 'session'; readonly session: Session};
export type ProcessRow = RowBase & {readonly kind: 'process'; readonly process: ProcessRecord; readonly sessionId: ProcessId};
/** The heading of the processes that outlived their SSH session, after the listeners' sessions. */
export type LeftoverGroupRow = RowBase & {readonly kind: 'leftover-group'; readonly leftoverCount: number};
/** A process left behind by a logout (`isTop`), or one below it in its tree. */
export type LeftoverRow = RowBase & {readonly kind: 'leftover'; readonly process: ProcessRecord; readonly leftover: Leftover; readonly isTop: boolean};
export type TreeRow = ListenerRow | SessionRow | ProcessRow | LeftoverGroupRow | LeftoverRow;

/** Row id of the "left behind" heading; no process id looks like it. */
export const leftoverGroupId: ProcessId = 'left-behind';

export type RowList = {
	readonly rows: readonly TreeRow[];
	readonly indexById: ReadonlyMap<ProcessId, number>;
};

// A session's rows ask for its path once per row. Keyed by tree: a session whose processes did
// not change keeps its tree object from one report to the next (buildTree), and so its path.
const foregroundPaths = new WeakMap<ProcessNode, {readonly foregroundPid: number | undefined; readonly path: Set<ProcessId>}>();

/** Nodes to open by default: the path from the session's sshd down to its foreground process. */
function foregroundPath(session: Session): Set<ProcessId> {
	const foregroundPid = session.foreground?.pid;
	const cached = foregroundPaths.get(session.tree);
	if (cached !== undefined && cached.foregroundPid === foregroundPid) {
		return cached.path;
	}

	const path = findForegroundPath(session);
	foregroundPaths.set(session.tree, {foregroundPid, path});
	return path;
}

function findForegroundPath(session: Session): Set<ProcessId> {
	const path = new Set<ProcessId>();
	const foregroundPid = session.foreground?.pid;
	if (foregroundPid !== undefined) {
		// Iterative search remembering parents: a fork bomb's depth must not overflow the stack.
		const parents = new Map<ProcessNode, ProcessNode>();
		const stack = [session.tree];
		while (stack.length > 0) {
			const node = stack.pop()!;
			if (node.process.pid === foregroundPid) {
				for (let ancestor = parents.get(node); ancestor !== undefined; ancestor = parents.get(ancestor)) {
					path.add(processId(ancestor.process));
				}

				return path;
			}

			for (const child of node.children) {
				parents.set(child, node);
				stack.push(child);
			}
		}
	}

	// Without a foreground process (sftp, a command without a tty), open the single-child
	// chain below the sshd, so the session's program is in view.
	let node: ProcessNode | undefined = session.tree;
	while (node !== undefined && node.children.length > 0) {
		path.add(processId(node.process));
		node = node.children.length === 1 ? node.children[0] : undefined;
	}

	return path;
}

type PendingNode =
	| {readonly kind: 'listener'; readonly listener: Listener; readonly sessions: readonly Session[]}
	| {readonly kind: 'session'; readonly session: Session}
	| {readonly kind: 'process'; readonly node: ProcessNode; readonly session: Session; readonly defaults: Set<ProcessId>}
	| {readonly kind: 'leftover-group'; readonly leftovers: readonly Leftover[]}
	| {readonly kind: 'leftover'; readonly node: ProcessNode; readonly leftover: Leftover};

type StackEntry = {
	readonly item: PendingNode;
	readonly parentId: ProcessId | undefined;
	readonly depth: number;
	readonly isLast: boolean;
	readonly guides: Guide | undefined;
};

function childrenOf(item: PendingNode): PendingNode[] {
	switch (item.kind) {
		case 'listener': {
			return item.sessions.map(session => ({kind: 'session', session}));
		}

		case 'session': {
			const defaults = foregroundPath(item.session);
			return item.session.tree.children.map(node => ({kind: 'process', node, session: item.session, defaults}));
		}

		case 'process': {
			return item.node.children.map(node => ({kind: 'process', node, session: item.session, defaults: item.defaults}));
		}

		case 'leftover-group': {
			return item.leftovers.map(leftover => ({kind: 'leftover', node: leftover.tree, leftover}));
		}

		case 'leftover': {
			return item.node.children.map(node => ({kind: 'leftover', node, leftover: item.leftover}));
		}
	}
}

function idOf(item: PendingNode): ProcessId {
	switch (item.kind) {
		case 'listener': {
			return item.listener.id;
		}

		case 'session': {
			return item.session.id;
		}

		case 'process':
		case 'leftover': {
			return processId(item.node.process);
		}

		case 'leftover-group': {
			return leftoverGroupId;
		}
	}
}

function isExpandedByDefault(item: PendingNode, policy: ExpansionPolicy): boolean {
	if (item.kind === 'listener' || item.kind === 'leftover-group') {
		return true;
	}

	// A left-behind process opens on request: the list of them is what matters first.
	if (item.kind === 'leftover') {
		return policy === 'all';
	}

	if (policy !== 'foreground-path') {
		return policy === 'all';
	}

	const defaults = item.kind === 'session' ? foregroundPath(item.session) : item.defaults;
	return defaults.has(idOf(item));
}

/** Tree glyphs drawn before a row's content, ending in its expand marker and a space. */
export function rowPrefix(row: TreeRow): string {
	const marker = row.hasChildren ? (row.isExpanded ? '▾' : '▸') : '─';
	if (row.depth === 0) {
		return `${marker} `;
	}

	let trunk = '';
	for (let guide = row.guides; guide !== undefined; guide = guide.parent) {
		trunk = (guide.hasMoreBelow ? '│ ' : '  ') + trunk;
	}

	return `${trunk}${row.isLastSibling ? '└─' : '├─'}${marker} `;
}

/** Flattens a report into the rows currently visible under `expansion`. Pure. */
export function flattenReport(report: SessionReport, expansion: Expansion = initialExpansion): RowList {
	const listenerPids = new Set(report.listeners.map(listener => listener.pid));
	const roots: PendingNode[] = report.listeners.map(listener => ({
		kind: 'listener',
		listener,
		sessions: report.sessions.filter(session => session.listenerPid === listener.pid),
	}));
	// A session whose listener could not be identified still gets a row, at the top level.
	for (const session of report.sessions) {
		if (!listenerPids.has(session.listenerPid)) {
			roots.push({kind: 'session', session});
		}
	}

	// After every session: what outlived its session, grouped under one heading.
	if (report.leftovers !== undefined && report.leftovers.length > 0) {
		roots.push({kind: 'leftover-group', leftovers: report.leftovers});
	}

	const rows: TreeRow[] = [];
	const indexById = new Map<ProcessId, number>();
	// An explicit stack instead of recursion: a fork bomb's tree must not overflow the call stack.
	const stack: StackEntry[] = roots.map((item, index) => ({
		item, parentId: undefined, depth: 0, isLast: index === roots.length - 1, guides: undefined,
	})).reverse();
	while (stack.length > 0) {
		const {item, parentId, depth, isLast, guides} = stack.pop()!;
		const id = idOf(item);
		const children = childrenOf(item);
		const hasChildren = children.length > 0;
		const isExpanded = hasChildren && (expansion.overrides.get(id) ?? isExpandedByDefault(item, expansion.policy));
		// Each row is written out whole: spreading a shared base object was most of the cost of
		// flattening 500 sessions (V8 leaves its fast path for it), 6 ms against 1 ms.
		indexById.set(id, rows.length);
		switch (item.kind) {
			case 'listener': {
				rows.push({id, parentId, depth, hasChildren, isExpanded, isLastSibling: isLast, guides, kind: 'listener', listener: item.listener, sessionCount: item.sessions.length});
				break;
			}

			case 'session': {
				rows.push({id, parentId, depth, hasChildren, isExpanded, isLastSibling: isLast, guides, kind: 'session', session: item.session});
				break;
			}

			case 'process': {
				rows.push({id, parentId, depth, hasChildren, isExpanded, isLastSibling: isLast, guides, kind: 'process', process: item.node.process, sessionId: item.session.id});
				break;
			}

			case 'leftover-group': {
				rows.push({id, parentId, depth, hasChildren, isExpanded, isLastSibling: isLast, guides, kind: 'leftover-group', leftoverCount: item.leftovers.length});
				break;
			}

			case 'leftover': {
				rows.push({id, parentId, depth, hasChildren, isExpanded, isLastSibling: isLast, guides, kind: 'leftover', process: item.node.process, leftover: item.leftover, isTop: item.node === item.leftover.tree});
				break;
			}
		}

		if (isExpanded) {
			const childGuides = depth === 0 ? undefined : {hasMoreBelow: !isLast, parent: guides};
			for (let index = children.length - 1; index >= 0; index--) {
				stack.push({
					item: children[index]!, parentId: id, depth: depth + 1, isLast: index === children.length - 1, guides: childGuides,
				});
			}
		}
	}

	return {rows, indexById};
}

/** Every row id in the report, visible or not: lets the explorer forget choices about gone processes. */
export function allRowIds(report: SessionReport): Set<ProcessId> {
	const ids = new Set<ProcessId>(report.listeners.map(listener => listener.id));
	ids.add(leftoverGroupId);
	for (const tree of [...report.sessions.map(session => session.tree), ...(report.leftovers ?? []).map(leftover => leftover.tree)]) {
		const stack = [tree];
		while (stack.length > 0) {
			const node = stack.pop()!;
			ids.add(processId(node.process));
			stack.push(...node.children);
		}
	}

	return ids;
}
