// What sshd does about idle connections, from the effective configuration `sshd -T` prints.

export type IdlePolicy = {
	/** Seconds of silence before sshd probes the client; 0 means it never does. */
	readonly clientAliveIntervalSeconds: number;
	/** Unanswered probes after which sshd drops the connection. */
	readonly clientAliveCountMax: number;
	readonly tcpKeepAlive: boolean;
};

/** Parses `sshd -T` output (lower-case `keyword value` lines); undefined when a keyword is missing. */
export function parseSshdPolicy(text: string): IdlePolicy | undefined {
	const values = new Map<string, string>();
	for (const line of text.split('\n')) {
		const match = /^(\S+)\s+(.*)$/u.exec(line.trim());
		if (match?.[1] !== undefined && match[2] !== undefined) {
			values.set(match[1].toLowerCase(), match[2].trim());
		}
	}

	const interval = Number.parseInt(values.get('clientaliveinterval') ?? '', 10);
	const countMax = Number.parseInt(values.get('clientalivecountmax') ?? '', 10);
	const keepAlive = values.get('tcpkeepalive');
	if (!Number.isFinite(interval) || !Number.isFinite(countMax) || (keepAlive !== 'yes' && keepAlive !== 'no')) {
		return undefined;
	}

	return {clientAliveIntervalSeconds: interval, clientAliveCountMax: countMax, tcpKeepAlive: keepAlive === 'yes'};
}

export type SshdInvocation = {
	/** The sshd binary the listener runs, when its title names it by absolute path. */
	readonly executable: string | undefined;
	/** The `-f PATH` configuration file, when the listener was started with one. */
	readonly configPath: string | undefined;
};

/**
Reads the sshd binary and `-f` config path from a listener's command line, which is either
its argv or OpenSSH's listener title (`sshd: /usr/sbin/sshd -D -f /etc/x [listener] 0 of 10-100 startups`).
*/
export function parseSshdInvocation(command: string): SshdInvocation {
	const words = command
		.replace(/^sshd:\s+/u, '')
		.split(/\s+/u)
		.filter(word => word.length > 0);
	const first = words[0];
	const executable = first !== undefined && first.startsWith('/') && first.endsWith('/sshd') ? first : undefined;
	let configPath: string | undefined;
	for (const [index, word] of words.entries()) {
		if (word === '-f') {
			configPath = words[index + 1];
		} else if (word.startsWith('-f') && word.length > 2) {
			configPath = word.slice(2);
		}
	}

	return {executable, configPath};
}
