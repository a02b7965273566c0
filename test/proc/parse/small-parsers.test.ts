import {describe, expect, it} from 'vitest';
import {parsePasswd} from '../../../source/proc/parse/parse-passwd.js';
import {parseStatus} from '../../../source/proc/parse/parse-status.js';
import {parseBootTime, parseLoadAverage, parseUptime} from '../../../source/proc/parse/parse-system.js';
import {ttyName} from '../../../source/proc/tty-name.js';

describe('ttyName', () => {
	it('decodes pseudo-terminals across all pts majors', () => {
		expect(ttyName(34_816)).toBe('pts/0');
		expect(ttyName(34_819)).toBe('pts/3');
		// Major 137, minor 4: the 261st pseudo-terminal.
		expect(ttyName((137 << 8) | 4)).toBe('pts/260');
		// Minors above 255 are stored in the high bits of tty_nr.
		expect(ttyName((136 << 8) | (0x1_00 << 12) | 2)).toBe('pts/258');
	});

	it('decodes virtual consoles and serial lines, and 0 as no terminal', () => {
		expect(ttyName((4 << 8) | 1)).toBe('tty1');
		expect(ttyName((4 << 8) | 64)).toBe('ttyS0');
		expect(ttyName((5 << 8) | 1)).toBe('console');
		expect(ttyName(0)).toBeUndefined();
		expect(ttyName((250 << 8) | 3)).toBe('tty(250,3)');
	});
});

describe('parseStatus', () => {
	it('reads the real and effective uid, and the thread group', () => {
		expect(
			parseStatus('Name:\tsu\nTgid:\t4242\nPid:\t4243\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n'),
		).toMatchObject({realUid: 1000, effectiveUid: 0, threadGroupId: 4242});
	});

	it('leaves them unknown when the lines are missing', () => {
		expect(parseStatus('Name:\tx\n')).toEqual({
			realUid: undefined,
			effectiveUid: undefined,
			threadGroupId: undefined,
			ignoredSignals: undefined,
			caughtSignals: undefined,
			isNamespaceInit: false,
		});
	});

	it('reads the signal masks, and whether it is the init of a PID namespace below ours', () => {
		const status = 'Name:\tsleep\nNSpid:\t4242\t1\nSigIgn:\t0000000000004000\nSigCgt:\t0000000000000002\n';
		expect(parseStatus(status)).toMatchObject({
			ignoredSignals: '0000000000004000',
			caughtSignals: '0000000000000002',
			isNamespaceInit: true,
		});
		expect(parseStatus('NSpid:\t4242\n').isNamespaceInit).toBe(false);
	});
});

describe('parsePasswd', () => {
	it('maps uids to names, first entry wins, comments and junk skipped', () => {
		const names = parsePasswd(
			'root:x:0:0:root:/root:/bin/bash\n# comment\nbroken\ntoor:x:0:0::/:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/bash\nbad:x:notanumber:0::/:/bin/sh\n',
		);
		expect(names.get(0)).toBe('root');
		expect(names.get(1000)).toBe('alice');
		expect(names.size).toBe(2);
	});
});

describe('system files', () => {
	it('reads boot time, uptime and load', () => {
		expect(parseBootTime('cpu  1 2 3\nbtime 1763770000\nprocesses 5\n')).toBe(1_763_770_000);
		expect(parseBootTime('cpu 1\n')).toBeUndefined();
		expect(parseUptime('366.35 700.10\n')).toBe(366.35);
		expect(parseLoadAverage('1.95 0.70 0.28 2/150 9000\n')).toEqual([1.95, 0.7, 0.28]);
		expect(parseLoadAverage('garbage')).toBeUndefined();
	});
});
