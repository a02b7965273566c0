// A private tmux server as a real terminal for TUI tests: its own socket name (-L), its own
// config, owned by pid. Nothing here touches a tmux server the test did not start.
//
//   const tmux = await startTmux({command: `node ${cli}`, columns: 100, rows: 30});
//   try {
//     await tmux.waitForScreen(screen => screen.includes('sessions'));
//     await tmux.sendKeys('Down', 'Enter');   // key names; sendText('abc') types literally
//     const coloured = await tmux.capturePane({colors: true});
//   } finally {
//     await tmux.stop();
//   }
import process from 'node:process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {testRunDirectory} from './sshtop.js';
import {
	descendantsFromProc,
	endProcesses,
	isRunning,
	ownProcess,
	readStatFields,
	registerExitCleanup,
	type OwnedProcess,
} from './processes.js';
import {waitFor, type WaitOptions} from './wait-for.js';

/** A word for a pane's `sh -c` command line: single-quoted, any single quote inside escaped. */
export function shellQuote(text: string): string {
	return `'${text.replaceAll("'", String.raw`'\''`)}'`;
}

export type TmuxOptions = {
	/** Run by the pane through `sh -c`, so quote it as for a shell. */
	readonly command: string;
	readonly columns?: number;
	readonly rows?: number;
	/** Extra environment for the pane, on top of this process's. */
	readonly env?: Readonly<Record<string, string>>;
	readonly cwd?: string;
	/** Value of TERM inside the pane. */
	readonly term?: string;
};

export type CaptureOptions = {
	/** Keep SGR colour and attribute escapes (`capture-pane -e`). */
	readonly colors?: boolean;
};

export type PaneStatus = {
	readonly isDead: boolean;
	/** Exit status of the pane's command once it is dead; undefined while it runs or when killed by a signal. */
	readonly exitStatus: number | undefined;
	/** Number of the signal that killed the pane's command, if one did. */
	readonly signal: number | undefined;
};

export type TmuxSession = {
	readonly socketName: string;
	readonly serverPid: number;
	/** Pid of the pane's first process (`sh -c COMMAND`, or the command when sh execs it). */
	readonly panePid: number;
	/** Types text as is: no key names are interpreted (`send-keys -l`). */
	readonly sendText: (text: string) => Promise<void>;
	/** Sends tmux key names such as `Enter`, `Escape`, `Down`, `C-c`, `F5`, `BSpace`. */
	readonly sendKeys: (...keys: readonly string[]) => Promise<void>;
	/** The visible screen, one string per row, trailing spaces removed. */
	readonly capturePane: (options?: CaptureOptions) => Promise<string>;
	/** Polls the screen until `predicate` holds; returns that screen, or throws with the last screen. */
	readonly waitForScreen: (
		predicate: (screen: string) => boolean,
		options?: WaitOptions & CaptureOptions,
	) => Promise<string>;
	readonly resize: (columns: number, rows: number) => Promise<void>;
	readonly paneStatus: () => Promise<PaneStatus>;
	readonly stop: () => Promise<void>;
};

let sessionCounter = 0;

