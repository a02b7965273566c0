import {describe, expect, it} from 'vitest';
import {parseHidePid, parseIoCharacters, parsePortRange} from '../../../source/proc/parse/parse-proc-access.js';

const mountinfo = (superOptions: string) =>
	[
		'22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw',
		`23 28 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:14 - proc proc ${superOptions}`,
		'24 28 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=4011400k',
	].join('\n');

describe('parseHidePid', () => {
	it('reads hidepid from the proc mount, by number or by name', () => {
		expect(parseHidePid(mountinfo('rw'))).toBe('off');
		expect(parseHidePid(mountinfo('rw,hidepid=2'))).toBe('invisible');
		expect(parseHidePid(mountinfo('rw,hidepid=invisible,gid=27'))).toBe('invisible');
		expect(parseHidePid(mountinfo('rw,hidepid=1'))).toBe('noaccess');
		expect(parseHidePid(mountinfo('rw,hidepid=ptraceable'))).toBe('ptraceable');
	});

	it('takes the last proc mount on /proc: the one a path resolves to', () => {
		const remounted = `${mountinfo('rw')}\n30 23 0:40 / /proc rw,relatime - proc proc rw,hidepid=invisible`;
		expect(parseHidePid(remounted)).toBe('invisible');
	});

	it('ignores other mount points and garbage', () => {
		expect(parseHidePid('31 28 0:41 / /srv/proc rw - proc proc rw,hidepid=2\nnot a line')).toBe('off');
	});
});

describe('parsePortRange and parseIoCharacters', () => {
	it('reads the ephemeral port range', () => {
		expect(parsePortRange('32768\t60999\n')).toEqual([32_768, 60_999]);
		expect(parsePortRange('garbage')).toBeUndefined();
	});

	it('adds rchar and wchar of /proc/PID/io', () => {
		expect(parseIoCharacters('rchar: 18703\nwchar: 1231\nsyscr: 20\nsyscw: 14\nread_bytes: 0\n')).toBe(19_934);
		expect(parseIoCharacters('rchar: 1\n')).toBeUndefined();
	});
});
