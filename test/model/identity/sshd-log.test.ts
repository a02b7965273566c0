// sshd's log lines as OpenSSH 9.2 writes them (these were copied from a real sshd's -E file and
// syslog), and how they join to live sessions: exactly, or not at all.
import {describe, expect, it} from 'vitest';
import {createAuthLedger} from '../../../source/model/identity/auth-ledger.js';
import {keyCommentOf} from '../../../source/model/identity/authorized-keys.js';
import {parseSshdLogLine, syslogTime} from '../../../source/model/identity/sshd-log.js';

const fingerprint = 'SHA256:bHowcv5gqplee8235Q1GejTUaPPIFCX2F1gLKSnHTo8';
const caFingerprint = 'SHA256:wsXtR1yg9Urez9F84zhURFLOI+lskb6SLD/woxg6vIM';
const now = new Date(2026, 11, 7, 20, 0, 0).getTime();

function parse(lines: readonly string[]) {
	return lines.map(line => parseSshdLogLine(line, now)).filter(line => line !== undefined);
}

describe('sshd log lines', () => {
	it('read a public key login as sshd -E writes it: no pid, no time', () => {
		expect(
			parseSshdLogLine(`Accepted publickey for root from 127.0.0.1 port 46368 ssh2: ED25519 ${fingerprint}`),
		).toEqual({
			pid: undefined,
			event: {
				type: 'accepted',
				method: 'publickey',
				user: 'root',
				peer: {address: '127.0.0.1', port: 46_368},
				keyType: 'ED25519',
				fingerprint,
				certificate: undefined,
			},
		});
	});

	it('read a certificate login: its key ID, serial and CA', () => {
		const line = `Accepted publickey for deploy from 10.0.0.9 port 51514 ssh2: ED25519-CERT ${fingerprint} ID deploy-bot-7 (serial 42) CA ED25519 ${caFingerprint}`;
		expect(parseSshdLogLine(line)?.event).toMatchObject({
			keyType: 'ED25519',
			certificate: {id: 'deploy-bot-7', serial: '42', caFingerprint},
		});
	});

	it('read syslog lines with the sshd pid and the time, for sshd and sshd-session', () => {
		expect(
			parseSshdLogLine(
				'Dec  7 19:00:01 bastion sshd[4242]: Accepted password for alice from 2001:db8::7 port 50022 ssh2',
				now,
			),
		).toEqual({
			pid: 4242,
			time: new Date(2026, 11, 7, 19, 0, 1).getTime(),
			event: {
				type: 'accepted',
				method: 'password',
				user: 'alice',
				peer: {address: '2001:db8::7', port: 50_022},
				keyType: undefined,
				fingerprint: undefined,
				certificate: undefined,
			},
		});
		expect(
			parseSshdLogLine(
				`2026-12-07T19:00:01.123456+00:00 bastion sshd-session[77]: Accepted key ED25519 ${fingerprint} found at /home/alice/.ssh/authorized_keys:3`,
			),
		).toEqual({
			pid: 77,
			time: Date.parse('2026-12-07T19:00:01.123456+00:00'),
			event: {type: 'key-found', fingerprint, file: '/home/alice/.ssh/authorized_keys', line: 3},
		});
	});

	it('read ends of connections, and leave other programs’ lines and other messages alone', () => {
		expect(parseSshdLogLine('Disconnected from user root 127.0.0.1 port 46368')?.event).toEqual({
			type: 'ended',
			peer: {address: '127.0.0.1', port: 46_368},
		});
		expect(parseSshdLogLine('Connection closed by invalid user nosuch 127.0.0.1 port 46388 [preauth]')?.event).toEqual({
			type: 'ended',
			peer: {address: '127.0.0.1', port: 46_388},
		});
		expect(
			parseSshdLogLine('Dec  7 19:00:01 bastion sudo[1]: Accepted publickey for root from 1.2.3.4 port 1 ssh2'),
		).toBeUndefined();
		expect(parseSshdLogLine('Server listening on 0.0.0.0 port 22.')).toBeUndefined();
	});

	it('date a syslog time stamp without a year in the year that is not in the future', () => {
		const january = new Date(2027, 0, 2, 0, 0, 0).getTime();
		expect(new Date(syslogTime('Dec 31 23:59:59', january)!).getFullYear()).toBe(2026);
		expect(new Date(syslogTime('Jan  2 00:00:00', january)!).getFullYear()).toBe(2027);
	});
});

