import process from 'node:process';
import {Buffer} from 'node:buffer';
import {describe, expect, it} from 'vitest';
import {kernelThreadFlag, parseStat, parseStatHead, parseStatLink} from '../../../source/proc/parse/parse-stat.js';
import {fixtureBytes, fixtureText} from '../fixture.js';

describe('parseStat', () => {
	it('reads the fields a session view needs from an ordinary stat line', () => {
		expect(parseStat(fixtureText('stat/plain'))).toEqual({
			pid: 4242,
			comm: 'sshd',
			state: 'S',
			ppid: 1,
			processGroup: 4242,
			sessionId: 4242,
			ttyNumber: 0,
			foregroundProcessGroup: -1,
			flags: 4_194_560,
			userTicks: 3,
			systemTicks: 7,
			threads: 1,
			startTicks: 36_969,
			rssPages: 2345,
		});
	});

	it('finds the fields after the LAST parenthesis when comm contains ") R 4999"', () => {
		const stat = parseStat(fixtureText('stat/paren-in-comm'));
		expect(stat?.comm).toBe('evil) S 1 (x)');
		expect(stat?.state).toBe('R');
		expect(stat?.ppid).toBe(4999);
		expect(stat?.ttyNumber).toBe(34_817);
		expect(stat?.startTicks).toBe(40_000);
		expect(stat?.threads).toBe(3);
	});

	it('keeps a newline inside comm', () => {
		const stat = parseStat(fixtureText('stat/newline-in-comm'));
		expect(stat?.comm).toBe('line\none');
		expect(stat?.rssPages).toBe(7);
	});

	it('keeps escape sequences in comm verbatim (the UI sanitises, the parser must not lose data)', () => {
		expect(parseStat(fixtureText('stat/escape-in-comm'))?.comm).toBe('\u001B]0;pwned\u0007');
	});

	it('decodes invalid UTF-8 in comm as U+FFFD and still reads a zombie state', () => {
		const stat = parseStat(fixtureText('stat/invalid-utf8'));
		expect(stat?.comm).toBe('bad\uFFFD\uFFFDutf');
		expect(stat?.state).toBe('Z');
	});

	it('marks kernel threads through PF_KTHREAD', () => {
		const stat = parseStat(fixtureText('stat/kernel-thread'));
		expect(stat && (stat.flags & kernelThreadFlag) !== 0).toBe(true);
		expect((parseStat(fixtureText('stat/plain'))!.flags & kernelThreadFlag) !== 0).toBe(false);
	});

	it('returns undefined for a truncated or garbage line instead of throwing', () => {
		expect(parseStat(fixtureText('stat/truncated'))).toBeUndefined();
		expect(parseStat('')).toBeUndefined();
		expect(parseStat('no parens at all')).toBeUndefined();
		expect(parseStat(')(')).toBeUndefined();
	});
});

describe('parseStatHead (what a full scan reads of every process)', () => {
	const fixtures = [
		'plain',
		'paren-in-comm',
		'newline-in-comm',
		'escape-in-comm',
		'invalid-utf8',
		'kernel-thread',
		'truncated',
	];

	it.each(fixtures)('agrees with parseStat on stat/%s', name => {
		const full = parseStat(fixtureText(`stat/${name}`));
		const head = parseStatHead(fixtureText(`stat/${name}`));
		expect(head).toEqual(
			full && {
				pid: full.pid,
				comm: full.comm,
				state: full.state,
				ppid: full.ppid,
				flags: full.flags,
				startTicks: full.startTicks,
			},
		);
	});

	it('agrees with parseStat on this process and its parent, as the kernel writes them', async () => {
		const {readFileSync} = await import('node:fs');
		for (const path of ['/proc/self/stat', `/proc/${process.ppid}/stat`]) {
			const text = readFileSync(path, 'utf8');
			const full = parseStat(text)!;
			expect(parseStatHead(text)).toEqual({
				pid: full.pid,
				comm: full.comm,
				state: full.state,
				ppid: full.ppid,
				flags: full.flags,
				startTicks: full.startTicks,
			});
		}
	});

	it('returns undefined for garbage instead of throwing', () => {
		expect(parseStatHead('')).toBeUndefined();
		expect(parseStatHead('no parens at all')).toBeUndefined();
		expect(parseStatHead('12 (x) S 1 2')).toBeUndefined();
		expect(parseStatHead('12 (x) S one 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21')).toBeUndefined();
	});
});

describe('parseStatLink (the bytes a full scan looks at in every line)', () => {
	const fixtures = ['plain', 'paren-in-comm', 'newline-in-comm', 'escape-in-comm', 'invalid-utf8', 'kernel-thread'];

	it.each(fixtures)('finds the pid, parent and comm parseStat finds in stat/%s', name => {
		const full = parseStat(fixtureText(`stat/${name}`))!;
		expect(parseStatLink(fixtureBytes(`stat/${name}`))).toEqual({pid: full.pid, comm: full.comm, ppid: full.ppid});
	});

	it('reads this process and its parent as the kernel writes them', async () => {
		const {readFileSync} = await import('node:fs');
		for (const path of ['/proc/self/stat', `/proc/${process.ppid}/stat`]) {
			const full = parseStat(readFileSync(path, 'utf8'))!;
			expect(parseStatLink(readFileSync(path))).toEqual({pid: full.pid, comm: full.comm, ppid: full.ppid});
		}
	});

	it('reads only as far as the parent: a line cut after it still links (the full parse is for the lines kept)', () => {
		expect(parseStatLink(Buffer.from('12 (x) S 1 2'))).toEqual({pid: 12, comm: 'x', ppid: 1});
		expect(parseStatLink(Buffer.from('0 (swapper) S 0 0'))).toEqual({pid: 0, comm: 'swapper', ppid: 0});
		expect(parseStatLink(fixtureBytes('stat/truncated'))).toEqual({pid: 5003, comm: 'trunc', ppid: 4999});
	});

	it("declines any line not in the kernel's shape, so the caller parses it the slow way", () => {
		for (const text of [
			'',
			'no parens at all',
			')(',
			' 12 (x) S 1 2 ',
			'12 (x) S 1',
			'12(x) S 1 2',
			'12 (x)S 1 2',
			'12 (x) S one 2',
			'12 (x) S -1 2',
			'1e3 (x) S 1 2',
			'12 (x) S 99999999999999999 2',
			'12 (x) SS 1 2',
		]) {
			expect(parseStatLink(Buffer.from(text)), text).toBeUndefined();
		}
	});
});
