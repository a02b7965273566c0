// Works around an off-by-one in Ink 6.8.0's incremental renderer (log-update.js,
// createIncremental): after a frame that ends in a newline the cursor sits on the row below
// the frame, but the next frame of equal or greater height moves up only `lines - 1` rows
// (`cursorUp(previousVisible - 1)`), so every refresh is drawn one row lower than the last
// and leaves a stale line above it. Shrinking frames are fine: they erase upwards first.
//
// The fix is applied to the byte stream, not to Ink: a frame write that starts by moving
// the cursor up (and not by erasing) gets one more row, but only when the previous frame
// really left the cursor below itself, which is not the case after Ink's full-screen
// repaint path (it writes the frame without a final newline).

const cursorUpAtStart = /^\u001B\[(\d+)A/;
/** Writes that carry no frame: synchronized-update brackets and cursor show/hide. */
const controlOnly = /^(?:\u001B\[\?(?:2026|25)[hl])+$/;

export function fixIncrementalCursor(stdout: NodeJS.WriteStream): NodeJS.WriteStream {
	let isCursorBelowFrame = false;
	const write = (chunk: unknown, ...rest: unknown[]): boolean => {
		if (typeof chunk !== 'string' || chunk === '' || controlOnly.test(chunk)) {
			return (stdout.write as (...arguments_: unknown[]) => boolean)(chunk, ...rest);
		}

		let text = chunk;
		const match = cursorUpAtStart.exec(text);
		if (match !== null && isCursorBelowFrame) {
			text = `\u001B[${Number(match[1]) + 1}A${text.slice(match[0].length)}`;
		}

		isCursorBelowFrame = text.endsWith('\n');
		return (stdout.write as (...arguments_: unknown[]) => boolean)(text, ...rest);
	};

	return new Proxy(stdout, {
		get(target, property) {
			if (property === 'write') {
				return write;
			}

			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? (value as (...arguments_: unknown[]) => unknown).bind(target) : value;
		},
	});
}
