// The tree the explorer and the plain-text view draw: listener → session (its connection
// sshd) → that sshd's process tree, flattened to one row per visible line.
import {flattenTree} from '../report/process-tree.js';
import {
	processId,
	type Leftover,
	type Listener,
	type ProcessId,
	type ProcessNode,
	type ProcessRecord,
	type Session,
	type SessionReport,
} from '../types.js';

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

export type ListenerRow = RowBase & {
	readonly kind: 'listener';
	readonly listener: Listener;
	readonly sessionCount: number;
};
export type SessionRow = RowBase & {readonly kind: 'session'; readonly session: Session};
export type ProcessRow = RowBase & {
	readonly kind: 'process';
	readonly process: ProcessRecord;
	readonly sessionId: ProcessId;
};
/** The heading of the processes that outlived their SSH session, after the listeners' sessions. */
export type LeftoverGroupRow = RowBase & {readonly kind: 'leftover-group'; readonly leftoverCount: number};
/** A process left behind by a logout (`isTop`), or one below it in its tree. */
export type LeftoverRow = RowBase & {
	readonly kind: 'leftover';
	readonly process: ProcessRecord;
	readonly leftover: Leftover;
	readonly isTop: boolean;
};
export type TreeRow = ListenerRow | SessionRow | ProcessRow | LeftoverGroupRow | LeftoverRow;

/** The process a row stands for: a session's top sshd, a listener's own; none for the left-behind heading. */
export function processOfRow(row: TreeRow): ProcessRecord | undefined {
	switch (row.kind) {
		case 'session': {
			return row.session.tree.process;
		}

		case 'process':
		case 'leftover': {
			return row.process;
		}

		case 'listener': {
			return row.listener.process;
		}

		case 'leftover-group': {
			return undefined;
		}
	}
}

/** Row id of the "left behind" heading; no process id looks like it. */
export const leftoverGroupId: ProcessId = 'left-behind';

export type RowList = {
	readonly rows: readonly TreeRow[];
	readonly indexById: ReadonlyMap<ProcessId, number>;
};

// A session's rows ask for its path once per row. Keyed by tree: a session whose processes did
// not change keeps its tree object from one report to the next (buildTree), and so its path.
const foregroundPaths = new WeakMap<
	ProcessNode,
	{readonly foregroundPid: number | undefined; readonly path: Set<ProcessId>}
>();

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

/** Sessions opened from inside another one, by the outer session and its ssh client: they hang under that client's row. */
type NestedPlacement = ReadonlyMap<string, readonly Session[]>;

function placementKey(sessionId: ProcessId, clientPid: number): string {
	return `${sessionId}>${clientPid}`;
}

function childItemsOf(item: PendingNode, nested: NestedPlacement): PendingNode[] {
	switch (item.kind) {
		case 'listener': {
			return item.sessions.map(session => ({kind: 'session', session}));
		}

		case 'session': {
			const defaults = foregroundPath(item.session);
			return item.session.tree.children.map(node => ({kind: 'process', node, session: item.session, defaults}));
		}

		case 'process': {
			const children: PendingNode[] = item.node.children.map(node => ({
				kind: 'process',
				node,
				session: item.session,
				defaults: item.defaults,
			}));
			const inner = nested.size === 0 ? undefined : nested.get(placementKey(item.session.id, item.node.process.pid));
			return inner === undefined
				? children
				: [...children, ...inner.map((session): PendingNode => ({kind: 'session', session}))];
		}

		case 'leftover-group': {
			return item.leftovers.map(leftover => ({kind: 'leftover', node: leftover.tree, leftover}));
		}

		case 'leftover': {
			return item.node.children.map(node => ({kind: 'leftover', node, leftover: item.leftover}));
		}
	}
}

