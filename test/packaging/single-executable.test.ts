// How the standalone build makes a single executable without postject: the blob goes into a
// Node binary as a loaded note (scripts/elf-note.mjs), checked with a Node binary that is on
// every machine running these tests (the one running them) and with binutils' readelf.
import {Buffer} from 'node:buffer';
import process from 'node:process';
import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {encodeNote, withNote} from '../../scripts/elf-note.mjs';
import {singleExecutable} from '../../scripts/single-executable.mjs';

type Segment = {readonly type: string; readonly offset: number; readonly fileSize: number; readonly flags: string};

/** The program headers as `readelf -lW` prints them. */
async function segmentsOf(file: string): Promise<{segments: Segment[]; stderr: string}> {
	const {stdout, stderr} = await execa('readelf', ['-lW', file]);
	const segments = [
		...stdout.matchAll(/^ {2}([A-Z_]+)\s+0x([\da-f]+) 0x[\da-f]+ 0x[\da-f]+ 0x([\da-f]+) 0x[\da-f]+ (.{3})/gmu),
	].map(match => ({
		type: match[1]!,
		offset: Number.parseInt(match[2]!, 16),
		fileSize: Number.parseInt(match[3]!, 16),
		flags: match[4]!.trim(),
	}));
	return {segments, stderr};
}

describe.skipIf(process.platform !== 'linux' || process.arch !== 'x64')('a blob injected as a note', () => {
	let directory: string;
	let executable: string;
	let blob: Buffer;

	beforeAll(async () => {
		directory = mkdtempSync(path.join(tmpdir(), 'sshtop-sea-'));
		const script = path.join(directory, 'main.cjs');
		writeFileSync(script, "process.stdout.write('blob ran with ' + process.argv.slice(2).join(' '));\n");
		const config = path.join(directory, 'sea-config.json');
		const blobFile = path.join(directory, 'main.blob');
		// eslint-disable-next-line @typescript-eslint/naming-convention -- Node's name for it.
		writeFileSync(config, JSON.stringify({main: script, output: blobFile, disableExperimentalSEAWarning: true}));
		await execa(process.execPath, ['--experimental-sea-config', config]);
		blob = readFileSync(blobFile);
		executable = path.join(directory, 'app');
		writeFileSync(executable, singleExecutable(readFileSync(process.execPath), blob));
		chmodSync(executable, 0o755);
	}, 60_000);

	afterAll(() => {
		if (directory !== undefined) rmSync(directory, {recursive: true, force: true});
	});

	it('runs the blob instead of Node, with the arguments given', async () => {
		const result = await execa(executable, ['one', 'two'], {env: {PATH: '/nonexistent'}, extendEnv: false});
		expect(result.stdout).toBe('blob ran with one two');
		expect(result.stderr).toBe('');
	});

	it('adds one read-only loadable segment holding the notes, and readelf finds nothing wrong', async () => {
		const before = await segmentsOf(process.execPath);
		const after = await segmentsOf(executable);
		expect(after.stderr).toBe('');
		expect(after.segments).toHaveLength(before.segments.length + 1);
		const loads = (segments: Segment[]) => segments.filter(segment => segment.type === 'LOAD');
		expect(loads(after.segments)).toEqual([...loads(before.segments), expect.objectContaining({flags: 'R'})]);
		const added = loads(after.segments).at(-1)!;
		const note = after.segments.find(segment => segment.type === 'NOTE')!;
		const interp = after.segments.find(segment => segment.type === 'INTERP')!;
		for (const moved of [note, interp]) {
			expect(moved.offset).toBeGreaterThanOrEqual(added.offset);
			expect(moved.offset + moved.fileSize).toBeLessThanOrEqual(added.offset + added.fileSize);
		}

		const noteBefore = before.segments.find(segment => segment.type === 'NOTE')!;
		expect(note.fileSize).toBe(noteBefore.fileSize + encodeNote('NODE_SEA_BLOB', 0, blob).length);
	});

	it('keeps the section headers pointing at what they name', async () => {
		const {stdout, stderr} = await execa('readelf', ['-nW', executable]);
		// Node's own build notes draw the same warnings before and after.
		expect(stderr).toBe((await execa('readelf', ['-nW', process.execPath])).stderr);
		expect(stdout).toMatch(/NT_GNU_BUILD_ID/u);
		expect(stdout).toMatch(/NT_GNU_ABI_TAG[^\n]*\n?\s*OS: Linux/u);
		const interpreter = await execa('readelf', ['-W', '--string-dump=.interp', executable]);
		expect(interpreter.stdout).toContain('/lib64/ld-linux-x86-64.so.2');
	});

	it('refuses a binary whose first note segment cannot take the note, leaving it as it was', () => {
		const original = readFileSync('/usr/bin/true');
		const copy = Buffer.from(original);
		expect(() => withNote(copy, 'TEST', Buffer.from('x'))).toThrow(/no segment of 4-byte-aligned notes/u);
		expect(copy.equals(original)).toBe(true);
	});

	it('refuses what is not a 64-bit ELF file', () => {
		expect(() => withNote(Buffer.from('#!/bin/sh\necho hi\n'.repeat(8)), 'TEST', Buffer.from('x'))).toThrow(
			'not an ELF file',
		);
	});
});
