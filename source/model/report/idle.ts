// How long a session's user has been idle, from the instant a session keeps (Session.idleSince).
import type {Session} from '../types.js';

/** Milliseconds idle at `now` (a report's takenAt), unrounded; undefined when unknown. */
export function idleMsAt(session: Pick<Session, 'idleSince'>, now: number): number | undefined {
	return session.idleSince === undefined ? undefined : Math.max(0, now - session.idleSince);
}

/** Whole seconds idle at `now`, as `w` counts them; undefined when unknown. */
export function idleSecondsAt(session: Pick<Session, 'idleSince'>, now: number): number | undefined {
	const idleMs = idleMsAt(session, now);
	return idleMs === undefined ? undefined : Math.floor(idleMs / 1000);
}