export async function startTmux(options: TmuxOptions): Promise<TmuxSession> {
	const {command, columns = 100, rows = 30, env = {}, cwd, term = 'xterm-256color'} = options;
	sessionCounter += 1;
	const socketName = `sshtop-test-${process.pid}-${sessionCounter}-${Math.random().toString(36).slice(2, 8)}`;
	const directory = mkdtempSync(path.join(tmpdir(), 'sshtop-tmux-'));
	const configPath = path.join(directory, 'tmux.conf');
	// Status line off: the pane is then exactly columns × rows. escape-time 0: a lone Escape
	// reaches the program at once instead of after tmux's 500 ms wait for a sequence.
	// remain-on-exit: the last screen and exit status stay readable after the program quits.
	writeFileSync(
		configPath,
		[
			`set -g default-terminal "${term}"`,
			'set -g status off',
			'set -sg escape-time 0',
			'set -g remain-on-exit on',
			'set -g history-limit 1000',
			'',
		].join('\n'),
	);

	// The server's socket in the test run's directory, not a /tmp/tmux-UID left behind.
	const clientEnvironment: Record<string, string | undefined> = {
		...process.env,
		...env,
		TMUX: undefined,
		TMUX_TMPDIR: testRunDirectory(),
	};
	const tmux = async (...args: readonly string[]) => {
		const result = await execa('tmux', ['-L', socketName, '-f', configPath, ...args], {
			env: clientEnvironment,
			extendEnv: false,
			stdin: 'ignore',
		});
		return result.stdout;
	};

	// An explorer started in the pane keeps its preferences in the pane's directory, never in the
	// account's ~/.config (a test's keys change the sort).
	const environmentFlags = Object.entries({XDG_CONFIG_HOME: path.join(directory, 'config'), ...env}).flatMap(
		([name, value]) => ['-e', `${name}=${value}`],
	);
	let server: OwnedProcess | undefined;
	let pane: OwnedProcess | undefined;
	let socketPath = '';
	const unregister = registerExitCleanup({
		processes: () => [pane, server].filter(owned => owned !== undefined),
		directories: [directory],
	});

	try {
		await tmux(
			'new-session',
			'-d',
			'-s',
			'main',
			'-x',
			String(columns),
			'-y',
			String(rows),
			...(cwd === undefined ? [] : ['-c', cwd]),
			...environmentFlags,
			command,
		);
		const [serverPidText = '', panePidText = '', socketPathText = ''] = (
			await tmux('display-message', '-p', '-t', 'main', '#{pid} #{pane_pid} #{socket_path}')
		).split(' ');
		socketPath = socketPathText;
		server = ownProcess(Number(serverPidText));
		pane = ownProcess(Number(panePidText));
		if (server === undefined) {
			throw new Error(`tmux server ${serverPidText} vanished right after starting`);
		}
	} catch (error: unknown) {
		unregister();
		rmSync(directory, {recursive: true, force: true});
		throw error;
	}

	const serverPid = server.pid;
	const panePid = pane?.pid ?? Number.NaN;

	const capturePane = async (captureOptions: CaptureOptions = {}) => {
		const output = await tmux('capture-pane', '-p', '-t', 'main', ...(captureOptions.colors ? ['-e'] : []));
		return output
			.split('\n')
			.map(line => line.replace(/ +$/u, ''))
			.join('\n');
	};

	let stopped = false;
	return {
		socketName,
		serverPid,
		panePid,
		async sendText(text) {
			await tmux('send-keys', '-t', 'main', '-l', text);
		},
		async sendKeys(...keys) {
			await tmux('send-keys', '-t', 'main', ...keys);
		},
		capturePane,
		async waitForScreen(predicate, waitOptions = {}) {
			let lastScreen = '';
			try {
				return await waitFor(
					async () => {
						lastScreen = await capturePane(waitOptions);
						return predicate(lastScreen) ? lastScreen : undefined;
					},
					{description: 'the screen to match', ...waitOptions},
				);
			} catch (error: unknown) {
				const message = error instanceof Error ? error.message : String(error);
				throw new Error(`${message}\n--- last screen ---\n${lastScreen}\n-------------------`, {cause: error});
			}
		},
		async resize(newColumns, newRows) {
			await tmux('resize-window', '-t', 'main', '-x', String(newColumns), '-y', String(newRows));
		},
		async paneStatus() {
			// tmux 3.3a sometimes loses the exit status when the pty closes before the child is
			// reaped (pane_dead stays 1 with no status, for good), and may not mark the pane dead
			// at all for a while. The pane counts as dead once its process is gone from /proc or a
			// zombie, whatever tmux says; the status is reported when tmux knows it.
			const fields = pane === undefined ? undefined : readStatFields(pane.pid);
			const isGone = fields === undefined || fields.startTicks !== pane?.startTicks || fields.state === 'Z';
			const [dead = '0', status = '', signalNumber = ''] = (
				await tmux('display-message', '-p', '-t', 'main', '#{pane_dead} #{pane_dead_status} #{pane_dead_signal}')
			).split(' ');
			return {
				isDead: isGone || (dead === '1' && (status !== '' || signalNumber !== '')),
				exitStatus: status === '' ? undefined : Number(status),
				signal: signalNumber === '' ? undefined : Number(signalNumber),
			};
		},
		async stop() {
			if (stopped) {
				return;
			}

			stopped = true;
			try {
				const paneDescendants = pane === undefined ? [] : descendantsFromProc(pane.pid);
				await endProcesses(
					[...paneDescendants, pane, server].filter(
						(owned): owned is OwnedProcess => owned !== undefined && isRunning(owned),
					),
				);
			} finally {
				unregister();
				rmSync(directory, {recursive: true, force: true});
				// A server that had to be SIGKILLed leaves its socket behind.
				if (socketPath !== '') {
					rmSync(socketPath, {force: true});
				}
			}
		},
	};
}
