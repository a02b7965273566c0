// The filter's qualifiers (`user:`, `from:`, `idle>`…), one entry each: what each value means and tests.
import {parseDuration} from '../view/duration.js';
import {idleSecondsAt} from '../report/idle.js';
import type {SessionHealth} from '../report/health.js';
import type {Endpoint, Session, SessionKind} from '../types.js';
import {isOneOf} from '../one-of.js';
import {whoOf} from '../view/session-cells.js';
import {authMethods} from '../identity/sshd-log.js';
import {peerText} from './filter-text.js';
import type {HighlightField, HighlightRange, QualifierDefinition, QualifierOperator} from './filter-terms.js';

const sessionKinds: readonly SessionKind[] = ['shell', 'command', 'sftp', 'forward', 'preauth'];

const sessionHealths: readonly SessionHealth[] = ['ok', 'stalled', 'dead-peer', 'unknown'];

/** Kind aliases: a tty-based reading, so `ssh -t host cmd` (a command with a pty) counts as `pty`. */
const kindAliases = {
	pty: (session: Session) => session.ttys.length > 0,
	notty: (session: Session) => session.ttys.length === 0 && session.kind !== 'preauth',
} as const;

/** `nested`: opened from another session here; `outer`: another session was opened from it; `single`: neither; `own`: a hop of sshtop's own chain. */
const chainPlaces = ['nested', 'outer', 'single', 'own'] as const;
type ChainPlace = (typeof chainPlaces)[number];

function isInChainPlace(session: Session, place: ChainPlace): boolean {
	switch (place) {
		case 'nested': {
			return session.nestedIn !== undefined;
		}

		case 'outer': {
			return session.hasNested;
		}

		case 'single': {
			return session.nestedIn === undefined && !session.hasNested;
		}

		case 'own': {
			return session.isOwnChain;
		}
	}
}

export function hasUpperCase(text: string): boolean {
	return text !== text.toLowerCase();
}

function fold(text: string, isCaseSensitive: boolean): string {
	return isCaseSensitive ? text : text.toLowerCase();
}

function whole(field: HighlightField, text: string): readonly HighlightRange[] {
	return [{field, start: 0, end: text.length}];
}

/** Where `prefix` starts `peer`, trying the displayed `address:port` form, the bare address, and the IPv4 inside an IPv4-mapped IPv6 address. */
function peerPrefixRange(peer: Endpoint, prefix: string): HighlightRange | undefined {
	const displayed = peerText(peer).toLowerCase();
	const address = peer.address.toLowerCase();
	const addressOffset = displayed.indexOf(address);
	const candidates: Array<readonly [string, number]> = [
		[displayed, 0],
		[address, addressOffset],
	];
	const mapped = /^:{2}f{4}:((?:\d+\.){3}\d+)$/u.exec(address)?.[1];
	if (mapped !== undefined) {
		candidates.push([mapped, addressOffset + address.length - mapped.length]);
	}

	for (const [text, offset] of candidates) {
		if (text.startsWith(prefix)) {
			return {field: 'peer', start: offset, end: offset + prefix.length};
		}
	}

	return undefined;
}

function portRange(peer: Endpoint): HighlightRange {
	const displayed = peerText(peer);
	return {field: 'peer', start: displayed.length - String(peer.port).length, end: displayed.length};
}

function parsePort(text: string): number | undefined {
	const port = Number(text);
	return Number.isInteger(port) && port <= 65_535 ? port : undefined;
}

function compareSeconds(actual: number, operator: QualifierOperator, limit: number): boolean {
	switch (operator) {
		case '>': {
			return actual > limit;
		}

		case '>=': {
			return actual >= limit;
		}

		case '<': {
			return actual < limit;
		}

		case '<=': {
			return actual <= limit;
		}

		// Idle compares only: `idle:` and `idle=` are refused before this.
		case ':':
		case '=': {
			return false;
		}
	}
}

