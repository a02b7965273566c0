// The system log's copy of an action: one key=value line per target, hostile text made safe and
// kept on its line, and the switches that turn it off or point it elsewhere.
import {describe, expect, it} from 'vitest';
import type {AuditEntry} from '../../source/actions/audit-log.js';
import {systemLogFrom, systemLogLines, writeSystemLog} from '../../source/actions/system-log.js';

const target = {
	pid: 4242,
	startTicks: 100,
	user: 'alice',
	tty: 'pts/3',
	peer: '203.0.113.7:51514',
	command: 'vim notes.txt',
	result: 'sent',
	reason: null,
	sentence: 'Sent SIGTERM to vim (4242).',
};

const entry: AuditEntry = {
	time: '2026-12-07T12:00:00.000Z',
	action: 'end-session',
	operator: {uid: 0, user: 'root', peer: '10.0.0.9:50022'},
	signal: {name: 'SIGTERM', number: 15},
	targets: [target, {...target, pid: 4243, tty: null, peer: null, result: 'refused', reason: 'own-session'}],
};

describe('system log lines', () => {
	it('are one per target: action, signal, pid, result, whose, and the operator', () => {
		expect(systemLogLines(entry)).toEqual([
			'action=end-session signal=SIGTERM pid=4242 result=sent user=alice tty=pts/3 peer=203.0.113.7:51514 operator=root operator_uid=0 operator_peer=10.0.0.9:50022 command="vim notes.txt"',
			'action=end-session signal=SIGTERM pid=4243 result=refused reason=own-session user=alice tty=- peer=- operator=root operator_uid=0 operator_peer=10.0.0.9:50022 command="vim notes.txt"',
		]);
	});

	it('keep hostile command lines on one line, controls and bidi shown as placeholders, quotes escaped', () => {
		const [line] = systemLogLines({
			...entry,
			targets: [{...target, command: 'evil\n\u001B[2J"x"\u202E'}],
		});
		expect(line).toContain(String.raw`command="evil^J^[[2J\"x\"<U+202E>"`);
		expect(line).not.toMatch(/[\n\u001B\u202E]/u);
	});
});

describe('where they go', () => {
	it('/dev/log by default, another socket when named, nowhere with --no-syslog', () => {
		expect(systemLogFrom(false, undefined)).toEqual({socket: '/dev/log', isExplicit: false});
		expect(systemLogFrom(false, '/run/x.sock')).toEqual({socket: '/run/x.sock', isExplicit: true});
		expect(systemLogFrom(true, undefined)).toBeUndefined();
	});

	it('a missing default socket is skipped quietly; a missing named one is a warning', () => {
		expect(writeSystemLog({socket: '/nonexistent/log', isExplicit: false}, entry)).toEqual({ok: true, lines: 0});
		expect(writeSystemLog({socket: '/nonexistent/log', isExplicit: true}, entry)).toEqual({
			ok: false,
			warning: 'the system log socket /nonexistent/log does not exist: nothing was logged there',
		});
		expect(writeSystemLog(undefined, entry)).toEqual({ok: true, lines: 0});
	});
});
