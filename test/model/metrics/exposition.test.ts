// The metrics a report becomes: names, labels and values as README documents them, label values
// made safe and escaped, and every kind × health × stage written even at zero.
import {describe, expect, it} from 'vitest';
import {escapeLabelValue, renderMetrics} from '../../../source/model/metrics/exposition.js';
import {commandSession, listener, node, processRecord, report, shellSession} from '../../../test/fixtures/builders.js';

const scan = {durationSeconds: 0.042, scansTotal: 7};

function samples(text: string): Map<string, number> {
	return new Map(
		text
			.split('\n')
			.filter(line => line !== '' && !line.startsWith('#'))
			.map(line => {
				const at = line.lastIndexOf(' ');
				return [line.slice(0, at), Number(line.slice(at + 1))];
			}),
	);
}

describe('metrics of a report', () => {
	const sessions = [
		shellSession(1000, {user: 'alice', idleSeconds: 600}),
		shellSession(1100, {
			user: 'bob',
			idleSeconds: 50_000,
			health: {health: 'dead-peer', evidence: [], tcp: undefined},
		}),
		commandSession(1200, 'rsync --server', {user: 'alice'}),
	];
	const text = renderMetrics(
		report(sessions, {
			listeners: [listener({pid: 800}), listener({pid: 801})],
			leftovers: [
				{
					id: '5000:1',
					tree: node(processRecord({pid: 5000}), node(processRecord({pid: 5001}))),
					peer: undefined,
					local: undefined,
					sshTty: undefined,
				},
			],
			leftoversReadable: true,
		}),
		scan,
		{perSession: false},
	);
	const values = samples(text);

	it('counts sessions by kind, health and stage, writing every combination', () => {
		expect(values.get('sshtop_sessions{kind="shell",health="unknown",stage="established"}')).toBe(1);
		expect(values.get('sshtop_sessions{kind="shell",health="dead-peer",stage="established"}')).toBe(1);
		expect(values.get('sshtop_sessions{kind="command",health="unknown",stage="established"}')).toBe(1);
		expect(values.get('sshtop_sessions{kind="sftp",health="ok",stage="authenticating"}')).toBe(0);
		expect([...values.keys()].filter(key => key.startsWith('sshtop_sessions{'))).toHaveLength(5 * 4 * 2);
	});

	it('counts established sessions by user, the longest idle time by kind, listeners and leftover processes', () => {
		expect(values.get('sshtop_sessions_by_user{user="alice"}')).toBe(2);
		expect(values.get('sshtop_sessions_by_user{user="bob"}')).toBe(1);
		expect(values.get('sshtop_session_idle_seconds_max{kind="shell"}')).toBe(50_000);
		expect(values.get('sshtop_session_idle_seconds_max{kind="sftp"}')).toBe(0);
		expect(values.get('sshtop_listeners')).toBe(2);
		expect(values.get('sshtop_leftover_processes')).toBe(2);
		expect(values.get('sshtop_scan_duration_seconds')).toBe(0.042);
		expect(values.get('sshtop_scans_total')).toBe(7);
		expect(values.get('sshtop_view_partial')).toBe(0);
	});

	it('says each family is a gauge but the scan counter, with help, and ends with a newline', () => {
		expect(text).toContain('# TYPE sshtop_sessions gauge\n');
		expect(text).toContain('# TYPE sshtop_scans_total counter\n');
		expect(text).toMatch(/# HELP sshtop_listeners .+\n/u);
		expect(text.endsWith('\n')).toBe(true);
		expect(text).not.toContain('sshtop_session_info');
	});

	it('leaves leftovers out where they could not be looked for', () => {
		const hidden = renderMetrics(report(sessions, {leftoversReadable: false}), scan, {perSession: false});
		expect(hidden).not.toContain('sshtop_leftover_processes');
	});

	it('adds one info series and one idle series per session with --per-session', () => {
		const perSession = samples(renderMetrics(report(sessions), scan, {perSession: true}));
		const [alice] = sessions;
		expect(
			perSession.get(
				`sshtop_session_info{id="${alice!.id}",user="alice",peer="203.0.113.7:51000",tty="pts/0",kind="shell"}`,
			),
		).toBe(1);
		expect(perSession.get(`sshtop_session_idle_seconds{id="${alice!.id}"}`)).toBe(600);
		// A command without a terminal has no known idle time: no idle series.
		expect([...perSession.keys()].filter(key => key.startsWith('sshtop_session_idle_seconds{'))).toHaveLength(2);
	});
});

describe('label values', () => {
	it('escape backslash and double quote as the format requires', () => {
		expect(escapeLabelValue(String.raw`a\b"c`)).toBe(String.raw`a\\b\"c`);
	});

	it('show control characters, escape sequences, bidi overrides and newlines as placeholders', () => {
		expect(escapeLabelValue('x\u001B[31my\nz\u202Ew\u0085')).toBe('x^[[31my^Jz<U+202E>w<U+0085>');
	});

	it('keep a hostile user name on one line inside its quotes', () => {
		const text = renderMetrics(report([shellSession(1000, {user: 'ev"il\n} 1\nfake 9'})]), scan, {perSession: true});
		expect(text).toContain(String.raw`sshtop_sessions_by_user{user="ev\"il^J} 1^Jfake 9"} 1`);
		expect(text.split('\n').filter(line => line.startsWith('fake'))).toEqual([]);
	});
});
