// What the detail pane reads on demand: a process's cwd and SSH_* variables, only while the pid
// is still the process that was selected (same start time).
import {Buffer} from 'node:buffer';
import {readFileSync, realpathSync, statSync, symlinkSync} from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {afterEach, describe, expect, test} from 'vitest';
import {parseStatHead} from '../../source/proc/parse/parse-stat.js';
import {sshVariablesOf} from '../../source/proc/parse/parse-environ.js';
import {readProcessDetails} from '../../source/proc/read-process-details.js';
import {FakeProc} from './fake-proc.js';

const environ = (...entries: string[]) => Buffer.from(entries.map(entry => `${entry}\0`).join(''));

describe('sshVariablesOf', () => {
	test('only the SSH_* pairs, in the order the process has them', () => {
		expect(
			sshVariablesOf(
				environ(
					'PATH=/usr/bin',
					'SSH_CONNECTION=203.0.113.7 41022 10.0.0.1 22',
					'HOME=/home/bob',
					'SSH_CLIENT=203.0.113.7 41022 22',
					'NOT_SSH_TTY=/dev/pts/9',
					'ssh_tty=lower',
					'SSH_TTY=/dev/pts/1',
				),
			),
		).toEqual([
			['SSH_CONNECTION', '203.0.113.7 41022 10.0.0.1 22'],
			['SSH_CLIENT', '203.0.113.7 41022 22'],
			['SSH_TTY', '/dev/pts/1'],
		]);
	});

	test("a value is everything after the first '=': its own '=' signs are kept", () => {
		expect(sshVariablesOf(environ('SSH_ORIGINAL_COMMAND=env A=1 B==2 cmd', 'SSH_EMPTY='))).toEqual([
			['SSH_ORIGINAL_COMMAND', 'env A=1 B==2 cmd'],
			['SSH_EMPTY', ''],
		]);
	});

	test("an entry without '=' is not a variable; nothing at all is no variables", () => {
		expect(sshVariablesOf(environ('SSH_AUTH_SOCK', 'SSH_TTY=/dev/pts/1'))).toEqual([['SSH_TTY', '/dev/pts/1']]);
		expect(sshVariablesOf(new Uint8Array())).toEqual([]);
	});

	test('bytes that are part of a larger buffer are read from their own offset only', () => {
		const whole = Buffer.concat([environ('SSH_BEFORE=x'), environ('SSH_TTY=/dev/pts/1'), environ('SSH_AFTER=y')]);
		const start = environ('SSH_BEFORE=x').length;
		const part = whole.subarray(start, start + environ('SSH_TTY=/dev/pts/1').length);
		expect(sshVariablesOf(part)).toEqual([['SSH_TTY', '/dev/pts/1']]);
	});

	test('invalid UTF-8 is decoded to U+FFFD, not dropped', () => {
		const bytes = Buffer.concat([Buffer.from('SSH_X=a'), Buffer.from([0xff]), Buffer.from('b\0')]);
		expect(sshVariablesOf(bytes)).toEqual([['SSH_X', 'a\uFFFDb']]);
	});
});

describe('readProcessDetails on the real /proc', () => {
	const ownStartTicks = () => parseStatHead(readFileSync('/proc/self/stat', 'utf8'))!.startTicks;

	test('of this process: its cwd, and its SSH_* variables (none is fine)', () => {
		const details = readProcessDetails(process.pid, ownStartTicks());
		expect(details.cwd).toEqual({value: realpathSync(process.cwd())});
		expect('value' in details.sshVariables).toBe(true);
		if ('value' in details.sshVariables) {
			for (const [name] of details.sshVariables.value) {
				expect(name.startsWith('SSH_')).toBe(true);
			}
		}
	});

	// Another user's process: only root may read its cwd and environment.
	const isOthers = process.getuid?.() !== 0 && statSync('/proc/1').uid !== process.getuid?.();
	test.runIf(isOthers)('of another user’s process, not as root: permission denied, says so', () => {
		const initStartTicks = parseStatHead(readFileSync('/proc/1/stat', 'utf8'))!.startTicks;
		expect(readProcessDetails(1, initStartTicks)).toEqual({
			cwd: {reason: 'permission denied (run as root to see it)'},
			sshVariables: {reason: 'permission denied (run as root to see it)'},
		});
	});

	test('with another start time the pid is another process: nothing is read, it "has exited"', () => {
		const details = readProcessDetails(process.pid, ownStartTicks() + 1);
		expect(details).toEqual({
			cwd: {reason: 'the process has exited'},
			sshVariables: {reason: 'the process has exited'},
		});
	});
});

describe('readProcessDetails on a fake /proc', () => {
	let proc: FakeProc | undefined;
	afterEach(() => {
		proc?.dispose();
		proc = undefined;
	});

	test('the cwd link and the environment of the process with that start time', () => {
		proc = new FakeProc();
		proc.write({
			pid: 4242,
			comm: 'bash',
			ppid: 1,
			start: 5000,
			environ: 'HOME=/home/bob\0SSH_TTY=/dev/pts/3\0',
		});
		symlinkSync('/home/bob/project', path.join(proc.proc, '4242', 'cwd'));
		expect(readProcessDetails(4242, 5000, proc.proc)).toEqual({
			cwd: {value: '/home/bob/project'},
			sshVariables: {value: [['SSH_TTY', '/dev/pts/3']]},
		});
		expect(readProcessDetails(4242, 5001, proc.proc).cwd).toEqual({reason: 'the process has exited'});
	});

	test('a pid that is gone has exited; a cwd that cannot be read says why, the rest is still read', () => {
		proc = new FakeProc();
		expect(readProcessDetails(4243, 5000, proc.proc).sshVariables).toEqual({reason: 'the process has exited'});
		proc.write({pid: 4244, comm: 'bash', ppid: 1, start: 5000, environ: 'SSH_TTY=/dev/pts/4\0'});
		const details = readProcessDetails(4244, 5000, proc.proc);
		// No cwd link in the fake: as when it vanished between the two reads.
		expect(details.cwd).toEqual({reason: 'the process has exited'});
		expect(details.sshVariables).toEqual({value: [['SSH_TTY', '/dev/pts/4']]});
	});
});
