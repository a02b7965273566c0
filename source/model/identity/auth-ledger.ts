// Who logged in each live session, from sshd's log lines in the order they were written. Exact
// or nothing: a session is matched by its sshd's pid where the lines carry one (syslog), and its
// peer address and port must be the line's too (a pid is reused); lines without a pid (sshd -E)
// match by peer address and port, while no later line says that connection ended. An
// authorized_keys location is kept only when one location is possible for the key.
import {unmappedIpv4} from '../../proc/parse/parse-net-tcp.js';
import type {Endpoint} from '../../proc/types.js';
import type {AuthMethod, CertificateFacts, SshdLogLine} from './sshd-log.js';

/** What the log says about how a session authenticated. */
export type SessionAuth = {
	readonly method: AuthMethod;
	/** The account it logged in as, as the log line says. */
	readonly user: string;
	readonly peer: Endpoint;
	readonly keyType: string | undefined;
	/** `SHA256:…` of the key (for a certificate, of its key). */
	readonly fingerprint: string | undefined;
	/** The authorized_keys file and line the key matched (LogLevel VERBOSE). */
	readonly keySource: {readonly file: string; readonly line: number} | undefined;
	/** The comment of that authorized_keys line, read where permitted; attached by the reader. */
	readonly keyComment?: string | undefined;
	readonly certificate: CertificateFacts | undefined;
};

/** How far back refused logins are counted: ten minutes, as fail2ban's default findtime. */
export const failedLoginWindowSeconds = 600;

/** Refused authentication attempts from one source address. */
export type SourceFailures = {
	readonly address: string;
	readonly count: number;
	/** Epoch ms of the latest. */
	readonly lastAt: number;
};

export type AuthLedger = {
	/** Takes lines in the order the log has them. */
	readonly add: (lines: Iterable<SshdLogLine>) => void;
	/** How the session with this top sshd pid and peer logged in; undefined when the log does not say. */
	readonly authOf: (session: {readonly pid: number; readonly peer: Endpoint | undefined}) => SessionAuth | undefined;
	/**
	Failures per source address at or after `since` (epoch ms), most first. A connection counts each
	`Failed` line it logged, or once when it only logged `Invalid user`. Lines without a time are
	not counted: when they happened is unknown.
	*/
	readonly failuresSince: (since: number) => SourceFailures[];
};

type ConnectionFailures = {address: string; failed: number; isInvalidUser: boolean; lastAt: number};

/** More entries than live sessions on any box: the oldest go first. */
const maxEntries = 20_000;

function peerKey(peer: Endpoint): string {
	return `${unmappedIpv4(peer.address)} ${peer.port}`;
}

function isSamePeer(a: Endpoint | undefined, b: Endpoint): boolean {
	return a?.port === b.port && unmappedIpv4(a.address) === unmappedIpv4(b.address);
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
	map.delete(key);
	map.set(key, value);
	if (map.size > maxEntries) map.delete(map.keys().next().value!);
}

type Location = {readonly file: string; readonly line: number};

export function createAuthLedger(): AuthLedger {
	const byPid = new Map<number, SessionAuth>();
	const byPeer = new Map<string, SessionAuth>();
	// Key locations seen and not yet claimed by an accepted login: by pid, or by fingerprint.
	const locationsByPid = new Map<number, Array<Location & {readonly fingerprint: string}>>();
	const locationsByFingerprint = new Map<string, Map<string, Location>>();
	const failuresByConnection = new Map<string, ConnectionFailures>();
	let hasPids = false;

	function noteFailure(peer: Endpoint, time: number | undefined, isInvalidUser: boolean): void {
		if (time === undefined) return;
		const key = peerKey(peer);
		const entry = failuresByConnection.get(key) ?? {
			address: unmappedIpv4(peer.address),
			failed: 0,
			isInvalidUser: false,
			lastAt: time,
		};
		if (isInvalidUser) entry.isInvalidUser = true;
		else entry.failed++;
		entry.lastAt = Math.max(entry.lastAt, time);
		remember(failuresByConnection, key, entry);
	}

	function locationFor(line: SshdLogLine, fingerprint: string | undefined): Location | undefined {
		if (fingerprint === undefined) return undefined;
		if (line.pid !== undefined) {
			const found = (locationsByPid.get(line.pid) ?? []).filter(location => location.fingerprint === fingerprint);
			locationsByPid.delete(line.pid);
			const distinct = new Set(found.map(location => `${location.file}:${location.line}`));
			return distinct.size === 1 ? {file: found[0]!.file, line: found[0]!.line} : undefined;
		}

		const candidates = locationsByFingerprint.get(fingerprint);
		locationsByFingerprint.delete(fingerprint);
		return candidates?.size === 1 ? [...candidates.values()][0] : undefined;
	}

	return {
		add(lines) {
			for (const line of lines) {
				const {event, pid} = line;
				if (pid !== undefined) hasPids = true;
				switch (event.type) {
					case 'key-found': {
						const location = {file: event.file, line: event.line};
						if (pid === undefined) {
							const candidates = locationsByFingerprint.get(event.fingerprint) ?? new Map<string, Location>();
							candidates.set(`${event.file}:${event.line}`, location);
							remember(locationsByFingerprint, event.fingerprint, candidates);
						} else {
							remember(locationsByPid, pid, [
								...(locationsByPid.get(pid) ?? []),
								{...location, fingerprint: event.fingerprint},
							]);
						}

						break;
					}

					case 'accepted': {
						const auth: SessionAuth = {
							method: event.method,
							user: event.user,
							peer: event.peer,
							keyType: event.keyType,
							fingerprint: event.fingerprint,
							keySource: locationFor(line, event.fingerprint),
							certificate: event.certificate,
						};
						if (pid === undefined) {
							remember(byPeer, peerKey(event.peer), auth);
						} else {
							remember(byPid, pid, auth);
						}

						break;
					}

					case 'failed': {
						// `none` is the client asking which methods exist, not an attempt.
						if (event.method !== 'none') noteFailure(event.peer, line.time, false);
						break;
					}

					case 'invalid-user': {
						noteFailure(event.peer, line.time, true);
						break;
					}

					case 'ended': {
						byPeer.delete(peerKey(event.peer));
						break;
					}

					case 'connection': {
						break;
					}
				}
			}
		},
		authOf({pid, peer}) {
			if (hasPids) {
				const auth = byPid.get(pid);
				return auth !== undefined && isSamePeer(peer, auth.peer) ? auth : undefined;
			}

			return peer === undefined ? undefined : byPeer.get(peerKey(peer));
		},
		failuresSince(since) {
			const bySource = new Map<string, SourceFailures>();
			for (const entry of failuresByConnection.values()) {
				if (entry.lastAt < since) continue;
				const count = entry.failed > 0 ? entry.failed : 1;
				const before = bySource.get(entry.address);
				bySource.set(entry.address, {
					address: entry.address,
					count: (before?.count ?? 0) + count,
					lastAt: Math.max(before?.lastAt ?? 0, entry.lastAt),
				});
			}

			return [...bySource.values()].toSorted((a, b) => b.count - a.count || b.lastAt - a.lastAt);
		},
	};
}
