// Which sessions `sshtop reap` ends, and which it leaves alone and why. Pure: a report, the
// options and the guard's view of the machine in; a plan out. Nothing here sends anything.
import {assessTargets, type GuardContext} from '../model/guard/guard.js';
import {planProcessAndDescendants, planSessionAction} from '../model/guard/plan.js';
import type {Signal} from '../model/guard/signal-catalogue.js';
import type {ActionTarget} from '../model/guard/target.js';
import {applyFilter, createFilterIndex} from '../model/filter/apply-filter.js';
import {parseFilterQuery, qualifiers} from '../model/filter/query-parser.js';
import type {SessionHealth} from '../model/report/health.js';
import {idleSecondsAt} from '../model/report/idle.js';
import {commandLine} from '../model/report/process-tree.js';
import type {Leftover, ProcessId, Session, SessionReport} from '../model/types.js';
import type {ReapCriteria} from './reap-options.js';

/**
One session to reap: the signal goes to `targets`, where it ends the connection
(planSessionAction: the monitor, the user side the operator owns, or for SIGKILL both).
*/
export type ReapTarget = {
	readonly session: Session;
	readonly targets: readonly ActionTarget[];
	readonly signal: Signal;
};

/**
 * Why a session that matched is left alone:
 * - `own-session`: sshtop runs in it, or in a session nested in it (ending it disconnects the operator);
 * - `listener`: its sshd is a listener (new logins would be refused);
 * - `preauth`: still logging in, and the selection did not ask for such connections (see isPreauthNamed);
 * - `refused`: a guard refused the target (PID 1, a kernel thread, sshtop itself, a bad pid);
 * - `no-target`: its top sshd is not in its process tree (the report is inconsistent).
 */
export type ExclusionReason = 'own-session' | 'listener' | 'preauth' | 'refused' | 'no-target';

export type ReapExclusion = {
	readonly session: Session;
	readonly reason: ExclusionReason;
	/** One sentence for the operator. */
	readonly message: string;
};

export type ReapPlan = {
	/** Epoch ms the report was taken: the sessions' idle times are measured to it. */
	readonly takenAt: number;
	readonly targets: readonly ReapTarget[];
	readonly excluded: readonly ReapExclusion[];
};

export function healthOf(session: Session): SessionHealth {
	return session.health?.health ?? 'unknown';
}

/**
 * Sessions the filter shows, as the explorer would show them: the session's own fields, or
 * any of its processes, satisfy the query. `vim` therefore selects every session running vim.
 */
function filteredSessionIds(report: SessionReport, query: string): ReadonlySet<ProcessId> {
	// Exact words only: `sleap` must not select every session running sleep.
	const result = applyFilter(createFilterIndex(report), query, {isExact: true});
	return new Set(result.sessions.map(session => session.id));
}

function fromMatcher(prefix: string, now: number): (session: Session) => boolean {
	const compiled = qualifiers.find(definition => definition.name === 'from')?.compile(prefix, ':');
	// The options reject a prefix the filter cannot read; should one get here, it matches nothing.
	if (compiled === undefined || 'hint' in compiled || compiled.matchSession === undefined) {
		return () => false;
	}

	const {matchSession} = compiled;
	return session => matchSession(session, now) !== undefined;
}

/** Every criterion given holds (criteria are ANDed). No criteria: nothing matches. */
export function matchingSessions(report: SessionReport, criteria: ReapCriteria): Session[] {
	const tests: Array<(session: Session) => boolean> = [];
	if (criteria.idleSeconds !== undefined) {
		const limit = criteria.idleSeconds;
		tests.push(session => {
			const idleSeconds = idleSecondsAt(session, report.takenAt);
			return idleSeconds !== undefined && idleSeconds >= limit;
		});
	}

	if (criteria.health !== undefined) {
		const wanted = criteria.health;
		tests.push(session => healthOf(session) === wanted);
	}

	if (criteria.user !== undefined) {
		const wanted = criteria.user;
		tests.push(({user}) => user === wanted);
	}

	if (criteria.from !== undefined) {
		tests.push(fromMatcher(criteria.from, report.takenAt));
	}

	if (criteria.filter !== undefined) {
		const shown = filteredSessionIds(report, criteria.filter);
		tests.push(({id}) => shown.has(id));
	}

	if (tests.length === 0) {
		return [];
	}

	return report.sessions.filter(session => tests.every(test => test(session)));
}

/**
 * A connection that has not logged in yet has no user and no idle time worth the name, and
 * holds a MaxStartups slot only until LoginGraceTime. It is reaped only when the selection is
 * about connection health (`--health`, or `health:` in the filter), which is how a half-open
 * one is found, or when the filter names it with `kind:preauth`.
 */
export function isPreauthNamed(criteria: ReapCriteria): boolean {
	if (criteria.health !== undefined) {
		return true;
	}

	if (criteria.filter === undefined) {
		return false;
	}

	return parseFilterQuery(criteria.filter).terms.some(
		term =>
			term.type === 'qualifier' &&
			(term.name === 'health' ||
				(term.name === 'kind' && term.values.some(value => value.toLowerCase() === 'preauth'))),
	);
}

/** The operator's session and every session it runs inside (an ssh client in an outer session). */
function ownSessionChain(report: SessionReport): ReadonlySet<ProcessId> {
	const byId = new Map(report.sessions.map(session => [session.id, session]));
	const chain = new Set<ProcessId>();
	let current = report.ownSessionId ?? report.sessions.find(session => session.isOwn)?.id;
	while (current !== undefined && !chain.has(current)) {
		chain.add(current);
		current = byId.get(current)?.nestedIn;
	}

	return chain;
}

