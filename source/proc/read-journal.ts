// sshd's entries in the systemd journal, through journalctl (identifiers sshd and sshd-session).
// The first read asks for the entries since the oldest live session began (newest first
// windows of 20,000, 160,000, then 1,280,000 entries), then every later read only for what came
// after the last entry's cursor: in the live view a `journalctl --follow` child streams them, so
// a refresh with nothing new logged reads nothing and starts nothing.
import {Buffer} from 'node:buffer';
import {readdirSync} from 'node:fs';
import path from 'node:path';
import {execa, execaSync, type ResultPromise} from 'execa';
import {createAuthLedger, type AuthLedger} from '../model/identity/auth-ledger.js';
import {parseJournalRecord} from '../model/identity/journal-entry.js';
import type {SshdLogLine} from '../model/identity/sshd-log.js';
import type {AuthLogReader} from './read-auth-log.js';

/** Which journal: the system's, a directory of journal files (`journalctl -D`), or one file. */
export type JournalTarget =
	| {readonly kind: 'system'}
	| {readonly kind: 'directory'; readonly path: string}
	| {readonly kind: 'file'; readonly path: string};

/** Where journald keeps the system journal: persistent, then volatile. */
const systemJournalDirectories = ['/var/log/journal', '/run/log/journal'] as const;

const windows = [20_000, 160_000, 1_280_000] as const;

/** Followed output kept unparsed between refreshes, at most. */
const largestPending = 4 << 20;

/** What sshtop reads of each entry; journalctl adds the cursor and time stamps itself. */
const journalArguments = [
	'--quiet',
	'--no-pager',
	'--output=json',
	'--output-fields=MESSAGE,_PID,SYSLOG_PID',
	'--identifier=sshd',
	'--identifier=sshd-session',
] as const;

function targetArguments(target: JournalTarget): string[] {
	switch (target.kind) {
		case 'system': {
			return [];
		}

		case 'directory': {
			return [`--directory=${target.path}`];
		}

		case 'file': {
			return [`--file=${target.path}`];
		}
	}
}

/** Whether this box keeps a system journal: a journal file under /var/log/journal or /run/log/journal. */
export function hasSystemJournal(): boolean {
	return systemJournalDirectories.some(directory => {
		try {
			return readdirSync(directory, {withFileTypes: true}).some(
				entry =>
					entry.isDirectory() && readdirSync(path.join(directory, entry.name)).some(name => name.endsWith('.journal')),
			);
		} catch {
			return false;
		}
	});
}

/** Whether the system journal holds any entry of sshd's: one short journalctl run (none without journalctl). */
export function systemJournalHasSshd(): boolean {
	const result = execaSync('journalctl', [...journalArguments, '--lines=1'], {reject: false, timeout: 5000});
	return result.exitCode === 0 && result.stdout.trim() !== '';
}

function firstLine(text: string): string {
	return text.trim().split('\n')[0] ?? '';
}

export type JournalReader = AuthLogReader & {
	/** Ends the follower, when there is one. */
	readonly close: () => void;
};

/**
Reads sshd's journal entries. `follow` (the live views): after the first read a `journalctl
--follow` child streams new entries; otherwise every refresh after the first asks journalctl
once for what came after the last cursor.
*/
export function createJournalReader(target: JournalTarget, options: {readonly follow: boolean}): JournalReader {
	const description = target.kind === 'system' ? 'the journal' : target.path;
	let ledger = createAuthLedger();
	let cursor: string | undefined;
	let since: number | undefined;
	let bytesRead = 0;
	let problem: string | undefined;
	let follower: ResultPromise | undefined;
	let pending = '';

	/** Parses journalctl's output; returns the lines and how many entries it held. */
	function records(text: string): {lines: SshdLogLine[]; entries: number} {
		const lines: SshdLogLine[] = [];
		let entries = 0;
		for (const row of text.split('\n')) {
			const record = row === '' ? undefined : parseJournalRecord(row);
			if (record === undefined) continue;
			entries++;
			if (record.cursor !== undefined) cursor = record.cursor;
			if (record.line !== undefined) lines.push(record.line);
		}

		return {lines, entries};
	}

	function run(extra: readonly string[]): string | undefined {
		const result = execaSync('journalctl', [...journalArguments, ...targetArguments(target), ...extra], {
			reject: false,
			timeout: 30_000,
			maxBuffer: 1 << 30,
			stripFinalNewline: false,
		});
		if (result.exitCode !== 0 || result.failed) {
			const said = firstLine(typeof result.stderr === 'string' ? result.stderr : '');
			const reason = said === '' ? result.shortMessage : said;
			problem = `cannot read ${description}: ${reason}`;
			return undefined;
		}

		problem = undefined;
		bytesRead += Buffer.byteLength(result.stdout);
		return result.stdout;
	}

	/** The follower's complete lines, into the ledger. */
	function takePending(): void {
		const end = pending.lastIndexOf('\n');
		if (end === -1) return;
		const text = pending.slice(0, end);
		pending = pending.slice(end + 1);
		bytesRead += Buffer.byteLength(text) + 1;
		ledger.add(records(text).lines);
	}

	/** Where the next read starts: after the last entry read, else at the first read's start. */
	function afterLastRead(): string[] {
		return cursor === undefined ? [`--since=@${Math.floor(since! / 1000)}`] : [`--after-cursor=${cursor}`];
	}

	function startFollower(): void {
		const child = execa(
			'journalctl',
			[...journalArguments, ...targetArguments(target), ...afterLastRead(), '--lines=all', '--follow'],
			{
				buffer: false,
				stdin: 'ignore',
				stderr: 'ignore',
				reject: false,
			},
		);
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (chunk: string) => {
			pending += chunk;
			// A paused explorer does not refresh: what the journal says meanwhile must not pile up.
			if (pending.length > largestPending) takePending();
		});
		child.on('exit', code => {
			if (follower === child) {
				follower = undefined;
				problem = `journalctl --follow exited (${code ?? 'signal'}): new logins are not read`;
			}
		});
		follower = child;
	}

	function firstRead(isAnswered: (ledger: AuthLedger) => boolean, startAt: number): void {
		since = startAt;
		for (const lines of windows) {
			const text = run([`--since=@${Math.floor(startAt / 1000)}`, `--lines=${lines}`]);
			if (text === undefined) return;
			const found = records(text);
			const fresh = createAuthLedger();
			fresh.add(found.lines);
			ledger = fresh;
			if (found.entries < lines || isAnswered(fresh)) break;
		}
	}

	return {
		path: description,
		ledger: () => ledger,
		bytesRead: () => bytesRead,
		problem: () => problem,
		refresh(isAnswered, oldestLoginAt, earliestWanted) {
			if (since === undefined) {
				const now = Date.now();
				firstRead(isAnswered, Math.min(oldestLoginAt ?? now, earliestWanted ?? now));
				if (options.follow && problem === undefined) startFollower();
				return;
			}

			if (!options.follow) {
				const text = run(afterLastRead());
				if (text !== undefined) ledger.add(records(text).lines);
				return;
			}

			takePending();
		},
		close() {
			const child = follower;
			follower = undefined;
			child?.kill();
		},
	};
}
