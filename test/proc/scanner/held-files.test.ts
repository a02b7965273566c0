// Held stat files against the real /proc: what makes holding them safe is kernel behaviour
// (a fresh reading on every read at offset 0, and failure once the process is gone).
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {readFileSync} from 'node:fs';
import {setTimeout as delay} from 'node:timers/promises';
import {afterEach, describe, expect, it} from 'vitest';
import {createHeldFiles, heldFilesLimit} from '../../../source/proc/scanner/held-files.js';
import {isFailure} from '../../../source/proc/read-file.js';
import {waitUntil} from '../../e2e/harness/wait-for.js';

describe('stat files held open between refreshes', () => {
	let child: ChildProcess | undefined;
	afterEach(async () => {
		if (child?.exitCode === null && child.signalCode === null) {
			child.kill('SIGKILL');
			await once(child, 'exit');
		}
	});

	const stateOf = (text: string | {failure: string}) =>
		isFailure(text) ? text : text.slice(text.lastIndexOf(')') + 2).split(' ')[0];
	/**
	Whether sleep(1) is in its one long sleep, past its exec: the kernel names where it waits
	(`hrtimer_nanosleep`), or says `0` where it hides that, and then the state must do.
	*/
	const isInNanosleep = (pid: number) => {
		const channel = readFileSync(`/proc/${pid}/wchan`, 'utf8');
		return (
			channel.includes('nanosleep') || (channel === '0' && stateOf(readFileSync(`/proc/${pid}/stat`, 'utf8')) === 'S')
		);
	};

	it('show the process as it is now on every read, and fail once it is gone', async () => {
		child = spawn('sleep', ['60'], {stdio: 'ignore'});
		await once(child, 'spawn');
		const path = `/proc/${child.pid}/stat`;
		const files = createHeldFiles();
		// Just spawned, it may still be running its exec: wait until it sleeps.
		await waitUntil(() => stateOf(files.readWholeText(path, true)) === 'S', {
			description: 'sleep(1) asleep',
			intervalMs: 10,
		});
		expect(files.size()).toBe(1);

		// The same held file, read again, says stopped as soon as the kernel has stopped it.
		child.kill('SIGSTOP');
		await waitUntil(() => stateOf(files.readWholeText(path, true)) === 'T', {
			description: 'the held stat to say T',
			intervalMs: 10,
		});
		expect(files.size()).toBe(1);

		child.kill('SIGKILL');
		await once(child, 'exit');
		// Reaped: the held descriptor fails, and so does opening the path again.
		expect(files.readWholeText(path, true)).toEqual({failure: 'ENOENT'});
		expect(files.size()).toBe(0);
	});

	it('close what is released, and hold nothing with a limit of 0', async () => {
		child = spawn('sleep', ['60'], {stdio: 'ignore'});
		await once(child, 'spawn');
		const files = createHeldFiles();
		files.readWholeText(`/proc/${child.pid}/stat`, true);
		files.readWholeText('/proc/self/stat', true);
		files.release([`/proc/${child.pid}/stat`, '/proc/1/stat']);
		expect(files.size()).toBe(1);

		const none = createHeldFiles(0);
		expect(isFailure(none.readWholeText(`/proc/${child.pid}/stat`, true))).toBe(false);
		expect(none.size()).toBe(0);
	});

	it('read a held schedstat only through its descriptor: unchanged while the process sleeps, moved once it ran, failed once it is gone', async () => {
		child = spawn('sleep', ['60'], {stdio: 'ignore'});
		await once(child, 'spawn');
		const path = `/proc/${child.pid}/schedstat`;
		const files = createHeldFiles();
		expect(files.readHeldText(path)).toBeUndefined();
		// Past its exec and into its one long sleep, after which it does not run until signalled.
		await waitUntil(() => isInNanosleep(child!.pid!), {description: 'sleep(1) in nanosleep', intervalMs: 10});
		const asleep = files.readWholeText(path, true);
		expect(asleep).toMatch(/^[1-9]\d* \d+ \d+\n$/u);
		// Something that must NOT happen: a sleeping process's figures do not move. A short
		// fixed window is the only way to give it the chance to.
		await delay(100);
		expect(files.readHeldText(path)).toBe(asleep);

		// Stopping it makes it run: the signal is handled in its own context.
		child.kill('SIGSTOP');
		await waitUntil(() => files.readHeldText(path) !== asleep, {
			description: 'the held schedstat to move',
			intervalMs: 10,
		});

		child.kill('SIGKILL');
		await once(child, 'exit');
		expect(isFailure(files.readHeldText(path))).toBe(true);
		expect(files.readHeldText(path)).toBeUndefined();
		expect(files.size()).toBe(0);
	});

	it('hold at most a quarter of the descriptor limit, and at most 8192', () => {
		const limits = (soft: string) =>
			`Limit                     Soft Limit           Hard Limit           Units\nMax open files            ${soft}                 1048576              files\n`;
		expect(heldFilesLimit(limits('1024'))).toBe(256);
		expect(heldFilesLimit(limits('1048576'))).toBe(8192);
		expect(heldFilesLimit(limits('unlimited'))).toBe(8192);
		expect(heldFilesLimit(undefined)).toBe(256);
	});
});