/**
The qualifiers, one entry each. Adding one (such as `health:` for issue 6) is adding an entry here.
*/
export const qualifiers: readonly QualifierDefinition[] = [
	{
		name: 'user',
		operators: [':'],
		example: 'user:alice',
		description: 'login user name starts with',
		acceptsAlternatives: true,
		compile(value) {
			const isCaseSensitive = hasUpperCase(value);
			const prefix = fold(value, isCaseSensitive);
			return {
				matchSession: session =>
					fold(session.user, isCaseSensitive).startsWith(prefix)
						? [{field: 'user', start: 0, end: value.length}]
						: undefined,
			};
		},
	},
	{
		// `from:10.0.` and `from:10.0.0.5:50022` are prefixes of the peer written `address:port`
		// (`fe80::` and `[fe80::1]:22` for IPv6); `from::50022` is exactly that port; a bare number
		// such as `from:50022` or `from:10` is that port or an address starting with it, since
		// whole-number addresses do not exist and a lone `10` most likely means 10.*.
		name: 'from',
		operators: [':'],
		example: 'from:10.0.',
		description: 'peer address starts with, or :port',
		acceptsAlternatives: true,
		compile(value) {
			const text = value.toLowerCase();
			if (text.startsWith(':') && /^:\d+$/u.test(text)) {
				const port = parsePort(text.slice(1));
				if (port === undefined) {
					return {hint: `from: ${text.slice(1)} is not a port`};
				}

				return {matchSession: ({peer}) => (peer?.port === port ? [portRange(peer)] : undefined)};
			}

			if (!/^[\d.:a-f[\]]+$/u.test(text)) {
				return {hint: `from: '${value}' is not an address (names are not resolved)`};
			}

			const port = /^\d+$/u.test(text) ? parsePort(text) : undefined;
			return {
				matchSession({peer}) {
					if (peer === undefined) {
						return undefined;
					}

					if (port !== undefined && peer.port === port) {
						return [portRange(peer)];
					}

					const range = peerPrefixRange(peer, text);
					return range === undefined ? undefined : [range];
				},
			};
		},
	},
	{
		// Tested per process, so with several terminals in one connection only the branch on
		// that terminal is shown; the sshd processes above it (which have no terminal) stay as context.
		name: 'tty',
		operators: [':'],
		example: 'tty:pts/3',
		description: 'terminal is (pts/3, /dev/pts/3 or just 3)',
		acceptsAlternatives: true,
		compile(value) {
			const withoutDevice = value.replace(/^\/dev\//u, '');
			const name = /^\d+$/u.test(withoutDevice) ? `pts/${withoutDevice}` : withoutDevice;
			const isCaseSensitive = hasUpperCase(name);
			const wanted = fold(name, isCaseSensitive);
			return {
				matchProcess: ({tty}) => (tty !== undefined && fold(tty, isCaseSensitive) === wanted ? [] : undefined),
			};
		},
	},
	{
		// Tested per process: the session's own pid is its top sshd, so `pid:<session pid>` shows the
		// whole session, and any other pid shows its branch inside its session.
		name: 'pid',
		operators: [':'],
		example: 'pid:1234',
		description: "process id is (any process, including the session's sshd)",
		acceptsAlternatives: true,
		compile(value) {
			if (!/^\d+$/u.test(value)) {
				return {hint: `pid: '${value}' is not a process id`};
			}

			const pid = Number(value);
			return {matchProcess: process => (process.pid === pid ? whole('pid', String(pid)) : undefined)};
		},
	},
	{
		// The person behind the session, as sshd's log names them (its WHO column): the key's
		// authorized_keys comment, the certificate's key ID, or the fingerprint.
		name: 'key',
		operators: [':'],
		example: 'key:alice@laptop',
		description:
			"the key's authorized_keys comment, the certificate ID or the key fingerprint contains (from sshd's log)",
		acceptsAlternatives: true,
		compile(value) {
			const isCaseSensitive = hasUpperCase(value);
			const wanted = fold(value, isCaseSensitive);
			return {
				matchSession(session) {
					const {auth} = session;
					const names = [auth?.keyComment, auth?.certificate?.id, auth?.fingerprint].filter(name => name !== undefined);
					if (!names.some(name => fold(name, isCaseSensitive).includes(wanted))) return undefined;
					const who = fold(whoOf(session), isCaseSensitive);
					const start = who.indexOf(wanted);
					return start === -1 ? [] : [{field: 'who', start, end: start + wanted.length}];
				},
			};
		},
	},
	{
		name: 'auth',
		operators: [':'],
		example: 'auth:password',
		description: `how the session logged in, from sshd's log: ${authMethods.join(', ')}, or cert (a certificate)`,
		acceptsAlternatives: true,
		compile(value) {
			const wanted = value.toLowerCase();
			if (wanted === 'cert') {
				return {matchSession: session => (session.auth?.certificate === undefined ? undefined : [])};
			}

			if (!isOneOf(authMethods, wanted)) {
				return {hint: `auth: '${value}' is not one of ${authMethods.join(', ')}, cert`};
			}

			return {matchSession: session => (session.auth?.method === wanted ? [] : undefined)};
		},
	},
	{
		name: 'fwd',
		operators: [':'],
		example: 'fwd:remote',
		description: 'forwards something: remote (-R), local (-L/-D), agent (-A), x11, or any',
		acceptsAlternatives: true,
		compile(value) {
			const wanted = value.toLowerCase();
			const kinds = ['remote', 'local', 'agent', 'x11', 'any'] as const;
			if (!isOneOf(kinds, wanted)) {
				return {hint: `fwd: '${value}' is not one of ${kinds.join(', ')}`};
			}

			return {
				matchSession: session =>
					(session.forwards ?? []).some(
						forward =>
							wanted === 'any' || forward.kind === wanted || (wanted === 'local' && forward.kind === 'dynamic'),
					)
						? []
						: undefined,
			};
		},
	},
	{
		name: 'kind',
		operators: [':'],
		example: 'kind:notty',
		description: `session kind: ${sessionKinds.join(', ')}; pty (has a terminal), notty (has none)`,
		acceptsAlternatives: true,
		compile(value) {
			const wanted = value.toLowerCase();
			if (wanted === 'pty' || wanted === 'notty') {
				const test = kindAliases[wanted];
				return {matchSession: session => (test(session) ? whole('kind', session.kind) : undefined)};
			}

			if (!isOneOf(sessionKinds, wanted)) {
				return {hint: `kind: '${value}' is not one of ${sessionKinds.join(', ')}, pty, notty`};
			}

			return {matchSession: session => (session.kind === wanted ? whole('kind', session.kind) : undefined)};
		},
	},
	{
		// A session without an idle figure (no terminal, or unreadable) matches no comparison.
		name: 'idle',
		operators: ['>', '>=', '<', '<='],
		example: 'idle>30m',
		description: 'idle time compared with 30s, 10m, 2h, 1d (a bare number is seconds)',
		acceptsAlternatives: false,
		compile(value, operator) {
			const limit = parseDuration(value);
			if (limit === undefined) {
				return {hint: `idle: '${value}' is not a duration (30s, 10m, 2h, 1d)`};
			}

			return {
				matchSession(session, now) {
					const idleSeconds = idleSecondsAt(session, now);
					return idleSeconds !== undefined && compareSeconds(idleSeconds, operator, limit) ? [] : undefined;
				},
			};
		},
	},
	{
		// A session without a health reading (a report built without socket data) is `unknown`.
		name: 'health',
		operators: [':'],
		example: 'health:dead-peer',
		description: `connection health: ${sessionHealths.join(', ')}`,
		acceptsAlternatives: true,
		compile(value) {
			const wanted = value.toLowerCase();
			if (!isOneOf(sessionHealths, wanted)) {
				return {hint: `health: '${value}' is not one of ${sessionHealths.join(', ')}`};
			}

			return {matchSession: ({health}) => ((health?.health ?? 'unknown') === wanted ? [] : undefined)};
		},
	},
	{
		// The port of this box the connection came in on: which sshd (22, a maintenance 2222, a test's own).
		name: 'port',
		operators: [':'],
		example: 'port:2222',
		description: 'the connection came in on this local port (which sshd)',
		acceptsAlternatives: true,
		compile(value) {
			const port = /^\d+$/u.test(value) ? parsePort(value) : undefined;
			if (port === undefined) {
				return {hint: `port: '${value}' is not a port`};
			}

			return {matchSession: ({local}) => (local?.port === port ? [] : undefined)};
		},
	},
	{
		name: 'chain',
		operators: [':'],
		example: 'chain:nested',
		description: `place in a chain of ssh hops into this box: ${chainPlaces.join(', ')} (a hop of your own chain)`,
		acceptsAlternatives: true,
		compile(value) {
			const wanted = value.toLowerCase();
			if (!isOneOf(chainPlaces, wanted)) {
				return {hint: `chain: '${value}' is not one of ${chainPlaces.join(', ')}`};
			}

			return {matchSession: session => (isInChainPlace(session, wanted) ? [] : undefined)};
		},
	},
];

export const qualifierByName: ReadonlyMap<string, QualifierDefinition> = new Map(
	qualifiers.map(definition => [definition.name, definition]),
);
