// Parser for /proc/PID/stat. The command name (comm) sits between the first '(' and the LAST ')'
// and may itself contain spaces, parentheses or newlines, so the fields are found from the end.

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

	return {pid: Number(text.slice(0, open).trim()), comm: text.slice(open + 1, close), rest: text.slice(close + 2).trim()};
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
fields: a full scan of 10,000 processes otherwise makes half a million short strings to throw
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
		if (field === 0) {
			state = rest.slice(start, end);
		} else if (field === 1) {
			ppid = Number(rest.slice(start, end));
		} else if (field === 6) {
			flags = Number(rest.slice(start, end));
		} else if (field === 19) {
			startTicks = Number(rest.slice(start, end));
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
