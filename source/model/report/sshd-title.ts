// What an sshd process says it is, from the title OpenSSH gives it with setproctitle.
// A title alone proves nothing (anyone can set one): connections.ts and session-facts.ts check kernel facts first.

export type SshdTitle =
	| {readonly role: 'listener'}
	/** Accepted connection, not yet past key exchange: `sshd: [accepted]`. */
	| {readonly role: 'accepted'}
	/** Pre-authentication helpers: `sshd: [net]`, `sshd: USER [net]`, `USER [pam]`, `USER [preauth]`. */
	| {readonly role: 'preauth'; readonly user: string | undefined}
	/** The root-owned privileged monitor of a privilege-separated connection: `sshd: USER [priv]`. */
	| {readonly role: 'monitor'; readonly user: string}
	/** The process that serves the user: `USER@pts/1,pts/2`, `USER@notty`, `USER@internal-sftp`, `USER`. */
	| {
			readonly role: 'user-side';
			readonly user: string;
			readonly channel: 'tty' | 'notty' | 'internal-sftp' | 'none';
			readonly ttys: readonly string[];
	  };

const titlePattern = /^(?:sshd|sshd-session|sshd-auth): ([^]*)$/u;
const ttyListPattern = /^(?:pts\/\d+|tty[\w/]*)(?:,(?:pts\/\d+|tty[\w/]*))*$/u;

// A process's argv is read once per exec and kept (proc/scanner/detail-cache.ts): its title is parsed
// once too, not on every refresh for every sshd of every session.
const titles = new WeakMap<readonly string[], SshdTitle | undefined>();

export function parseSshdTitle(argv: readonly string[]): SshdTitle | undefined {
	if (titles.has(argv)) {
		return titles.get(argv);
	}

	const title = parseTitle(argv);
	titles.set(argv, title);
	return title;
}

function parseTitle(argv: readonly string[]): SshdTitle | undefined {
	const body = titlePattern.exec(argv.join(' '))?.[1]?.trim();
	if (body === undefined) {
		return undefined;
	}

	if (body.includes('[listener]')) {
		return {role: 'listener'};
	}

	if (body === '[accepted]') {
		return {role: 'accepted'};
	}

	const bracketed = /^(?:(\S+) )?\[(net|pam|preauth|priv)\]$/u.exec(body);
	if (bracketed) {
		const [, user, tag] = bracketed;
		if (tag === 'priv' && user !== undefined) {
			return {role: 'monitor', user};
		}

		return {role: 'preauth', user};
	}

	if (/\s/u.test(body) || body === '') {
		return undefined;
	}

	const at = body.lastIndexOf('@');
	if (at === -1) {
		return {role: 'user-side', user: body, channel: 'none', ttys: []};
	}

	const user = body.slice(0, at);
	const channel = body.slice(at + 1);
	if (channel === 'notty' || channel === 'internal-sftp') {
		return {role: 'user-side', user, channel, ttys: []};
	}

	if (ttyListPattern.test(channel)) {
		return {role: 'user-side', user, channel: 'tty', ttys: channel.split(',')};
	}

	return undefined;
}
