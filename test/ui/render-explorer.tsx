// Mounts the real Explorer on ink-testing-library's fake terminal, with a terminal size
// and reports the test controls, and polls the frame instead of sleeping.
import {render} from 'ink-testing-library';
import {Explorer} from '../../source/ui/explorer.js';
import type {SessionReport} from '../../source/model/types.js';
import type {InitialView} from '../../source/ui/state/explorer-state.js';
import type {LoadIdlePolicy} from '../../source/ui/hooks/use-idle-policies.js';
import type {ActionExecutor} from '../../source/ui/hooks/use-actions.js';
import type {ReadProcessDetails} from '../../source/ui/hooks/use-detail-extras.js';
import type {Preferences} from '../../source/model/view/preferences.js';
import {recordingExecutor} from './action-fakes.js';

export const keys = {
	up: '\u001B[A',
	down: '\u001B[B',
	right: '\u001B[C',
	left: '\u001B[D',
	pageUp: '\u001B[5~',
	pageDown: '\u001B[6~',
	home: '\u001B[H',
	end: '\u001B[F',
	enter: '\r',
	escape: '\u001B',
	backspace: '\u007F',
	ctrlL: '\u000C',
	ctrlU: '\u0015',
	f1: '\u001BOP',
	f2: '\u001BOQ',
	f3: '\u001BOR',
	f4: '\u001BOS',
	f6: '\u001B[17~',
	f9: '\u001B[20~',
	f10: '\u001B[21~',
} as const;

/** What Ink writes for a repaint (a resize, Ctrl-L) before the frame: home, then clear the screen. */
export const repaintSequence = '\u001B[H\u001B[2J';

export type ExplorerHarness = {
	/** The report the next refresh returns. */
	setReport: (report: SessionReport) => void;
	/** Waits for the refresh loop to pick up the current report (p, p: resuming refreshes at once). */
	refresh: () => Promise<void>;
	press: (...inputs: string[]) => void;
	frame: () => string;
	lines: () => string[];
	waitFor: (predicate: (frame: string) => boolean, what?: string) => Promise<string>;
	/**
	Presses `input` again until `predicate` holds: for the first scroll of a pane that has just
	opened, which learns its length one render later (until then a scroll key moves nothing).
	*/
	pressUntil: (input: string, predicate: (frame: string) => boolean, what?: string) => Promise<string>;
	resize: (columns: number, rows: number) => void;
	loadCount: () => number;
	writes: () => number;
	/** How many times the whole screen was cleared and drawn again (resizes, Ctrl-L). */
	repaints: () => number;
	/** The explorer has quit: Ink unmounted it and no longer reads the keyboard. */
	hasExited: () => boolean;
	unmount: () => void;
};

export async function renderExplorer(
	initial: SessionReport,
	options: {
		readonly columns?: number;
		readonly rows?: number;
		readonly loadPolicy?: LoadIdlePolicy;
		readonly color?: boolean;
		/** Action tests pass one that records what it is asked (test/ui/action-fakes.ts). */
		readonly actionExecutor?: ActionExecutor;
		readonly isReadOnly?: boolean;
		/** Filter and sort to start with, as `--filter`, `--sort` and `--reverse` give them. */
		readonly initialView?: InitialView;
		/** The detail pane's reader of a process's cwd and SSH_* variables (a fake: no /proc). */
		readonly readProcessDetails?: ReadProcessDetails;
		/** Told what the operator changed that the preferences keep. */
		readonly onPreferencesChanged?: (changed: Preferences) => void;
	} = {},
): Promise<ExplorerHarness> {
	let current = initial;
	let loads = 0;
	const load = () => {
		loads++;
		return current;
	};

	const instance = render(
		<Explorer
			load={load}
			intervalSeconds={3600}
			loadPolicy={options.loadPolicy}
			hasColor={options.color ?? false}
			actionExecutor={options.actionExecutor ?? recordingExecutor()}
			isReadOnly={options.isReadOnly}
			initialView={options.initialView}
			readProcessDetails={options.readProcessDetails}
			onPreferencesChanged={options.onPreferencesChanged}
		/>,
	);
	const {stdout, stdin} = instance;
	// In its debug mode (ink-testing-library's) Ink writes a repaint as the clear sequence
	// alone, the frame not after it: the frame on screen is the last one drawn.
	const frame = () => {
		const drawn = stdout.frames.findLast(each => each.replaceAll(repaintSequence, '') !== '') ?? '';
		return drawn.replaceAll(repaintSequence, '');
	};

	const waitFor = async (predicate: (frame: string) => boolean, what = 'the expected frame') => {
		const deadline = Date.now() + 5000;
		while (!predicate(frame())) {
			if (Date.now() > deadline) {
				throw new Error(`Timed out waiting for ${what}. Last frame:\n${frame()}`);
			}

			await new Promise(resolve => {
				setTimeout(resolve, 5);
			});
		}

		return frame();
	};

	const pressUntil = async (input: string, predicate: (frame: string) => boolean, what = 'the expected frame') => {
		const deadline = Date.now() + 5000;
		while (Date.now() < deadline) {
			stdin.write(input);
			const pressed = Date.now();
			while (!predicate(frame()) && Date.now() - pressed < 100) {
				await new Promise(resolve => {
					setTimeout(resolve, 5);
				});
			}

			if (predicate(frame())) {
				return frame();
			}
		}

		throw new Error(`Timed out pressing ${JSON.stringify(input)} for ${what}. Last frame:\n${frame()}`);
	};

	const resize = (columns: number, rows: number) => {
		Object.defineProperty(stdout, 'columns', {value: columns, configurable: true});
		Object.defineProperty(stdout, 'rows', {value: rows, configurable: true});
		stdout.emit('resize');
	};

	resize(options.columns ?? 100, options.rows ?? 24);
	await waitFor(text => text.includes('session'), 'the first report');
	// Let the effects of the first frames (resize, first load) settle.
	await new Promise(resolve => {
		setImmediate(resolve);
	});
	return {
		setReport(report) {
			current = report;
		},
		async refresh() {
			const before = loads;
			// Pause, then resume: resuming reloads at once. Two presses in one batch would cancel out.
			stdin.write('p');
			await waitFor(text => text.includes('[PAUSED'), 'the pause before a refresh');
			stdin.write('p');
			const deadline = Date.now() + 5000;
			// eslint-disable-next-line no-unmodified-loop-condition -- load() counts, from Ink's refresh.
			while (loads === before && Date.now() < deadline) {
				await new Promise(resolve => {
					setTimeout(resolve, 5);
				});
			}

			await new Promise(resolve => {
				setImmediate(resolve);
			});
		},
		press(...inputs) {
			for (const input of inputs) {
				stdin.write(input);
			}
		},
		frame,
		lines: () => frame().split('\n'),
		waitFor,
		pressUntil,
		resize,
		loadCount: () => loads,
		writes: () => stdout.frames.length,
		repaints: () => stdout.frames.filter(each => each.startsWith(repaintSequence)).length,
		hasExited: () => stdin.listenerCount('readable') === 0,
		unmount() {
			instance.unmount();
		},
	};
}
