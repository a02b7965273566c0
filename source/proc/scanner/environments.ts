// The SSH environment of processes whose parent does not say whether they belong to a session:
// PID 1's children (possible leftovers, or watched processes whose session ended) and, for a
// normal user, processes whose parent is hidden (hidepid hides root's sshd, and even the user's
// own user-side sshd, which is not dumpable). Read once per process and exec: exec writes the
// environment block.
import {kernelThreadFlag} from '../parse/parse-stat.js';
import {parseSshEnvironment, type SshEnvironment} from '../parse/parse-environ.js';
import {isFailure, meansVanished, readWholeBytes} from '../read-file.js';
import {execFingerprint, type Candidate} from './stat-candidates.js';

/** Undefined when not read (the parent says enough). */
export type EnvironmentReading = SshEnvironment | 'none' | 'unreadable' | undefined;

export type EnvironmentReader = {
	readonly environmentOf: (candidate: Candidate, isParentHidden: boolean) => EnvironmentReading;
	/** Forgets the processes a full scan did not see. */
	readonly keepOnly: (seen: ReadonlySet<number>) => void;
};

export function createEnvironmentReader(procRoot: string): EnvironmentReader {
	let readings = new Map<
		number,
		{readonly fingerprint: string; readonly startTicks: number; readonly environment: EnvironmentReading}
	>();
	return {
		environmentOf({stat, statText}, isParentHidden) {
			if ((stat.ppid !== 1 && !isParentHidden) || (stat.flags & kernelThreadFlag) !== 0 || stat.state === 'Z') {
				return undefined;
			}

			const fingerprint = execFingerprint(statText, stat.comm);
			const cached = readings.get(stat.pid);
			if (cached?.startTicks === stat.startTicks && cached.fingerprint === fingerprint) {
				return cached.environment;
			}

			const bytes = readWholeBytes(`${procRoot}/${stat.pid}/environ`);
			const environment = isFailure(bytes)
				? meansVanished(bytes)
					? 'none'
					: 'unreadable'
				: (parseSshEnvironment(bytes) ?? 'none');
			readings.set(stat.pid, {startTicks: stat.startTicks, fingerprint, environment});
			return environment;
		},
		keepOnly(seen) {
			readings = new Map([...readings].filter(([pid]) => seen.has(pid)));
		},
	};
}

export function hasSshConnection(environment: EnvironmentReading): boolean {
	return typeof environment === 'object' && environment.connection !== undefined;
}
