// Order of sessions, and of processes inside a session. Sorting reorders sessions and siblings,
// never moves a process away from its parent.
import type {ProcessId, ProcessNode, Session} from '../types.js';
import {sessionMemoryBytes} from './cpu.js';

/** In the order the sort key cycles through. */
export const sortKeys = ['idle', 'login', 'cpu', 'memory', 'user', 'peer', 'pid'] as const;

export type SortKey = (typeof sortKeys)[number];

export const defaultSortKey: SortKey = 'idle';

/** Column headers. */
export const sortKeyLabels: Readonly<Record<SortKey, string>> = {
	idle: 'IDLE',
	login: 'LOGIN',
	cpu: 'CPU%',
	memory: 'MEM',
	user: 'USER',
	peer: 'FROM',
	pid: 'PID',
};

export type SortDirection = 'ascending' | 'descending';

/**
Direction of each key when not reversed: the sessions that most need a look come first. Durations and costs descend (longest idle, longest connected, busiest, largest); names, addresses and pids read in their usual order.
*/
const naturalDirections: Readonly<Record<SortKey, SortDirection>> = {
	idle: 'descending',
	// Oldest login first: the longest-connected session, as idle puts the longest-idle first.
	login: 'ascending',
	cpu: 'descending',
	memory: 'descending',
	user: 'ascending',
	peer: 'ascending',
	pid: 'ascending',
};

/** A sort key as typed (`--sort`) or read from the preferences file. */
export function isSortKey(value: unknown): value is SortKey {
	return (sortKeys as readonly unknown[]).includes(value);
}

export function nextSortKey(key: SortKey): SortKey {
	return sortKeys[(sortKeys.indexOf(key) + 1) % sortKeys.length] ?? defaultSortKey;
}

export function previousSortKey(key: SortKey): SortKey {
	return sortKeys[(sortKeys.indexOf(key) - 1 + sortKeys.length) % sortKeys.length] ?? defaultSortKey;
}

/** Which way the list runs, for an arrow in the header. */
export function sortDirection(key: SortKey, reverse: boolean): SortDirection {
	const natural = naturalDirections[key];
	if (!reverse) {
		return natural;
	}

	return natural === 'ascending' ? 'descending' : 'ascending';
}

export type SortOptions = {
	readonly key: SortKey;
	readonly reverse?: boolean;
	/** CPU use of each session by session id, computed elsewhere from two snapshots; a missing session sorts last. */
	readonly cpuPercentBySessionId?: ReadonlyMap<ProcessId, number>;
};

function ipv4SortKey(address: string): string | undefined {
	const octets = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/iu.exec(address)?.slice(1);
	return octets === undefined ? undefined : `4 ${octets.map(octet => octet.padStart(3, '0')).join('.')}`;
}

function ipv6SortKey(address: string): string | undefined {
	const halves = address.toLowerCase().split('::');
	if (halves.length > 2 || !/^[\da-f:]+$/u.test(address.toLowerCase())) {
		return undefined;
	}

	const groups = (half: string | undefined) => (half === undefined || half === '' ? [] : half.split(':'));
	const head = groups(halves[0]);
	const tail = groups(halves[1]);
	const missing = 8 - head.length - tail.length;
	if (missing < 0 || (halves.length === 1 && missing !== 0)) {
		return undefined;
	}

	const all = [...head, ...Array.from({length: halves.length === 2 ? missing : 0}, () => '0'), ...tail];
	return `6 ${all.map(group => group.padStart(4, '0')).join(':')}`;
}

/** IPv4 (also IPv4-mapped) in numeric order, then IPv6 in numeric order, then anything else as text. */
function peerSortKey(session: Session): string | undefined {
	const {peer} = session;
	if (peer === undefined) {
		return undefined;
	}

	const address = ipv4SortKey(peer.address) ?? ipv6SortKey(peer.address) ?? `9 ${peer.address}`;
	return `${address} ${String(peer.port).padStart(5, '0')}`;
}

// A fixed locale keeps the order the same on every machine; numeric puts user9 before user10.
// Built on first use: loading ICU's collation data is a visible part of start-up.
let userCollator: Intl.Collator | undefined;

