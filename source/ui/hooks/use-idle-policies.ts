// Asks each listener's sshd for its idle policy once, in the background; shows what answers.
import {useEffect, useRef, useState} from 'react';
import type {IdlePolicy} from '../../proc/parse/parse-sshd-policy.js';
import type {Listener, ProcessId} from '../../model/types.js';

export type LoadIdlePolicy = (listener: Listener) => Promise<IdlePolicy | undefined>;

export function useIdlePolicies(
	listeners: readonly Listener[] | undefined,
	loadPolicy: LoadIdlePolicy | undefined,
): ReadonlyMap<ProcessId, IdlePolicy> {
	const [policies, setPolicies] = useState<ReadonlyMap<ProcessId, IdlePolicy>>(() => new Map());
	const asked = useRef(new Set<ProcessId>());
	const isMounted = useRef(true);
	useEffect(() => {
		isMounted.current = true;
		return () => {
			isMounted.current = false;
		};
	}, []);
	useEffect(() => {
		if (loadPolicy === undefined || listeners === undefined) {
			return;
		}

		for (const listener of listeners) {
			if (asked.current.has(listener.id)) {
				continue;
			}

			asked.current.add(listener.id);
			void loadPolicy(listener).then(
				policy => {
					if (policy !== undefined && isMounted.current) {
						setPolicies(current => new Map([...current, [listener.id, policy]]));
					}
				},
				() => undefined,
			);
		}
	}, [listeners, loadPolicy]);
	return policies;
}
