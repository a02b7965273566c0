// Asks sshd for its effective idle policy. Only works where sshd -T is permitted (as a rule,
// root: it needs the host keys); anything else is simply "not known", never an error.
import {execa} from 'execa';
import {parseSshdInvocation, parseSshdPolicy, type IdlePolicy} from './parse-sshd-policy.js';

export type {IdlePolicy} from './parse-sshd-policy.js';

export type ReadSshdPolicyOptions = {
	readonly timeoutMilliseconds?: number;
	/** Binaries to try when the listener's title does not name its own. */
	readonly fallbackExecutables?: readonly string[];
};

export async function readSshdPolicy(listenerCommand: string, options: ReadSshdPolicyOptions = {}): Promise<IdlePolicy | undefined> {
	const {executable, configPath} = parseSshdInvocation(listenerCommand);
	const candidates = executable === undefined ? (options.fallbackExecutables ?? ['/usr/sbin/sshd', 'sshd']) : [executable];
	const arguments_ = configPath === undefined ? ['-T'] : ['-T', '-f', configPath];
	for (const candidate of candidates) {
		try {
			// eslint-disable-next-line no-await-in-loop -- one after another: the first that answers wins.
			const result = await execa(candidate, arguments_, {
				timeout: options.timeoutMilliseconds ?? 2000,
				reject: false,
				stdin: 'ignore',
				env: {LC_ALL: 'C'},
			});
			if (result.exitCode === 0) {
				return parseSshdPolicy(result.stdout);
			}
		} catch {
			// Not installed or not executable: try the next candidate.
		}
	}

	return undefined;
}
