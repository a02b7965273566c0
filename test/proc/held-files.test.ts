// Held stat files against the real /proc: what makes holding them safe is kernel behaviour
// (a fresh reading on every read at offset 0, and failure once the process is gone).
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {afterEach, describe, expect, it} from 'vitest';
import {createHeldFiles} from '../../source/proc/held-files.js';
import {isFailure} from '../../source/proc/read-file.js';

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
});
