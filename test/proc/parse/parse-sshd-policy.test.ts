import {describe, expect, test} from 'vitest';
import {parseSshdInvocation, parseSshdPolicy} from '../../../source/proc/parse/parse-sshd-policy.js';

const dump = `port 22
addressfamily any
listenaddress 0.0.0.0:22
clientaliveinterval 300
clientalivecountmax 3
tcpkeepalive yes
permitrootlogin without-password
`;

describe('the idle policy from sshd -T', () => {
	test('reads ClientAliveInterval, ClientAliveCountMax and TCPKeepAlive', () => {
		expect(parseSshdPolicy(dump)).toEqual({
			clientAliveIntervalSeconds: 300,
			clientAliveCountMax: 3,
			tcpKeepAlive: true,
		});
	});

	test('is unknown when sshd printed an error instead of its configuration', () => {
		expect(parseSshdPolicy('sshd: no hostkeys available -- exiting.\n')).toBeUndefined();
	});
});

describe('which sshd and config file a listener runs', () => {
	test('from OpenSSH’s listener title with -f', () => {
		expect(
			parseSshdInvocation('sshd: /usr/sbin/sshd -D -f /tmp/t/sshd_config [listener] 0 of 10-100 startups'),
		).toEqual({executable: '/usr/sbin/sshd', configPath: '/tmp/t/sshd_config'});
	});

	test('from an argv with -fPATH joined', () => {
		expect(parseSshdInvocation('/usr/sbin/sshd -D -f/etc/ssh/alt_config')).toEqual({
			executable: '/usr/sbin/sshd',
			configPath: '/etc/ssh/alt_config',
		});
	});

	test('without -f the default config is used', () => {
		expect(parseSshdInvocation('sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups').configPath).toBeUndefined();
	});
});
