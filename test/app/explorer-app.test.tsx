import {Buffer} from 'node:buffer';
import {describe, expect, test} from 'vitest';
import type {SessionReport} from '../../source/model/types.js';
import {runExplorer} from '../../source/app/explorer-app.js';
import {FakeTerminalOutput, fakeTerminalInput} from '../ui/fake-terminal.js';
import {idleFor, report, shellSession, takenAt} from '../fixtures/builders.js';

async function until(predicate: () => boolean, what: string): Promise<void> {
	const deadline = Date.now() + 5000;
	while (!predicate()) {
		if (Date.now() > deadline) {
			throw new Error(`Timed out waiting for ${what}`);
		}

		await new Promise(resolve => {
			setTimeout(resolve, 10);
		});
	}
}

function start(
	initial: SessionReport | ((load: number) => SessionReport),
	options: {readonly lastFullScanAt?: () => number} = {},
) {
	const output = new FakeTerminalOutput(80, 24);
	const input = fakeTerminalInput();
	let current = initial;
	let loads = 0;
	const load = () => {
		loads++;
		return typeof current === 'function' ? current(loads) : current;
	};

	const finished = runExplorer({
		intervalSeconds: 0.05,
		load: options.lastFullScanAt === undefined ? load : Object.assign(load, {lastFullScanAt: options.lastFullScanAt}),
		loadPolicy: async () => undefined,
		color: false,
		stdout: output as unknown as NodeJS.WriteStream,
		stdin: input as unknown as NodeJS.ReadStream,
	});
	return {
		output,
		finished,
		loads: () => loads,
		setReport(next: SessionReport) {
			current = next;
		},
		press(keys: string) {
			input.write(keys);
		},
		quit() {
			input.write('q');
		},
	};
}

const alice = shellSession(1000, {user: 'alice'});
const bob = shellSession(2000, {user: 'bob', tty: 'pts/1'});

