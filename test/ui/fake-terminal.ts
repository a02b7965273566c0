// A fake TTY for runExplorer: records every byte Ink writes, and replays them on a small
// screen model that understands the sequences Ink uses (cursor up/next line/column, erase
// line, SGR and mode switches ignored), so a test can see where frames actually land.
import {Buffer} from 'node:buffer';
import {PassThrough, Writable} from 'node:stream';

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
		const lines: string[][] = [[]];
		let row = 0;
		let column = 0;
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
				if (isPrivate === '') {
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
					current.push(' ');
				}

				current[column] = character;
				column++;
			}

			index += character.length;
		}

		return lines.map(cells => cells.join('').trimEnd());
	}
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
