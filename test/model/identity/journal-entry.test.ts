// Entries as `journalctl -o json --output-fields=MESSAGE,_PID,SYSLOG_PID` prints them (systemd
// 252): each becomes the sshd line it carries, with journald's pid and time.
/* eslint-disable @typescript-eslint/naming-convention -- journald's field names. */
import {Buffer} from 'node:buffer';
import {describe, expect, it} from 'vitest';
import {parseJournalRecord} from '../../../source/model/identity/journal-entry.js';

const cursor = 's=7f48;i=1;b=0123;m=1;t=66211dda3d106;x=1c70';

describe('journal entries', () => {
	it('carry the message, journald’s pid and the time in microseconds', () => {
		const entry = JSON.stringify({
			__CURSOR: cursor,
			__REALTIME_TIMESTAMP: '1796678732730630',
			_PID: '4242',
			SYSLOG_PID: '1',
			MESSAGE: 'Accepted password for alice from 10.0.0.9 port 51514 ssh2',
		});
		expect(parseJournalRecord(entry)).toEqual({
			cursor,
			line: {
				pid: 4242,
				time: 1_796_678_732_730.63,
				event: {
					type: 'accepted',
					method: 'password',
					user: 'alice',
					peer: {address: '10.0.0.9', port: 51_514},
					keyType: undefined,
					fingerprint: undefined,
					certificate: undefined,
				},
			},
		});
	});

	it('take a message that is not UTF-8 (an array of bytes), and SYSLOG_PID when _PID is missing', () => {
		const message = [...Buffer.from('Invalid user \u001B]52;c;x\u0007 from 10.0.0.9 port 1')];
		const record = parseJournalRecord(JSON.stringify({__CURSOR: cursor, SYSLOG_PID: '77', MESSAGE: message}));
		expect(record?.line).toMatchObject({pid: 77, time: undefined, event: {type: 'invalid-user'}});
	});

	it('keep the cursor of an entry that tells nothing, and refuse what is not an entry', () => {
		expect(parseJournalRecord(JSON.stringify({__CURSOR: cursor, MESSAGE: 'Server listening on :: port 22.'}))).toEqual({
			cursor,
			line: undefined,
		});
		expect(parseJournalRecord(JSON.stringify({__CURSOR: cursor, MESSAGE: null}))).toEqual({cursor, line: undefined});
		expect(parseJournalRecord('-- No entries --')).toBeUndefined();
		expect(parseJournalRecord('[1,2]')).toBeUndefined();
	});
});