describe('on a real (fake) terminal', () => {
	test('after a start from a scan hint, reads again soon (its full scan), then at the interval', async () => {
		const output = new FakeTerminalOutput(80, 24);
		const input = fakeTerminalInput();
		const loadTimes: number[] = [];
		const load = Object.assign(
			() => {
				loadTimes.push(performance.now());
				return report([alice]);
			},
			{wantsEarlyRefresh: () => loadTimes.length < 2},
		);
		const intervalMs = 2000;
		const finished = runExplorer({
			intervalSeconds: intervalMs / 1000,
			load,
			loadPolicy: async () => undefined,
			color: false,
			stdout: output as unknown as NodeJS.WriteStream,
			stdin: input as unknown as NodeJS.ReadStream,
		});
		// The third read shows both waits: the early one, well inside the interval, then a whole
		// interval (less the few ms Node's timer clock may lag the moment the read was stamped).
		await until(() => loadTimes.length >= 3, 'the read after the early one');
		const [first, second, third] = loadTimes as [number, number, number];
		expect(second - first).toBeLessThan(intervalMs / 2);
		expect(third - second).toBeGreaterThanOrEqual(intervalMs - 50);
		input.write('q');
		await finished;
	});

	test('an idle screen writes nothing between refreshes', async () => {
		const explorer = start(report([alice, bob]));
		await until(() => explorer.output.screen().some(line => line.includes('bob')), 'the first frame');
		const bytes = explorer.output.bytesWritten();
		const loads = explorer.loads();
		await until(() => explorer.loads() >= loads + 5, 'five more refreshes');
		expect(explorer.output.bytesWritten()).toBe(bytes);
		explorer.quit();
		await explorer.finished;
	});

	test('new readings whose changes do not show (clocks, a CPU tick now and then) write nothing', async () => {
		// Every load is a new report two seconds on; bob's shell uses one tick every other
		// refresh: 0.5 % then 0 %, a flicker the CPU% column holds still.
		const reading = (load: number) => {
			const shell = bob.tree.children[0]!.children[0]!;
			const ticking = {...shell, process: {...shell.process, userTicks: Math.floor(load / 2)}};
			const tree = {...bob.tree, children: [{...bob.tree.children[0]!, children: [ticking]}]};
			return report([alice, {...bob, tree}], {takenAt: takenAt + load * 2000});
		};

		const explorer = start(reading);
		await until(
			() =>
				explorer.loads() >= 4 &&
				explorer.output.screen().some(line => line.includes('-bash') && line.includes(' 0.0 ')),
			'a settled frame',
		);
		const bytes = explorer.output.bytesWritten();
		const loads = explorer.loads();
		await until(() => explorer.loads() >= loads + 6, 'six more refreshes');
		expect(explorer.output.bytesWritten()).toBe(bytes);
		// A key press takes the newest report, and draws what it changes: here only the cursor.
		explorer.press('\u001B[B');
		await until(() => explorer.output.bytesWritten() > bytes, 'the cursor moving');
		explorer.quit();
		await explorer.finished;
	});

	test('the header says when /proc was last scanned in full, coarsely', async () => {
		const explorer = start(report([alice]), {lastFullScanAt: () => takenAt - 5000});
		await until(() => explorer.output.screen().some(line => line.includes('full scan <1m ago')), 'the full scan age');
		explorer.quit();
		await explorer.finished;
	});

	test('a change in one row rewrites only that row', async () => {
		// Alice idles longest, so she stays first whatever bob's idle time becomes.
		const idleAlice = {...alice, ...idleFor(7200)};
		const explorer = start(report([idleAlice, bob]));
		await until(() => explorer.output.screen().some(line => line.includes('bob')), 'the first frame');
		const before = explorer.output.chunks.length;
		explorer.setReport(report([idleAlice, {...bob, ...idleFor(600)}]));
		await until(
			() => explorer.output.screen().some(line => line.includes('bob') && line.includes('10m')),
			'the new idle time',
		);
		const written = explorer.output.chunks.slice(before).join('');
		expect(written).not.toContain('alice');
		expect(Buffer.byteLength(written)).toBeLessThan(200);
		explorer.quit();
		await explorer.finished;
	});

	test('frames of changing height are drawn in place, with no stale lines', async () => {
		const explorer = start(report([alice]));
		await until(() => explorer.output.screen().some(line => line.includes('alice')), 'the first frame');
		explorer.setReport(report([alice, bob], {host: 'grown'}));
		await until(() => explorer.output.screen().some(line => line.includes('bob')), 'the taller frame');
		// Same height, only the first line changes: Ink skips the unchanged last line with CSI E.
		explorer.setReport(report([alice, bob], {host: 'same-height'}));
		await until(
			() => explorer.output.screen().some(line => line.includes('same-height')),
			'a frame of the same height',
		);
		explorer.setReport(report([alice, bob], {host: 'again'}));
		await until(
			() => explorer.output.screen().some(line => line.includes('again')),
			'another frame of the same height',
		);
		const screen = explorer.output.screen();
		expect(screen[0]).toMatch(/^again {2}up/u);
		expect(screen.filter(line => line.includes('up 3d'))).toHaveLength(1);
		expect(screen.filter(line => line.includes('reading /proc'))).toHaveLength(0);
		explorer.quit();
		await explorer.finished;
	});

	test('q ends the explorer and resolves runExplorer', async () => {
		const explorer = start(report([alice]));
		await until(() => explorer.output.screen().some(line => line.includes('alice')), 'the first frame');
		explorer.quit();
		await expect(explorer.finished).resolves.toBeUndefined();
	});

	test('it draws on the alternate screen, and gives the screen back as it was when it quits', async () => {
		const explorer = start(report([alice]));
		await until(() => explorer.output.screen().some(line => line.includes('alice')), 'the first frame');
		expect(explorer.output.chunks[0]).toContain('\u001B[?1049h');
		expect(explorer.output.chunks.join('')).not.toContain('\u001B[?1049l');
		explorer.quit();
		await explorer.finished;
		expect(explorer.output.chunks.at(-1)).toContain('\u001B[?1049l');
	});
});