type SortValue = number | string | undefined;

function sortValue(session: Session, key: SortKey, options: SortOptions): SortValue {
	switch (key) {
		case 'idle': {
			// The earlier the last sign of life, the longer idle: an instant sorts the same at any time.
			return session.idleSince === undefined ? undefined : -session.idleSince;
		}

		case 'login': {
			return session.loginAt;
		}

		case 'cpu': {
			return options.cpuPercentBySessionId?.get(session.id);
		}

		case 'memory': {
			return sessionMemoryBytes(session.tree);
		}

		case 'user': {
			return session.user;
		}

		case 'peer': {
			return peerSortKey(session);
		}

		case 'pid': {
			return session.pid;
		}
	}
}

function compareKnown(a: number | string, b: number | string, key: SortKey): number {
	if (typeof a === 'number' && typeof b === 'number') {
		return a - b;
	}

	if (key === 'user') {
		userCollator ??= new Intl.Collator('en', {numeric: true});
		return userCollator.compare(String(a), String(b)) || (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);
	}

	return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Stable whatever the key or direction: oldest login first, then lowest pid, then id. */
function compareTies(a: Session, b: Session): number {
	return a.loginAt - b.loginAt || a.pid - b.pid || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
Sessions in the order of `key`, each with its tree in sibling order (see `sortTree`). Sessions without a value for the key (unknown idle time, no CPU figure, no peer) come last in both directions.
*/
export function sortSessions(sessions: readonly Session[], options: SortOptions): readonly Session[] {
	const {key} = options;
	const sign = sortDirection(key, options.reverse ?? false) === 'ascending' ? 1 : -1;
	const decorated = sessions.map(session => ({session, value: sortValue(session, key, options)}));
	decorated.sort((a, b) => {
		if (a.value === undefined || b.value === undefined) {
			const unknownLast = (a.value === undefined ? 1 : 0) - (b.value === undefined ? 1 : 0);
			if (unknownLast !== 0) {
				return unknownLast;
			}
		} else {
			const byKey = compareKnown(a.value, b.value, key) * sign;
			if (byKey !== 0) {
				return byKey;
			}
		}

		return compareTies(a.session, b.session);
	});
	return decorated.map(({session}) => {
		const tree = sortTree(session.tree);
		return tree === session.tree ? session : {...session, tree};
	});
}

// A session whose processes did not change keeps its tree object from report to report (buildTree): sorted once.
const sortedTrees = new WeakMap<ProcessNode, ProcessNode>();

function compareSiblings(a: ProcessNode, b: ProcessNode): number {
	return a.process.startTicks - b.process.startTicks || a.process.pid - b.process.pid;
}

/**
The tree with siblings in start order (start time, then pid), at every depth. Returns the same node objects where nothing moved, so memoised rows stay valid.
*/
export function sortTree(root: ProcessNode): ProcessNode {
	let sorted = sortedTrees.get(root);
	if (sorted === undefined) {
		sorted = sortOnce(root);
		sortedTrees.set(root, sorted);
	}

	return sorted;
}

function sortOnce(root: ProcessNode): ProcessNode {
	// Children before their parent with an explicit stack: a fork bomb's chain of processes must
	// not overflow the call stack.
	const sortedByNode = new Map<ProcessNode, ProcessNode>();
	const frames: Array<{readonly node: ProcessNode; isOpened: boolean}> = [{node: root, isOpened: false}];
	for (let frame = frames.at(-1); frame !== undefined; frame = frames.at(-1)) {
		const {node} = frame;
		if (!frame.isOpened) {
			frame.isOpened = true;
			frames.push(...node.children.map(child => ({node: child, isOpened: false})));
			continue;
		}

		frames.pop();
		const children = node.children.map(child => sortedByNode.get(child) ?? child).toSorted(compareSiblings);
		const isUnchanged = children.every((child, position) => child === node.children[position]);
		sortedByNode.set(node, isUnchanged ? node : {process: node.process, children});
	}

	return sortedByNode.get(root) ?? root;
}
