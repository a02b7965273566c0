// One entry of `journalctl -o json`, as sshd's log line: its message, the pid journald recorded
// (_PID, trusted) or the one sshd gave (SYSLOG_PID), and its time. Pure.
import {Buffer} from 'node:buffer';
import {parseSshdMessage, type SshdLogLine} from './sshd-log.js';

export type JournalRecord = {
	/** Where the entry is in the journal: the next read starts after it. */
	readonly cursor: string | undefined;
	/** The sshd line it carries; undefined when it tells nothing here. */
	readonly line: SshdLogLine | undefined;
};

/** A field as journalctl's JSON writes it: a string, an array of bytes (not UTF-8), or null (too large). */
function fieldText(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (Array.isArray(value) && value.every(byte => typeof byte === 'number')) {
		return Buffer.from(value).toString('utf8');
	}

	return undefined;
}

function positiveInteger(value: unknown): number | undefined {
	const text = fieldText(value);
	return text !== undefined && /^\d{1,10}$/u.test(text) && Number(text) > 0 ? Number(text) : undefined;
}

function isFields(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One line of `journalctl -o json`; undefined when it is not a JSON object. */
export function parseJournalRecord(text: string): JournalRecord | undefined {
	let entry: unknown;
	try {
		entry = JSON.parse(text);
	} catch {
		return undefined;
	}

	if (!isFields(entry)) return undefined;
	const fields = entry;
	const cursor = fieldText(fields['__CURSOR']);
	const message = fieldText(fields['MESSAGE'])?.replace(/\r?\n$/u, '');
	const event = message === undefined ? undefined : parseSshdMessage(message);
	if (event === undefined) return {cursor, line: undefined};
	const microseconds = fieldText(fields['__REALTIME_TIMESTAMP']);
	const time = microseconds !== undefined && /^\d+$/u.test(microseconds) ? Number(microseconds) / 1000 : undefined;
	const pid = positiveInteger(fields['_PID']) ?? positiveInteger(fields['SYSLOG_PID']);
	return {cursor, line: {pid, time, event}};
}
