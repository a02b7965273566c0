// OpenSSH's log lines about who logged in and how, read from a file that `sshd -E` writes (bare
// messages) or from syslog (auth.log, secure: a time stamp, the host, and `sshd[PID]:` or
// `sshd-session[PID]:` before the message). Pure: one line in, one event (or nothing) out.
import type {Endpoint} from '../../proc/types.js';

export type AuthMethod = 'publickey' | 'password' | 'keyboard-interactive' | 'hostbased' | 'gssapi-with-mic' | 'none';

export type CertificateFacts = {readonly id: string; readonly serial: string; readonly caFingerprint: string};

export type SshdLogEvent =
	| {readonly type: 'connection'; readonly peer: Endpoint}
	/** LogLevel VERBOSE: which authorized_keys line a key matched. */
	| {readonly type: 'key-found'; readonly fingerprint: string; readonly file: string; readonly line: number}
	| {
			readonly type: 'accepted';
			readonly method: AuthMethod;
			readonly user: string;
			readonly peer: Endpoint;
			readonly keyType: string | undefined;
			readonly fingerprint: string | undefined;
			readonly certificate: CertificateFacts | undefined;
	  }
	/** `Failed <method> for [invalid user] NAME from …`: one authentication attempt refused. */
	| {readonly type: 'failed'; readonly method: string; readonly user: string; readonly peer: Endpoint}
	/** `Invalid user NAME from …`: the name is no account here; a key attempt for it logs no `Failed` line. */
	| {readonly type: 'invalid-user'; readonly user: string; readonly peer: Endpoint}
	| {readonly type: 'ended'; readonly peer: Endpoint};

export type SshdLogLine = {
	/** The sshd that wrote it, where the line says (syslog); undefined for `sshd -E` files. */
	readonly pid: number | undefined;
	/** When, as epoch milliseconds, where the line says (syslog); undefined for `sshd -E` files. */
	readonly time?: number | undefined;
	readonly event: SshdLogEvent;
};

export const authMethods: readonly AuthMethod[] = [
	'publickey',
	'password',
	'keyboard-interactive',
	'hostbased',
	'gssapi-with-mic',
	'none',
];

// `Dec  7 19:00:01 host sshd[123]: ` (RFC 3164) or `2026-12-07T19:00:01.123456+00:00 host sshd[123]: `.
const syslogPrefix =
	/^([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)) \S+ (sshd|sshd-session)(?:\[(\d+)\])?: (.*)$/u;
const address = String.raw`(\S+) port (\d{1,5})`;
const connection = new RegExp(String.raw`^Connection from ${address} on \S+ port \d+`, 'u');
const keyFound = /^Accepted key (\S+) (SHA256:[\w+/=]+) found at (.+):(\d+)$/u;
const accepted = new RegExp(
	String.raw`^Accepted (\S+) for (.+?) from ${address} ssh2(?:: (\S+) (SHA256:[\w+/=]+)(?: ID (.*) \(serial (\d+)\) CA \S+ (SHA256:[\w+/=]+))?)?$`,
	'u',
);
const failed = new RegExp(String.raw`^Failed (\S+) for (?:invalid user )?(.*?) from ${address} ssh2(?:: .*)?$`, 'u');
const invalidUser = new RegExp(String.raw`^Invalid user (.*?) from ${address}$`, 'u');
const ended = new RegExp(
	String.raw`^(?:Disconnected from (?:(?:invalid |authenticating )?user .+? )?|Connection closed by (?:(?:invalid |authenticating )?user .+? )?|Connection reset by (?:(?:invalid |authenticating )?user .+? )?)${address}(?: \[preauth\])?$`,
	'u',
);

function endpoint(host: string, port: string): Endpoint {
	return {address: host, port: Number(port)};
}

function isMethod(text: string): text is AuthMethod {
	return (authMethods as readonly string[]).includes(text);
}

/** The event a message tells of, or undefined for any other message. */
export function parseSshdMessage(message: string): SshdLogEvent | undefined {
	let match = accepted.exec(message);
	if (match !== null) {
		const [, method, user, host, port, keyType, fingerprint, certificateId, serial, caFingerprint] = match;
		if (!isMethod(method!)) return undefined;
		return {
			type: 'accepted',
			method,
			user: user!,
			peer: endpoint(host!, port!),
			keyType: keyType?.replace(/-CERT$/u, ''),
			fingerprint,
			certificate:
				certificateId === undefined ? undefined : {id: certificateId, serial: serial!, caFingerprint: caFingerprint!},
		};
	}

	match = keyFound.exec(message);
	if (match !== null) {
		return {type: 'key-found', fingerprint: match[2]!, file: match[3]!, line: Number(match[4])};
	}

	match = failed.exec(message);
	if (match !== null) {
		return {type: 'failed', method: match[1]!, user: match[2]!, peer: endpoint(match[3]!, match[4]!)};
	}

	match = invalidUser.exec(message);
	if (match !== null) return {type: 'invalid-user', user: match[1]!, peer: endpoint(match[2]!, match[3]!)};
	match = connection.exec(message);
	if (match !== null) return {type: 'connection', peer: endpoint(match[1]!, match[2]!)};
	match = ended.exec(message);
	if (match !== null) return {type: 'ended', peer: endpoint(match[1]!, match[2]!)};
	return undefined;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
The instant of a syslog time stamp. RFC 3164's has no year or zone: local time, in the year that
puts it at most a day after `now` (a December line read in January is last year's).
*/
export function syslogTime(stamp: string, now: number): number | undefined {
	if (/^\d{4}-/u.test(stamp)) {
		const time = Date.parse(stamp);
		return Number.isNaN(time) ? undefined : time;
	}

	const [month, day, clock] = stamp.split(/ +/u);
	const [hours, minutes, seconds] = (clock ?? '').split(':').map(Number);
	const monthIndex = months.indexOf(month ?? '');
	if (monthIndex === -1) return undefined;
	const year = new Date(now).getFullYear();
	const inYear = (y: number) => new Date(y, monthIndex, Number(day), hours, minutes, seconds).getTime();
	const time = inYear(year);
	return time > now + 86_400_000 ? inYear(year - 1) : time;
}

/**
One line of an sshd log, with or without a syslog prefix; undefined when it tells nothing here.
`now` dates a syslog time stamp without a year.
*/
export function parseSshdLogLine(line: string, now = Date.now()): SshdLogLine | undefined {
	const text = line.endsWith('\r') ? line.slice(0, -1) : line;
	const prefixed = syslogPrefix.exec(text);
	if (prefixed !== null) {
		const event = parseSshdMessage(prefixed[4]!);
		return event === undefined
			? undefined
			: {pid: prefixed[3] === undefined ? undefined : Number(prefixed[3]), time: syslogTime(prefixed[1]!, now), event};
	}

	// A syslog line of another program is not sshd's.
	if (/^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d /u.test(text) || /^\d{4}-\d\d-\d\dT/u.test(text)) return undefined;
	const event = parseSshdMessage(text);
	return event === undefined ? undefined : {pid: undefined, event};
}
