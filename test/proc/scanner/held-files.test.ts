// Held stat files against the real /proc: what makes holding them safe is kernel behaviour
// (a fresh reading on every read at offset 0, and failure once the process is gone).
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {afterEach, describe, expect, it} from 'vitest';
import {createHeldFiles, heldFilesLimit} from '../../../source/proc/scanner/held-files.js';
import {isFailure} from '../../../source/proc/read-file.js';

describe('stat files held open between refreshes', () => {
	let child: ChildProcess | undefined;
	afterEach(async () => {
		if (child?.exitCode === null && child.signalCode === null) {
			child.kill('SIGKILL');
			await once(child, 'exit');
		}
	});

	const stateOf = (text: string | {failure: string}) => (isFailure(text) ? text : text.slice(text.lastIndexOf(')') + 2).split(' ')[0]);

	it('show the process as it is now on every read, and fail once it is gone', async () => {
		child = spawn('sleep', ['60'], {stdio: 'ignore'});
		await once(child, 'spawn');
		const path = `/proc/${child.pid}/stat`;
		const files = createHeldFiles();
		// Just spawned, it may still be running its exec: wait until it sleeps.
		for (let tries = 0; tries < 100 && stateOf(files.readWholeText(path, true)) !== 'S'; tries++) {
			// eslint-disable-next-line no-await-in-loop -- polling the process's state.
			await new Promise(resolve => {
				setTimeout(resolve, 10);
			});
		}

		expect(stateOf(files.readWholeText(path, true))).toBe('S');
		expect(files.size()).toBe(1);

		child.kill('SIGSTOP');
		await new Promise(resolve => {
			setTimeout(resolve, 100);
		});
		expect(stateOf(files.readWholeText(path, true))).toBe('T');

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
		await new Promise(resolve => {
			setTimeout(resolve, 200);
		});
		const asleep = files.readWholeText(path, true);
		expect(asleep).toMatch(/^[1-9]\d* \d+ \d+\n$/);
		await new Promise(resolve => {
			setTimeout(resolve, 100);
		});
		expect(files.readHeldText(path)).toBe(asleep);

		// Stopping it makes it run: the signal is handled in its own context.
		child.kill('SIGSTOP');
		await new Promise(resolve => {
			setTimeout(resolve, 100);
		});
		expect(files.readHeldText(path)).not.toBe(asleep);

		child.kill('SIGKILL');
		await once(child, 'exit');
		expect(isFailure(files.readHeldText(path))).toBe(true);
		expect(files.readHeldText(path)).toBeUndefined();
		expect(files.size()).toBe(0);
	});

	it('hold at most a quarter of the descriptor limit, and at most 8192', () => {
		const limits = (soft: string) => `Limit                     Soft Limit           Hard Limit           Units\nMax open files            ${soft}                 1048576              files\n`;
		expect(heldFilesLimit(limits('1024'))).toBe(256);
		expect(heldFilesLimit(limits('1048576'))).toBe(8192);
		expect(heldFilesLimit(limits('unlimited'))).toBe(8192);
		expect(heldFilesLimit(undefined)).toBe(256);
	});
});