function ownSessionMessage(session: Session, report: SessionReport): string {
	return session.id === report.ownSessionId || session.isOwn
		? 'sshtop runs in this session: reaping it would disconnect you.'
		: "sshtop's session runs inside this one (an ssh client in it): reaping it would disconnect you.";
}

/**
 * Decides, for a report, which sessions get `signal` and which are left alone. The guard
 * runs here as it runs again right before each signal: a session it would refuse or ask about
 * is excluded, never confirmed (reap has nobody to ask).
 */
export function planReap(
	report: SessionReport,
	options: {readonly criteria: ReapCriteria; readonly signal: Signal; readonly operatorUid?: number | undefined},
	context: GuardContext,
): ReapPlan {
	const ownChain = ownSessionChain(report);
	const preauthNamed = isPreauthNamed(options.criteria);
	const targets: ReapTarget[] = [];
	const excluded: ReapExclusion[] = [];
	for (const session of matchingSessions(report, options.criteria)) {
		if (ownChain.has(session.id)) {
			excluded.push({session, reason: 'own-session', message: ownSessionMessage(session, report)});
			continue;
		}

		if (session.kind === 'preauth' && !preauthNamed) {
			excluded.push({
				session,
				reason: 'preauth',
				message: 'Still logging in: reaped only with --health, or a --filter with health: or kind:preauth.',
			});
			continue;
		}

		const planned = planSessionAction(
			session,
			{kind: 'signal', signal: options.signal},
			{operatorUid: options.operatorUid},
		);
		const sessionTargets = planned.ok ? planned.plan.targets : [];
		if (!planned.ok || sessionTargets.length === 0) {
			excluded.push({
				session,
				reason: 'no-target',
				message: planned.ok ? 'The session has no sshd to signal.' : planned.message,
			});
			continue;
		}

		// Reap has nobody to ask: a session any of whose targets the guard would question is left alone.
		const assessments = assessTargets(sessionTargets, options.signal, context);
		const assessment = assessments.find(each => each.kind !== 'allowed') ?? assessments[0];
		switch (assessment?.kind) {
			case 'allowed': {
				targets.push({session, targets: sessionTargets, signal: options.signal});
				break;
			}

			case 'needs-confirmation': {
				excluded.push({
					session,
					reason: assessment.confirmation === 'listener' ? 'listener' : 'own-session',
					message: assessment.message,
				});
				break;
			}

			case 'refused': {
				excluded.push({session, reason: 'refused', message: assessment.message});
				break;
			}

			case undefined: {
				excluded.push({session, reason: 'refused', message: 'The guard gave no verdict; nothing will be sent.'});
				break;
			}
		}
	}

	return {takenAt: report.takenAt, targets, excluded};
}

/** A process left behind by a logout, and what reap would send it (with the processes below it, parents first). */
export type LeftoverTarget = {
	readonly leftover: Leftover;
	readonly targets: readonly ActionTarget[];
	readonly signal: Signal;
};

export type LeftoverExclusion = {readonly leftover: Leftover; readonly message: string};

export type LeftoverPlan = {
	readonly takenAt: number;
	readonly targets: readonly LeftoverTarget[];
	readonly excluded: readonly LeftoverExclusion[];
	/** False when leftovers could not be looked for (reading other users' environments needs root). */
	readonly isReadable: boolean;
};

/**
Which left-behind processes `reap --leftovers` ends: every one, narrowed by --user (exactly), --from
(the peer in its SSH_CONNECTION, as from: reads it) and --filter (exact words of its command line,
or pid:). Each gets the signal with the processes below it, parents first.
*/
export function planLeftoverReap(
	report: SessionReport,
	options: {readonly criteria: ReapCriteria; readonly signal: Signal},
	context: GuardContext,
): LeftoverPlan {
	const {criteria} = options;
	const targets: LeftoverTarget[] = [];
	const excluded: LeftoverExclusion[] = [];
	const from = criteria.from === undefined ? undefined : fromMatcher(criteria.from, report.takenAt);
	const words = criteria.filter === undefined ? [] : parseFilterQuery(criteria.filter).terms;
	for (const leftover of report.leftovers ?? []) {
		const top = leftover.tree.process;
		const command = commandLine(top);
		const matches =
			(criteria.user === undefined || top.user === criteria.user) &&
			// eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion -- from: reads nothing but the peer.
			(from === undefined || from({peer: leftover.peer} as Session)) &&
			words.every(term =>
				term.type === 'text'
					? (term.isCaseSensitive ? command : command.toLowerCase()).includes(
							term.isCaseSensitive ? term.text : term.text.toLowerCase(),
						)
					: term.matchProcess?.(top) !== undefined,
			);
		if (!matches) {
			continue;
		}

		const planned = planProcessAndDescendants(leftover.tree, options.signal, leftover.peer).targets;
		const refusal = assessTargets(planned, options.signal, context).find(assessment => assessment.kind !== 'allowed');
		if (refusal === undefined) {
			targets.push({leftover, targets: planned, signal: options.signal});
		} else {
			excluded.push({
				leftover,
				message: refusal.kind === 'refused' || refusal.kind === 'needs-confirmation' ? refusal.message : '',
			});
		}
	}

	return {takenAt: report.takenAt, targets, excluded, isReadable: report.leftoversReadable === true};
}
