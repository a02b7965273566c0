// A fake TTY for runExplorer: records every byte Ink writes, and replays them on a small
// screen model that understands the sequences Ink uses (cursor up/next line/column, erase
// line, SGR and mode switches ignored), so a test can see where frames actually land.
import {Buffer} from 'node:buffer';
import {PassThrough, Writable} from 'node:stream';
import stringWidth from 'string-width';

export class FakeTerminalOutput extends Writable {
	// eslint-disable-next-line @typescript-eslint/naming-convention -- Node's name for it.
	isTTY = true;
	columns: number;
	rows: number;
	readonly chunks: string[] = [];

	constructor(columns: number, rows: number) {
		super();
		this.columns = columns;
		this.rows = rows;
	}

	override _write(chunk: Uint8Array | string, _encoding: BufferEncoding, callback: () => void): void {
		this.chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
		callback();
	}

	bytesWritten(): number {
		return this.chunks.reduce((total, chunk) => total + Buffer.byteLength(chunk), 0);
	}

	/** The screen after replaying everything written, trailing spaces trimmed. */
	screen(): string[] {
		return this.cells().map(cells =>
			cells
				.map(cell => cell.character)
				.join('')
				.trimEnd(),
		);
	}

	/** Each cell's character with the SGR state it was drawn in (wide characters: the cell after them holds ''). */
	cells(): Cell[][] {
		const lines: Cell[][] = [[]];
		let row = 0;
		let column = 0;
		let style: Style = {};
		const text = this.chunks.join('');
		const line = () => {
			while (lines.length <= row) {
				lines.push([]);
			}

			return lines[row]!;
		};

		for (let index = 0; index < text.length;) {
			const rest = text.slice(index);
			const sequence = /^\u001B\[(\??)([\d;]*)([A-Za-z])/u.exec(rest);
			if (sequence !== null) {
				const [whole, isPrivate, parameter, final] = sequence;
				const count = parameter === '' ? 1 : Math.max(1, Number(parameter));
				if (isPrivate === '' && final === 'm') {
					style = applySgr(style, parameter!);
				} else if (isPrivate === '') {
					switch (final) {
						case 'A': {
							row = Math.max(0, row - count);
							break;
						}

						case 'E': {
							row += count;
							column = 0;
							break;
						}

						case 'G': {
							column = count - 1;
							break;
						}

						case 'K': {
							line().length = Math.min(line().length, column);
							break;
						}

						default: {
							break;
						}
					}
				}

				index += whole.length;
				continue;
			}

			const character = String.fromCodePoint(rest.codePointAt(0)!);
			if (character === '\n') {
				row++;
				column = 0;
			} else if (character === '\r') {
				column = 0;
			} else {
				const current = line();
				while (current.length < column) {
					current.push({character: ' ', style: ''});
				}

				const key = styleKey(style);
				current[column] = {character, style: key};
				column++;
				if (stringWidth(character) === 2) {
					current[column] = {character: '', style: key};
					column++;
				}
			}

			index += character.length;
		}

		return lines;
	}
}

export type Cell = {readonly character: string; readonly style: string};

/** The SGR attributes a cell is drawn with, as Ink's colours use them. */
type Style = {
	readonly foreground?: string;
	readonly background?: string;
	readonly bold?: boolean;
	readonly dim?: boolean;
	readonly italic?: boolean;
	readonly underline?: boolean;
	readonly inverse?: boolean;
};

function styleKey(style: Style): string {
	return Object.entries(style)
		.filter(([, value]) => value !== undefined && value !== false)
		.map(([name, value]) => `${name}=${String(value)}`)
		.join(',');
}

/** What each SGR attribute code sets or clears (0, a full reset, and the colours are handled apart). */
const attributeCodes: ReadonlyMap<number, Style> = new Map<number, Style>([
	[1, {bold: true}],
	[2, {dim: true}],
	[22, {bold: false, dim: false}],
	[3, {italic: true}],
	[23, {italic: false}],
	[4, {underline: true}],
	[24, {underline: false}],
	[7, {inverse: true}],
	[27, {inverse: false}],
	[39, {foreground: undefined}],
	[49, {background: undefined}],
]);

/** The style after one SGR sequence's parameters (`1;31`, `38;5;214`, `0`, or none: a reset). */
function applySgr(style: Style, parameters: string): Style {
	const codes = parameters === '' ? [0] : parameters.split(';').map(Number);
	let next: Style = {...style};
	for (let index = 0; index < codes.length; index++) {
		const code = codes[index]!;
		if (code === 38 || code === 48) {
			// 38;5;N or 38;2;R;G;B: the colour's parameters follow.
			const length = codes[index + 1] === 5 ? 2 : 4;
			const colour = codes.slice(index, index + 1 + length).join(';');
			next = code === 38 ? {...next, foreground: colour} : {...next, background: colour};
			index += length;
		} else if (code === 0) {
			next = {};
		} else if ((code >= 30 && code <= 37) || (code >= 90 && code <= 97)) {
			next = {...next, foreground: String(code)};
		} else if ((code >= 40 && code <= 47) || (code >= 100 && code <= 107)) {
			next = {...next, background: String(code)};
		} else {
			next = {...next, ...attributeCodes.get(code)};
		}
	}

	return next;
}

export function fakeTerminalInput() {
	return Object.assign(new PassThrough(), {
		// eslint-disable-next-line @typescript-eslint/naming-convention -- Node's name for it.
		isTTY: true,
		setRawMode() {
			return this;
		},
		ref() {
			return this;
		},
		unref() {
			return this;
		},
	});
}