describe('joining the log to live sessions', () => {
	const logWithoutPids = [
		'Connection from 127.0.0.1 port 46368 on 127.0.0.1 port 2299 rdomain ""',
		`Accepted key ED25519 ${fingerprint} found at /tmp/ak:1`,
		`Accepted publickey for root from 127.0.0.1 port 46368 ssh2: ED25519 ${fingerprint}`,
	];

	it('matches lines without a pid by peer address and port, with the key’s authorized_keys line', () => {
		const ledger = createAuthLedger();
		ledger.add(parse(logWithoutPids));
		expect(ledger.authOf({pid: 1, peer: {address: '127.0.0.1', port: 46_368}})).toMatchObject({
			method: 'publickey',
			user: 'root',
			fingerprint,
			keySource: {file: '/tmp/ak', line: 1},
		});
		expect(ledger.authOf({pid: 1, peer: {address: '127.0.0.1', port: 46_369}})).toBeUndefined();
	});

	it('forgets a connection that ended: a new one from the same port is not it', () => {
		const ledger = createAuthLedger();
		ledger.add(parse([...logWithoutPids, 'Disconnected from user root 127.0.0.1 port 46368']));
		expect(ledger.authOf({pid: 1, peer: {address: '127.0.0.1', port: 46_368}})).toBeUndefined();
	});

	it('leaves the key line unknown when the key was found at two places before the login', () => {
		const ledger = createAuthLedger();
		ledger.add(
			parse([
				`Accepted key ED25519 ${fingerprint} found at /home/a/.ssh/authorized_keys:1`,
				`Accepted key ED25519 ${fingerprint} found at /home/b/.ssh/authorized_keys:4`,
				`Accepted publickey for root from 127.0.0.1 port 46368 ssh2: ED25519 ${fingerprint}`,
			]),
		);
		expect(ledger.authOf({pid: 1, peer: {address: '127.0.0.1', port: 46_368}})?.keySource).toBeUndefined();
	});

	it('matches syslog lines by the sshd pid, and only when the peer is the session’s too (a pid is reused)', () => {
		const ledger = createAuthLedger();
		ledger.add(
			parse([
				`Dec  7 19:00:01 bastion sshd[4242]: Accepted key ED25519 ${fingerprint} found at /root/.ssh/authorized_keys:2`,
				`Dec  7 19:00:01 bastion sshd[4243]: Accepted key ED25519 ${fingerprint} found at /srv/other:9`,
				`Dec  7 19:00:01 bastion sshd[4242]: Accepted publickey for root from 10.0.0.9 port 51514 ssh2: ED25519 ${fingerprint}`,
			]),
		);
		expect(ledger.authOf({pid: 4242, peer: {address: '10.0.0.9', port: 51_514}})?.keySource).toEqual({
			file: '/root/.ssh/authorized_keys',
			line: 2,
		});
		expect(ledger.authOf({pid: 4242, peer: {address: '10.0.0.9', port: 60_000}})).toBeUndefined();
		expect(ledger.authOf({pid: 9999, peer: {address: '10.0.0.9', port: 51_514}})).toBeUndefined();
	});
});

describe('refused logins per source address', () => {
	const at = (minutes: number, seconds: number) =>
		`Dec  7 19:${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')} bastion sshd[${100 + seconds}]:`;

	it('read Failed and Invalid user lines, with the method and the account tried', () => {
		expect(
			parseSshdLogLine(`Failed publickey for root from 127.0.0.1 port 49770 ssh2: ED25519 ${fingerprint}`)?.event,
		).toEqual({type: 'failed', method: 'publickey', user: 'root', peer: {address: '127.0.0.1', port: 49_770}});
		expect(parseSshdLogLine('Failed password for invalid user admin from 203.0.113.9 port 4711 ssh2')?.event).toEqual({
			type: 'failed',
			method: 'password',
			user: 'admin',
			peer: {address: '203.0.113.9', port: 4711},
		});
		expect(parseSshdLogLine('Invalid user nosuch from 127.0.0.1 port 49774')?.event).toEqual({
			type: 'invalid-user',
			user: 'nosuch',
			peer: {address: '127.0.0.1', port: 49_774},
		});
	});

	it('count each Failed line, and an invalid user’s connection once when it logged no Failed line', () => {
		const ledger = createAuthLedger();
		ledger.add(
			parse([
				`${at(55, 1)} Failed password for root from 203.0.113.9 port 4711 ssh2`,
				`${at(55, 1)} Failed password for root from 203.0.113.9 port 4711 ssh2`,
				`${at(55, 2)} Invalid user admin from 203.0.113.9 port 4712`,
				`${at(55, 2)} Failed password for invalid user admin from 203.0.113.9 port 4712 ssh2`,
				`${at(55, 3)} Invalid user oracle from 203.0.113.9 port 4713`,
				`${at(55, 4)} Failed none for invalid user test from 198.51.100.4 port 1 ssh2`,
				`${at(55, 4)} Invalid user test from 198.51.100.4 port 1`,
				`${at(56, 5)} Failed publickey for root from ::ffff:198.51.100.4 port 2 ssh2: ED25519 ${fingerprint}`,
			]),
		);
		expect(ledger.failuresSince(0)).toEqual([
			{address: '203.0.113.9', count: 4, lastAt: new Date(2026, 11, 7, 19, 55, 3).getTime()},
			{address: '198.51.100.4', count: 2, lastAt: new Date(2026, 11, 7, 19, 56, 5).getTime()},
		]);
		expect(ledger.failuresSince(new Date(2026, 11, 7, 19, 56, 0).getTime())).toEqual([
			{address: '198.51.100.4', count: 1, lastAt: new Date(2026, 11, 7, 19, 56, 5).getTime()},
		]);
	});

	it('leave a line without a time uncounted: when it happened is unknown', () => {
		const ledger = createAuthLedger();
		ledger.add(parse(['Failed password for root from 203.0.113.9 port 4711 ssh2']));
		expect(ledger.failuresSince(0)).toEqual([]);
	});
});

describe('authorized_keys comments', () => {
	it('are what follows the key, with or without options before it', () => {
		expect(keyCommentOf('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA alice@laptop')).toBe('alice@laptop');
		expect(keyCommentOf('from="10.0.0.0/8",command="echo a b" ssh-rsa AAAAB3Nza bob at work')).toBe('bob at work');
		expect(keyCommentOf('ecdsa-sha2-nistp256 AAAAE2VjZHNh')).toBeUndefined();
		expect(keyCommentOf('# ssh-ed25519 AAAA commented out')).toBeUndefined();
		expect(keyCommentOf('not a key line')).toBeUndefined();
	});
});
