// Works around two faults in how Ink 6.8.0 redraws (UPGRADING.md): after a frame that ends in a
// newline its incremental renderer moves the cursor up one row too few, so each refresh is drawn
// a row lower; and when the terminal narrows, the re-wrapped lines of the wider frame are not
// erased. Applied to the byte stream: a frame that starts by moving up gets one more row when the
// last one left the cursor below itself, and the screen is cleared before a narrower frame.
// On a terminal, newlines also carry a carriage return, for terminals left in raw mode.

/** Mode switches Ink writes around frames: synchronized-update brackets, cursor show/hide. */
const modes = String.raw`(?:\u001B\[\?(?:2026|25)[hl])*`;
const cursorUpAtStart = new RegExp(String.raw`^(${modes})\u001B\[(\d+)A`, 'u');
const trailingModes = new RegExp(`${modes}$`, 'u');
const controlOnly = new RegExp(`^${modes}$`, 'u');

export type CorrectedOutput = {
	readonly stream: NodeJS.WriteStream;
	/** Stops listening to the terminal's resizes. */
	readonly dispose: () => void;
};

/** Must be created before Ink's render: its resize handler has to run before Ink's. */
export function correctInkOutput(stdout: NodeJS.WriteStream): CorrectedOutput {
	let isCursorBelowFrame = false;
	let {columns} = stdout;
	const isTerminal = stdout.isTTY;
	const onResize = () => {
		if (stdout.columns < columns) {
			stdout.write('\u001B[2J\u001B[H');
			isCursorBelowFrame = false;
		}

		columns = stdout.columns;
	};

	stdout.on('resize', onResize);
	const writeThrough = (chunk: unknown, rest: unknown[]): boolean => {
		const written: unknown = Reflect.apply(stdout.write, stdout, [chunk, ...rest]);
		return written === true;
	};

	const write = (chunk: unknown, ...rest: unknown[]): boolean => {
		if (typeof chunk !== 'string' || controlOnly.test(chunk)) {
			return writeThrough(chunk, rest);
		}

		let text = chunk;
		const match = cursorUpAtStart.exec(text);
		if (match !== null && isCursorBelowFrame) {
			text = `${match[1]}\u001B[${Number(match[2]) + 1}A${text.slice(match[0].length)}`;
		}

		// A frame leaves the cursor below itself when its last line ends in a newline, or, when
		// that line was unchanged, in a cursor-next-line (CSI E). Full-screen frames end on their last line.
		const ending = text.replace(trailingModes, '');
		isCursorBelowFrame = ending.endsWith('\n') || ending.endsWith('\u001B[E');
		// A terminal left without output processing (`stty raw`) moves down without returning to the
		// first column on a bare newline; a carriage return first is harmless where it does both.
		return writeThrough(isTerminal ? text.replaceAll('\n', '\r\n') : text, rest);
	};

	const stream = new Proxy(stdout, {
		get(target, property) {
			if (property === 'write') {
				return write;
			}

			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function'
				? (...arguments_: unknown[]): unknown => Reflect.apply(value, target, arguments_)
				: value;
		},
	});
	return {
		stream,
		dispose() {
			stdout.off('resize', onResize);
		},
	};
}
