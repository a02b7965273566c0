// What a target will do with a signal, said before it is sent: a stopped one gets SIGCONT after an
// ending signal; one that ignores it, or a namespace's init without a handler, will not act.
import type {ActionPlan} from './plan.js';
import {isEndingSignal} from './signal-catalogue.js';
import {fateSentence, signalFate} from './signal-fate.js';
import {describeTarget} from './target.js';

export function targetNotes(plan: ActionPlan): string[] {
	return plan.targets.flatMap(target => {
		const fate = signalFate(target, plan.signal);
		if (fate === 'ignored' || fate === 'discarded') {
			return [`${describeTarget(target)}: ${fateSentence(fate, plan.signal)}.`];
		}

		return target.state === 'T' && isEndingSignal(plan.signal)
			? [`${describeTarget(target)} is stopped: SIGCONT follows, so it acts on ${plan.signal.name}.`]
			: [];
	});
}
