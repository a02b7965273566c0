import process from 'node:process';
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {
	appendAuditEntry,
	auditLogPathProblem,
	type AuditEntry,
	prepareAuditLog,
	currentOperator,
	defaultAuditLogPath,
	resolveAuditLogPath,
} from '../../source/actions/audit-log.js';

let directory: string;

beforeEach(() => {
	directory = mkdtempSync(path.join(tmpdir(), 'sshtop-audit-'));
});

afterEach(() => {
	rmSync(directory, {recursive: true, force: true});
});

function entry(pid: number): AuditEntry {
	return {
		time: new Date(1_700_000_000_000 + pid).toISOString(),
		action: 'end-session',
		operator: {uid: 0, user: 'root', peer: '192.0.2.10:50000'},
		signal: {name: 'SIGTERM', number: 15},
		targets: [
			{
				pid,
				startTicks: pid * 100,
				user: 'alice',
				tty: 'pts/0',
				peer: '203.0.113.7:51234',
				command: 'sshd: alice [priv]',
				result: 'sent',
				reason: null,
				sentence: `Sent SIGTERM to ${pid} (sshd: alice [priv]).`,
			},
		],
	};
}

function modeOf(file: string): number {
	return statSync(file).mode & 0o777;
}

describe('appendAuditEntry', () => {
	test('creates missing directories 0700 and the file 0600, and writes one JSON line', () => {
		const logPath = path.join(directory, 'var', 'log', 'sshtop', 'actions.log');
		expect(appendAuditEntry(logPath, entry(1000))).toEqual({ok: true, path: logPath});
		expect(modeOf(logPath)).toBe(0o600);
		expect(modeOf(path.dirname(logPath))).toBe(0o700);
		expect(modeOf(path.join(directory, 'var'))).toBe(0o700);
		const text = readFileSync(logPath, 'utf8');
		expect(text.endsWith('\n')).toBe(true);
		expect(JSON.parse(text)).toEqual(entry(1000));
	});

	test('appends after existing content and never truncates it', () => {
		const logPath = path.join(directory, 'actions.log');
		const earlier = 'a line from an earlier version, not even JSON\n';
		writeFileSync(logPath, earlier, {mode: 0o600});
		appendAuditEntry(logPath, entry(1));
		appendAuditEntry(logPath, entry(2));
		const text = readFileSync(logPath, 'utf8');
		expect(text.startsWith(earlier)).toBe(true);
		const lines = text.slice(earlier.length).trimEnd().split('\n');
		expect(lines.map(line => (JSON.parse(line) as AuditEntry).targets[0]?.pid)).toEqual([1, 2]);
	});

	test('a command line with newlines stays on one line', () => {
		const logPath = path.join(directory, 'actions.log');
		const tricky = entry(3);
		const withNewline = {...tricky, targets: [{...tricky.targets[0]!, command: 'evil\n{"forged":true}'}]};
		appendAuditEntry(logPath, withNewline);
		const lines = readFileSync(logPath, 'utf8').trimEnd().split('\n');
		expect(lines).toHaveLength(1);
		expect((JSON.parse(lines[0]!) as AuditEntry).targets[0]?.command).toBe('evil\n{"forged":true}');
	});

	test('a path below a regular file is a warning, not an exception', () => {
		const file = path.join(directory, 'file');
		writeFileSync(file, 'x');
		const logPath = path.join(file, 'sshtop', 'actions.log');
		const result = appendAuditEntry(logPath, entry(4));
		expect(result).toMatchObject({ok: false, path: logPath});
		expect(result.ok ? '' : result.warning).toMatch(/^Audit log .*actions\.log not written: .*ENOTDIR/u);
	});

	test('a directory in place of the log file is a warning, and the directory is left alone', () => {
		const logPath = path.join(directory, 'actions.log');
		mkdirSync(logPath);
		const result = appendAuditEntry(logPath, entry(5));
		expect(result.ok).toBe(false);
		expect(result.ok ? '' : result.warning).toMatch(/EISDIR/u);
		expect(statSync(logPath).isDirectory()).toBe(true);
	});

	test.skipIf(process.getuid?.() === 0)('a read-only file is a warning for a normal user', () => {
		const logPath = path.join(directory, 'actions.log');
		writeFileSync(logPath, 'kept\n');
		chmodSync(logPath, 0o400);
		const result = appendAuditEntry(logPath, entry(6));
		expect(result.ok).toBe(false);
		expect(readFileSync(logPath, 'utf8')).toBe('kept\n');
	});
});

