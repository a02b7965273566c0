// Parser for /proc/PID/stat. The command name (comm) sits between the first '(' and the LAST ')'
// and may itself contain spaces, parentheses or newlines, so the fields are found from the end.
import {type Buffer} from 'node:buffer';

export type StatFields = {
	readonly pid: number;
	readonly comm: string;
	readonly state: string;
	readonly ppid: number;
	readonly processGroup: number;
	readonly sessionId: number;
	readonly ttyNumber: number;
	readonly foregroundProcessGroup: number;
	readonly flags: number;
	readonly userTicks: number;
	readonly systemTicks: number;
	readonly threads: number;
	readonly startTicks: number;
	readonly rssPages: number;
};

/** PF_KTHREAD in include/linux/sched.h: set on kernel threads, which no signal may target. */
export const kernelThreadFlag = 0x00_20_00_00;

/**
The pid, comm and the text after comm: comm may hold spaces and parentheses, so it ends at the
LAST ')'. Undefined when the text has no such shape.
*/
function splitAtComm(text: string): {readonly pid: number; readonly comm: string; readonly rest: string} | undefined {
	const open = text.indexOf('(');
	const close = text.lastIndexOf(')');
	if (open < 1 || close < open) {
		return undefined;
	}

	return {
		pid: Number(text.slice(0, open).trim()),
		comm: text.slice(open + 1, close),
		rest: text.slice(close + 2).trim(),
	};
}

/** Returns undefined when the text is not a stat line (truncated read, garbage). */
export function parseStat(text: string): StatFields | undefined {
	const parts = splitAtComm(text);
	if (parts === undefined) {
		return undefined;
	}

	const {pid, comm} = parts;
	const fields = parts.rest.split(' ');
	// Fields after comm, counted from `state` (field 3 in proc(5)) as index 0.
	if (!Number.isInteger(pid) || fields.length < 22) {
		return undefined;
	}

	const number = (index: number): number => Number(fields[index]);
	const parsed: StatFields = {
		pid,
		comm,
		state: fields[0] ?? '?',
		ppid: number(1),
		processGroup: number(2),
		sessionId: number(3),
		ttyNumber: number(4),
		foregroundProcessGroup: number(5),
		flags: number(6),
		userTicks: number(11),
		systemTicks: number(12),
		threads: number(17),
		startTicks: number(19),
		rssPages: number(21),
	};
	const numbers = [
		parsed.ppid,
		parsed.processGroup,
		parsed.sessionId,
		parsed.ttyNumber,
		parsed.foregroundProcessGroup,
		parsed.flags,
		parsed.userTicks,
		parsed.systemTicks,
		parsed.startTicks,
		parsed.rssPages,
	];
	return numbers.every(value => Number.isFinite(value)) ? parsed : undefined;
}

/** The fields that decide whether a process belongs to the SSH part of the table. */
export type StatHead = Pick<StatFields, 'pid' | 'comm' | 'state' | 'ppid' | 'flags' | 'startTicks'>;

/**
The few fields a full scan needs of every process, without splitting the line into its 52
fields: a full scan of a busy box otherwise makes hundreds of thousands of short strings to throw
away. Agrees with parseStat on every line parseStat accepts (test/proc/parse-stat.test.ts).
*/
export function parseStatHead(text: string): StatHead | undefined {
	const parts = splitAtComm(text);
	if (parts === undefined) {
		return undefined;
	}

	const {pid, comm, rest} = parts;
	let state = '';
	let ppid = Number.NaN;
	let flags = Number.NaN;
	let startTicks = Number.NaN;
	let field = 0;
	for (let start = 0; field < 22; field++) {
		const space = rest.indexOf(' ', start);
		const end = space === -1 ? rest.length : space;
		switch (field) {
			case 0: {
				state = rest.slice(start, end);

				break;
			}

			case 1: {
				ppid = Number(rest.slice(start, end));

				break;
			}

			case 6: {
				flags = Number(rest.slice(start, end));

				break;
			}

			case 19: {
				startTicks = Number(rest.slice(start, end));

				break;
			}
			// No default
		}

		if (space === -1) {
			field++;
			break;
		}

		start = space + 1;
	}

	if (!Number.isInteger(pid) || field < 22 || ![ppid, flags, startTicks].every(value => Number.isFinite(value))) {
		return undefined;
	}

	return {pid, comm, state: state || '?', ppid, flags, startTicks};
}

/** Where a process hangs in the tree, and its command name. */
export type StatLink = Pick<StatFields, 'pid' | 'comm' | 'ppid'>;

const space = 0x20;
const openParenthesis = 0x28;
const closeParenthesis = 0x29;

/**
The link fields straight from a stat line's bytes, the rest left undecoded: a full scan reads
every process's line, and of most it needs no more than this. Undefined for any line not in the
kernel's own shape (digits, space, comm in parentheses, state, parent's digits); a caller falls
back to parseStatHead for those.
*/
export function parseStatLink(bytes: Buffer): StatLink | undefined {
	const open = bytes.indexOf(openParenthesis);
	const close = bytes.lastIndexOf(closeParenthesis);
	if (
		open < 2 ||
		close < open ||
		bytes[open - 1] !== space ||
		bytes[close + 1] !== space ||
		bytes[close + 3] !== space
	) {
		return undefined;
	}

	const pid = digitsValue(bytes, 0, open - 1);
	const ppidEnd = bytes.indexOf(space, close + 4);
	const ppid = ppidEnd === -1 ? undefined : digitsValue(bytes, close + 4, ppidEnd);
	return pid === undefined || ppid === undefined
		? undefined
		: {pid, comm: bytes.toString('utf8', open + 1, close), ppid};
}

/** The number the bytes from `start` up to `end` spell in decimal digits; undefined if any is not one. */
function digitsValue(bytes: Buffer, start: number, end: number): number | undefined {
	if (end <= start || end - start > 15) {
		return undefined;
	}

	let value = 0;
	for (let index = start; index < end; index++) {
		const digit = bytes[index]! - 0x30;
		if (digit < 0 || digit > 9) {
			return undefined;
		}

		value = value * 10 + digit;
	}

	return value;
}
