import {constants} from 'node:os';

/** A signal as the kernel numbers it and as people name it. */
export type Signal = {
	readonly name: string;
	readonly number: number;
};

export type SignalParse = {readonly ok: true; readonly signal: Signal} | {readonly ok: false; readonly message: string};

const lowestSignal = 1;
// Linux has 64 signals; 34–64 are the real-time ones, which os.constants does not name.
const highestSignal = 64;
const realtimeMinimum = 34;
const realtimeMaximum = 64;

const namedSignals: ReadonlyMap<string, number> = new Map(Object.entries(constants.signals));

// Several names share a number (SIGABRT/SIGIOT, SIGIO/SIGPOLL); Node lists the usual one
// first, so the first name seen is the one shown.
const canonicalNames: ReadonlyMap<number, string> = (() => {
	const names = new Map<number, string>();
	for (const [name, number] of namedSignals) {
		if (!names.has(number)) {
			names.set(number, name);
		}
	}

	return names;
})();

/** The name `kill -l` would print for a number: SIGTERM, SIGRTMIN+3, SIGRTMAX. */
export function signalName(number: number): string {
	const known = canonicalNames.get(number);
	if (known !== undefined) {
		return known;
	}

	if (number >= realtimeMinimum && number <= realtimeMaximum) {
		const fromMinimum = number - realtimeMinimum;
		const fromMaximum = realtimeMaximum - number;
		if (fromMinimum === 0) {
			return 'SIGRTMIN';
		}

		if (fromMaximum === 0) {
			return 'SIGRTMAX';
		}

		return fromMinimum <= fromMaximum ? `SIGRTMIN+${fromMinimum}` : `SIGRTMAX-${fromMaximum}`;
	}

	// 32 and 33 exist but glibc keeps them for its threads and gives them no name.
	return `SIG${number}`;
}

function fromNumber(number: number, input: string): SignalParse {
	if (number === 0) {
		return {ok: false, message: `"${input}" is not a signal: 0 only checks that a process exists.`};
	}

	if (!Number.isInteger(number) || number < lowestSignal || number > highestSignal) {
		return {ok: false, message: `"${input}" is not a signal: signal numbers run from 1 to 64.`};
	}

	return {ok: true, signal: {name: signalName(number), number}};
}

function realtimeNumber(name: string): number | undefined {
	const match = /^RT(MIN|MAX)(?:([+-])(\d{1,2}))?$/u.exec(name);
	if (match === null) {
		return undefined;
	}

	const [, end, sign, offsetText] = match;
	const offset = offsetText === undefined ? 0 : Number(offsetText);
	if (end === 'MIN') {
		if (sign === '-') {
			return undefined;
		}

		return realtimeMinimum + offset;
	}

	if (sign === '+') {
		return undefined;
	}

	return realtimeMaximum - offset;
}

/**
 * Reads a signal the way people type it: `TERM`, `sigterm`, `SIGTERM`, `15`, `RTMIN+2`.
 * Unknown names and numbers outside 1–64 come back as a message, never as an exception.
 */
export function parseSignal(input: string | number): SignalParse {
	if (typeof input === 'number') {
		return fromNumber(input, String(input));
	}

	const text = input.trim();
	if (text === '') {
		return {ok: false, message: 'No signal given: type a name such as TERM or a number from 1 to 64.'};
	}

	const upper = text.toUpperCase();
	const bare = upper.startsWith('SIG') ? upper.slice(3) : upper;
	if (/^\d+$/u.test(bare)) {
		return fromNumber(Number(bare), text);
	}

	const named = namedSignals.get(`SIG${bare}`);
	if (named !== undefined) {
		return {ok: true, signal: {name: signalName(named), number: named}};
	}

	const realtime = realtimeNumber(bare);
	if (realtime !== undefined && realtime >= realtimeMinimum && realtime <= realtimeMaximum) {
		return {ok: true, signal: {name: signalName(realtime), number: realtime}};
	}

	return {
		ok: false,
		message: `Unknown signal "${text}": use a name such as TERM, HUP, KILL or USR1, or a number from 1 to 64.`,
	};
}

export const SIGHUP: Signal = {name: 'SIGHUP', number: constants.signals.SIGHUP};
export const SIGINT: Signal = {name: 'SIGINT', number: constants.signals.SIGINT};
export const SIGQUIT: Signal = {name: 'SIGQUIT', number: constants.signals.SIGQUIT};
export const SIGKILL: Signal = {name: 'SIGKILL', number: constants.signals.SIGKILL};
export const SIGUSR1: Signal = {name: 'SIGUSR1', number: constants.signals.SIGUSR1};
export const SIGUSR2: Signal = {name: 'SIGUSR2', number: constants.signals.SIGUSR2};
export const SIGTERM: Signal = {name: 'SIGTERM', number: constants.signals.SIGTERM};
export const SIGCONT: Signal = {name: 'SIGCONT', number: constants.signals.SIGCONT};
export const SIGSTOP: Signal = {name: 'SIGSTOP', number: constants.signals.SIGSTOP};

/** The process signal menu, in the order it is offered; anything else goes through parseSignal. */
export const signalMenu: readonly Signal[] = [
	SIGTERM,
	SIGHUP,
	SIGINT,
	SIGQUIT,
	SIGKILL,
	SIGSTOP,
	SIGCONT,
	SIGUSR1,
	SIGUSR2,
];

/**
 * Signals sent to end a process. A stopped process keeps them pending until it runs again,
 * so the executor follows them with SIGCONT; other signals (USR1, WINCH, ...) leave a
 * stopped process stopped, as the operator asked for nothing more.
 */
export function isEndingSignal(signal: Signal): boolean {
	return [SIGTERM.number, SIGHUP.number, SIGINT.number, SIGQUIT.number].includes(signal.number);
}

export function isValidSignalNumber(number: number): boolean {
	return Number.isInteger(number) && number >= lowestSignal && number <= highestSignal;
}

/** What a signal does by default (signal(7)); a program may catch most of them. */
export function signalEffect(signal: Signal): string {
	switch (signal.name) {
		case 'SIGTERM': {
			return 'asks it to end; it may clean up first';
		}

		case 'SIGHUP': {
			return 'hang-up: programs end, daemons often reload';
		}

		case 'SIGINT': {
			return 'interrupts it, as Ctrl-C does';
		}

		case 'SIGQUIT': {
			return String.raw`ends it with a core dump, as Ctrl-\ does`;
		}

		case 'SIGKILL': {
			return 'ends it at once, no clean-up';
		}

		case 'SIGSTOP': {
			return 'freezes it until it gets SIGCONT';
		}

		case 'SIGCONT': {
			return 'resumes it if stopped';
		}

		case 'SIGUSR1':
		case 'SIGUSR2': {
			return "the program's own meaning; ends programs that do not handle it";
		}

		case 'SIGCHLD':
		case 'SIGURG':
		case 'SIGWINCH': {
			return 'ignored unless the program handles it';
		}

		default: {
			return 'ends it unless the program handles it';
		}
	}
}