/**
Where each nested session is drawn: under its ssh client in the outer session, when the outer
session and that client are shown and following the chain up ends at a session drawn at the top.
*/
function placeNestedSessions(sessions: readonly Session[]): {
	readonly placement: NestedPlacement;
	readonly placed: ReadonlySet<ProcessId>;
} {
	const placement = new Map<string, Session[]>();
	const placed = new Set<ProcessId>();
	if (!sessions.some(session => session.nestedIn !== undefined)) {
		return {placement, placed};
	}

	const byId = new Map(sessions.map(session => [session.id, session]));
	const hasClient = (outer: Session, pid: number) => flattenTree(outer.tree).some(process => process.pid === pid);
	const canPlace = (session: Session): boolean => {
		const seen = new Set<ProcessId>([session.id]);
		for (let current = session; current.nestedIn !== undefined;) {
			const outer = byId.get(current.nestedIn);
			if (outer === undefined || current.nestedClientPid === undefined || !hasClient(outer, current.nestedClientPid)) {
				// The chain's top is drawn where it is: at its listener.
				return true;
			}

			if (seen.has(outer.id)) {
				return false;
			}

			seen.add(outer.id);
			current = outer;
		}

		return true;
	};

	for (const session of sessions) {
		const outer = session.nestedIn === undefined ? undefined : byId.get(session.nestedIn);
		if (
			outer !== undefined &&
			session.nestedClientPid !== undefined &&
			hasClient(outer, session.nestedClientPid) &&
			canPlace(session)
		) {
			const key = placementKey(outer.id, session.nestedClientPid);
			placement.set(key, [...(placement.get(key) ?? []), session]);
			placed.add(session.id);
		}
	}

	return {placement, placed};
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

function isExpandedByDefault(item: PendingNode, policy: ExpansionPolicy, nested: NestedPlacement): boolean {
	if (item.kind === 'listener' || item.kind === 'leftover-group') {
		return true;
	}

	// A chain reads top-down: the client that opened a nested session shows it.
	if (
		item.kind === 'process' &&
		policy !== 'none' &&
		nested.has(placementKey(item.session.id, item.node.process.pid))
	) {
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

/**
Levels of tree guides drawn in full. Deeper rows (a 40-level process chain) draw the outer
levels, then their depth as a number, so the prefix never takes more than 2 × this + 4 cells and
the pid and command stay on screen.
*/
export const drawnDepthLimit = 10;

/** Tree glyphs drawn before a row's content, ending in its expand marker and a space. */
export function rowPrefix(row: TreeRow): string {
	const marker = row.hasChildren ? (row.isExpanded ? '▾' : '▸') : '─';
	if (row.depth === 0) {
		return `${marker} `;
	}

	const branch = `${row.isLastSibling ? '└─' : '├─'}${marker} `;
	const levels: string[] = [];
	for (let guide = row.guides; guide !== undefined; guide = guide.parent) {
		levels.push(guide.hasMoreBelow ? '│ ' : '  ');
	}

	levels.reverse();
	if (row.depth <= drawnDepthLimit) {
		return levels.join('') + branch;
	}

	// Outer levels, then `+41` in the cells of the three levels it stands for.
	return levels.slice(0, drawnDepthLimit - 3).join('') + `+${row.depth}`.padEnd(6).slice(0, 6) + branch;
}

/** Flattens a report into the rows currently visible under `expansion`. Pure. */
export function flattenReport(report: SessionReport, expansion: Expansion = initialExpansion): RowList {
	const listenerPids = new Set(report.listeners.map(listener => listener.pid));
	const {placement, placed} = placeNestedSessions(report.sessions);
	const atTop = placed.size === 0 ? report.sessions : report.sessions.filter(session => !placed.has(session.id));
	const roots: PendingNode[] = report.listeners.map(listener => ({
		kind: 'listener',
		listener,
		sessions: atTop.filter(session => session.listenerPid === listener.pid),
	}));
	// A session whose listener could not be identified still gets a row, at the top level.
	for (const session of atTop) {
		if (session.listenerPid === undefined || !listenerPids.has(session.listenerPid)) {
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
	const stack: StackEntry[] = roots
		.map((item, index) => ({
			item,
			parentId: undefined,
			depth: 0,
			isLast: index === roots.length - 1,
			guides: undefined,
		}))
		.toReversed();
	while (stack.length > 0) {
		const {item, parentId, depth, isLast, guides} = stack.pop()!;
		const id = idOf(item);
		const children = childItemsOf(item, placement);
		const hasChildren = children.length > 0;
		const isExpanded =
			hasChildren && (expansion.overrides.get(id) ?? isExpandedByDefault(item, expansion.policy, placement));
		// Each row is written out whole: spreading a shared base object was most of the cost of
		// flattening many sessions (V8 leaves its fast path for it).
		indexById.set(id, rows.length);
		switch (item.kind) {
			case 'listener': {
				rows.push({
					id,
					parentId,
					depth,
					hasChildren,
					isExpanded,
					isLastSibling: isLast,
					guides,
					kind: 'listener',
					listener: item.listener,
					sessionCount: item.sessions.length,
				});
				break;
			}

			case 'session': {
				rows.push({
					id,
					parentId,
					depth,
					hasChildren,
					isExpanded,
					isLastSibling: isLast,
					guides,
					kind: 'session',
					session: item.session,
				});
				break;
			}

			case 'process': {
				rows.push({
					id,
					parentId,
					depth,
					hasChildren,
					isExpanded,
					isLastSibling: isLast,
					guides,
					kind: 'process',
					process: item.node.process,
					sessionId: item.session.id,
				});
				break;
			}

			case 'leftover-group': {
				rows.push({
					id,
					parentId,
					depth,
					hasChildren,
					isExpanded,
					isLastSibling: isLast,
					guides,
					kind: 'leftover-group',
					leftoverCount: item.leftovers.length,
				});
				break;
			}

			case 'leftover': {
				rows.push({
					id,
					parentId,
					depth,
					hasChildren,
					isExpanded,
					isLastSibling: isLast,
					guides,
					kind: 'leftover',
					process: item.node.process,
					leftover: item.leftover,
					isTop: item.node === item.leftover.tree,
				});
				break;
			}
		}

		if (isExpanded) {
			const childGuides = depth === 0 ? undefined : {hasMoreBelow: !isLast, parent: guides};
			for (let index = children.length - 1; index >= 0; index--) {
				stack.push({
					item: children[index]!,
					parentId: id,
					depth: depth + 1,
					isLast: index === children.length - 1,
					guides: childGuides,
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
	for (const tree of [
		...report.sessions.map(session => session.tree),
		...(report.leftovers ?? []).map(leftover => leftover.tree),
	]) {
		const stack = [tree];
		while (stack.length > 0) {
			const node = stack.pop()!;
			ids.add(processId(node.process));
			stack.push(...node.children);
		}
	}

	return ids;
}