describe('where the log goes', () => {
	test('root logs to /var/log/sshtop/actions.log', () => {
		expect(defaultAuditLogPath({XDG_STATE_HOME: '/elsewhere'}, 0, '/root')).toBe('/var/log/sshtop/actions.log');
	});

	test('a normal user logs to $XDG_STATE_HOME/sshtop/actions.log', () => {
		expect(defaultAuditLogPath({XDG_STATE_HOME: '/home/alice/state'}, 1000, '/home/alice')).toBe(
			'/home/alice/state/sshtop/actions.log',
		);
	});

	test('without XDG_STATE_HOME, or with a relative one, to ~/.local/state/sshtop/actions.log', () => {
		expect(defaultAuditLogPath({}, 1000, '/home/alice')).toBe('/home/alice/.local/state/sshtop/actions.log');
		expect(defaultAuditLogPath({XDG_STATE_HOME: 'state'}, 1000, '/home/alice')).toBe(
			'/home/alice/.local/state/sshtop/actions.log',
		);
	});

	test('--audit-log PATH overrides the default, made absolute', () => {
		expect(resolveAuditLogPath('/tmp/audit.log')).toBe('/tmp/audit.log');
		expect(resolveAuditLogPath('audit.log')).toBe(path.resolve('audit.log'));
		expect(resolveAuditLogPath(undefined)).toBe(defaultAuditLogPath());
	});
});

describe('the operator', () => {
	test('is this process: real uid, its user name, and the peer it was given', async () => {
		const operator = currentOperator({address: '192.0.2.10', port: 50_000});
		expect(operator.uid).toBe(Number((await execa('id', ['-ru'])).stdout));
		expect(operator.user).toBe((await execa('id', ['-run'])).stdout);
		expect(operator.peer).toEqual({address: '192.0.2.10', port: 50_000});
		expect(currentOperator().peer).toBeUndefined();
	});
});

describe('checked before anything is sent', () => {
	test('a path under /proc or /sys is refused at once, also through a link to them, and nothing is created', () => {
		expect(auditLogPathProblem('/proc/x/y.log')).toBe(
			'/proc/x/y.log is under /proc, a kernel interface, not a place for a log file',
		);
		expect(auditLogPathProblem('/sys/kernel/actions.log')).toMatch(/under \/sys/u);
		const link = path.join(directory, 'to-proc');
		symlinkSync('/proc/self', link);
		expect(auditLogPathProblem(path.join(link, 'actions.log'))).toMatch(/under \/proc/u);
		expect(auditLogPathProblem(path.join(directory, 'state', 'actions.log'))).toBeUndefined();
		expect(prepareAuditLog('/proc/x/y.log')).toEqual({
			ok: false,
			path: '/proc/x/y.log',
			warning: 'Audit log refused: /proc/x/y.log is under /proc, a kernel interface, not a place for a log file',
		});
		expect(appendAuditEntry('/proc/x/y.log', entry(1)).ok).toBe(false);
	});

	test('prepareAuditLog opens the log for append (directory 0700, file 0600) without writing a line', () => {
		const log = path.join(directory, 'state', 'sshtop', 'actions.log');
		expect(prepareAuditLog(log)).toEqual({ok: true, path: log});
		expect(statSync(log).mode & 0o777).toBe(0o600);
		expect(statSync(path.dirname(log)).mode & 0o777).toBe(0o700);
		expect(readFileSync(log, 'utf8')).toBe('');
	});

	test('a log that cannot be written is said before the first signal', () => {
		const blocked = path.join(directory, 'file');
		writeFileSync(blocked, '');
		const result = prepareAuditLog(path.join(blocked, 'actions.log'));
		expect(result.ok).toBe(false);
		expect(!result.ok && result.warning).toMatch(/^Audit log .*actions\.log cannot be written: E[A-Z]+/u);
	});

	test('lines are safe to print: C1, bidi, zero-width and line separators are escaped, the JSON the same', () => {
		const log = path.join(directory, 'actions.log');
		const hostile = 'sleep\u009B31m\u202Eevil\u200B\u2028x';
		const line = {...entry(7), targets: [{...entry(7).targets[0]!, command: hostile}]};
		appendAuditEntry(log, line);
		const text = readFileSync(log, 'utf8');
		expect(text).not.toMatch(/[\u0080-\u009F\u202A-\u202E\u200B\u2028]/u);
		expect((JSON.parse(text) as AuditEntry).targets[0]?.command).toBe(hostile);
	});
});
