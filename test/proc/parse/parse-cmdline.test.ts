import {Buffer} from 'node:buffer';
import {describe, expect, it} from 'vitest';
import {parseCmdline} from '../../../source/proc/parse/parse-cmdline.js';
import {fixtureBytes} from '../fixture.js';

describe('parseCmdline', () => {
	it('drops the NUL padding setproctitle leaves behind', () => {
		expect(parseCmdline(fixtureBytes('cmdline-setproctitle'))).toEqual(['sshd: alice@pts/3']);
	});

	it('keeps control characters and empty arguments in the middle', () => {
		expect(parseCmdline(fixtureBytes('cmdline-control'))).toEqual(['bash', '-c', 'echo \u001B[2J', '', 'tail']);
	});

	it('turns invalid UTF-8 into U+FFFD and keeps valid multibyte text', () => {
		expect(parseCmdline(fixtureBytes('cmdline-invalid-utf8'))).toEqual(['café', '\uFFFD\uFFFD']);
	});

	it('gives an empty argv for kernel threads and zombies', () => {
		expect(parseCmdline(new Uint8Array())).toEqual([]);
		expect(parseCmdline(new Uint8Array([0, 0]))).toEqual([]);
	});

	it('respects the view it is given inside a larger buffer', () => {
		const backing = Buffer.from('xxxsleep\u00009\u0000yyy');
		expect(parseCmdline(backing.subarray(3, 11))).toEqual(['sleep', '9']);
	});
});
