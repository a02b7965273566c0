// Asks sshd for its effective idle policy. Only works where sshd -T is permitted (as a rule,
// root: it needs the host keys); anything else is simply "not known", never an error.
//
// sshtop often runs as root, so what it executes must not come from anything a user can
// forge: the binary is the listener's /proc/PID/exe (the kernel's word, not its process
// title), and only when it is a root-owned file nobody else may write. Only `-f PATH` is
// taken from the command line, and only three keywords of the answer are ever shown.
import {readlinkSync, statSync} from 'node:fs';
import path from 'node:path';
import {parseSshdInvocation, parseSshdPolicy, type IdlePolicy} from './parse/parse-sshd-policy.js';

export type {IdlePolicy} from './parse/parse-sshd-policy.js';

export type ReadSshdPolicyOptions = {
	readonly procRoot?: string;
	readonly timeoutMilliseconds?: number;
};

function isRootOwnedAndClosed(file: string): boolean {
	const status = statSync(file);
	return status.uid === 0 && (status.mode & 0o022) === 0;
}

/**
A binary safe to run as root: named sshd, a root-owned file nobody else may write, in
directories nobody else may write either (so it cannot be swapped for another).
*/
export function isTrustedSshdBinary(file: string): boolean {
	try {
		if (
			path.basename(file) !== 'sshd' ||
			!path.isAbsolute(file) ||
			!statSync(file).isFile() ||
			!isRootOwnedAndClosed(file)
		) {
			return false;
		}

		for (let directory = path.dirname(file); ; directory = path.dirname(directory)) {
			if (!isRootOwnedAndClosed(directory)) {
				return false;
			}

			if (directory === path.dirname(directory)) {
				return true;
			}
		}
	} catch {
		return false;
	}
}

function listenerBinary(pid: number, procRoot: string): string | undefined {
	try {
		// A replaced binary shows as "/usr/sbin/sshd (deleted)": that file is not the one running.
		const target = readlinkSync(path.join(procRoot, String(pid), 'exe'));
		return target.endsWith(' (deleted)') ? undefined : target;
	} catch {
		return undefined;
	}
}

export async function readSshdPolicy(
	listener: {readonly pid: number; readonly command: string},
	options: ReadSshdPolicyOptions = {},
): Promise<IdlePolicy | undefined> {
	const binary = listenerBinary(listener.pid, options.procRoot ?? '/proc');
	if (binary === undefined || !isTrustedSshdBinary(binary)) {
		return undefined;
	}

	const {configPath} = parseSshdInvocation(listener.command);
	// Loaded when first needed, after the first frame: evaluating execa is a visible part of start-up.
	const {execa} = await import('execa');
	const result = await execa(binary, configPath === undefined ? ['-T'] : ['-T', '-f', configPath], {
		timeout: options.timeoutMilliseconds ?? 2000,
		reject: false,
		stdin: 'ignore',
		env: {LC_ALL: 'C'},
		extendEnv: false,
	});
	return result.exitCode === 0 ? parseSshdPolicy(result.stdout) : undefined;
}
