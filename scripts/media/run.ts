// `npm run media`: the README's screenshots, from a real run. The e2e harness starts a private
// sshd (never the system's) and a handful of real ssh/sftp sessions; sshtop runs in a tmux pane
// inside one more ssh session to that server (so the own-session mark shows); the pane is
// captured with its colours and converted to SVG as is — nothing is drawn or edited by hand.
//
//   npm run media                  build, then write media/{explorer,filter,end-session,help}.svg
//   tsx scripts/media/run.ts --print   also print each captured screen as plain text
//
// As root the run happens in a fresh PID namespace (unshare --pid --mount-proc): sshtop then
// sees only the sessions this script opens, not whatever else runs on the machine (your own
// logins, other test runs). Without unshare it runs in place and says so.
//
// Every process started here is ended by pid in `finally` (the harness's tmux and sshd stop());
// in the namespace, the kernel also ends whatever is left when the script (its PID 1) exits.
import process from 'node:process';
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {parseArgs} from 'node:util';
import {
	connectCommand,
	connectForward,
	connectSftp,
	connectShell,
	typeLine,
	type SshClient,
} from '../../test/e2e/harness/clients.js';
import {
	freePort,
	hasTestAccount,
	removeTestAccount,
	startTestSshd,
	type TestSshd,
} from '../../test/e2e/harness/sshd.js';
import {cliPath, projectRoot} from '../../test/e2e/harness/sshtop.js';
import {shellQuote as quote, startTmux, type TmuxSession} from '../../test/e2e/harness/tmux.js';
import {waitFor} from '../../test/e2e/harness/wait-for.js';
import {readPs} from '../../test/e2e/harness/ground-truth.js';
import {screenToSvg} from './ansi-to-svg.js';

const {values: flags} = parseArgs({
	options: {
		print: {type: 'boolean', default: false},
		columns: {type: 'string', default: '120'},
		rows: {type: 'string', default: '32'},
	},
});
const stageVariable = 'SSHTOP_MEDIA_STAGE';
const columns = Number(flags.columns);
const rows = Number(flags.rows);
const mediaDirectory = path.join(projectRoot, 'media');

/** A row drawn in inverse video: the selection. */
// eslint-disable-next-line no-control-regex -- an escape sequence is what it looks for.
const selected = /\u001B\[(?:\d+;)*7m/u;
// eslint-disable-next-line no-control-regex
const plain = (screen: string) => screen.replaceAll(/\u001B\[[0-?]*[ -/]*[@-~]/gu, '');

type Scene = {
	readonly sshd: TestSshd;
	readonly tmux: TmuxSession;
	/** The unprivileged account's pty shell: the session the dialog picture targets. */
	readonly userShell: SshClient;
	/** Root's pty shell running top: the session the explorer picture opens. */
	readonly topShell: SshClient;
	readonly user: string;
};

/** The screen line of the session whose peer is 127.0.0.1:PORT. */
const sessionLineIndex = (screen: string, port: number) =>
	plain(screen)
		.split('\n')
		.findIndex(line => line.includes(`127.0.0.1:${port} `));

/** Rows of the screen down to its last non-blank one. */
const usedRows = (screen: string) => plain(screen).trimEnd().split('\n').length;

/**
 * Captures the pane into media/NAME.svg. With `fit`, the terminal is first made as short as the
 * frame needs (plus a blank row; sshtop redraws for the new size) so the picture has no empty
 * half, and restored afterwards. The picture is always a whole, real terminal screen.
 */
async function save(
	tmux: TmuxSession,
	name: string,
	title: string,
	{fit = true, isReady = () => true}: {readonly fit?: boolean; readonly isReady?: (screen: string) => boolean} = {},
): Promise<void> {
	let pictureRows = rows;
	let used = 0;
	if (fit) {
		used = usedRows(await tmux.capturePane());
		pictureRows = Math.min(rows, used + 2);
		if (pictureRows < rows) {
			await tmux.resize(columns, pictureRows);
		}
	}

	const screen = await tmux.waitForScreen(
		text => isReady(text) && text.split('\n').length === pictureRows && (!fit || usedRows(text) === used),
		{colors: true, timeoutMs: 20_000, description: `the screen for ${name} in ${columns}×${pictureRows}`},
	);
	if (pictureRows < rows) {
		await tmux.resize(columns, rows);
	}

	if (flags.print) {
		console.log(`--- ${name} (${columns}×${pictureRows}) ---\n${plain(screen)}`);
	}

	writeFileSync(path.join(mediaDirectory, `${name}.svg`), screenToSvg(screen, {columns, rows: pictureRows, title}));
	console.log(`wrote media/${name}.svg (${columns}×${pictureRows})`);
}

const selectedLineIndex = (screen: string) => screen.split('\n').findIndex(line => selected.test(line));

/** Moves the selection one row at a time (Home, then ↓ or ↑, each awaited) to the row of the session at PORT. */
async function selectSession(tmux: TmuxSession, port: number): Promise<void> {
	await tmux.sendKeys('Home');
	await tmux.waitForScreen(
		screen => screen.split('\n').some(line => selected.test(line) && plain(line).includes('listener')),
		{colors: true, description: 'the listener row to be selected'},
	);
	for (let step = 0; step < rows; step++) {
		const screen = await tmux.capturePane({colors: true});
		const current = selectedLineIndex(screen);
		const target = sessionLineIndex(screen, port);
		if (target < 0) {
			throw new Error(`no session row for port ${port}:\n${plain(screen)}`);
		}

		if (current === target) {
			return;
		}

		await tmux.sendKeys(current < target ? 'Down' : 'Up');

		await tmux.waitForScreen(next => selectedLineIndex(next) !== current, {
			colors: true,
			description: 'the selection to move',
		});
	}

	throw new Error(`could not select the session at port ${port}`);
}

/** Waits until the tree shows no process rows: every session collapsed. */
const processRow = /[├└]─[▾▸─] +\d+ \S+ +[A-Z] /mu;

/** Waits until the explorer has refreshed at least twice more (CPU% needs two samples) and the header is complete. */
async function settle(tmux: TmuxSession, isComplete: (screen: string) => boolean): Promise<string> {
	await new Promise(resolve => {
		setTimeout(resolve, 4500);
	});
	return tmux.waitForScreen(isComplete, {timeoutMs: 20_000, description: 'the explorer to settle'});
}

async function startScene(sshd: TestSshd): Promise<Scene> {
	const user = sshd.unprivilegedUser;
	if (user === undefined) {
		throw new Error("npm run media needs root: the pictures show a second account's sessions");
	}

	const [rootShell, userShell] = await Promise.all([
		connectShell(sshd, {label: 'root shell running top'}),
		connectShell(sshd, {user, label: `${user}'s shell`}),
	]);
	typeLine(rootShell, 'top -b -d 60 > /dev/null');
	await Promise.all([
		connectCommand(sshd, 'sleep 86400', {user, label: 'a long notty command'}),
		connectSftp(sshd, {user}),
		connectForward(sshd, await freePort(), {user}),
		waitFor(
			async () => {
				const ps = await readPs();
				return ps.descendantsOf(rootShell.sessionPid).find(row => row.args === 'top -b -d 60');
			},
			{
				description: 'top in the root shell',
			},
		),
	]);

	const ssh = ['ssh', '-tt', '-p', String(sshd.port), ...sshd.clientOptions, `${sshd.defaultUser}@127.0.0.1`]
		.map(word => quote(word))
		.join(' ');
	const tmux = await startTmux({command: `exec ${ssh}`, columns, rows});
	return {sshd, tmux, userShell, topShell: rootShell, user};
}

/**
 * Runs this script again as PID 1 of a new PID namespace with its own /proc; returns its exit
 * code, or undefined when that is not possible here (not root, no unshare).
 */
async function runInOwnPidNamespace(): Promise<number | undefined> {
	if (process.getuid?.() !== 0 || process.env[stageVariable] !== undefined) {
		return undefined;
	}

	if (spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], {stdio: 'ignore'}).status !== 0) {
		return undefined;
	}

	const child = spawn(
		'unshare',
		['--pid', '--fork', '--mount-proc', process.execPath, ...process.execArgv, ...process.argv.slice(1)],
		{
			stdio: 'inherit',
			env: {...process.env, [stageVariable]: 'pid-namespace'},
		},
	);
	// Ctrl-C reaches the script in the namespace too; it cleans up, and this waits for it.
	const ignore = () => undefined;
	process.on('SIGINT', ignore);
	process.on('SIGTERM', ignore);
	return new Promise(resolve => {
		child.once('exit', (code, signal) => {
			resolve(code ?? (signal === null ? 1 : 128));
		});
	});
}

async function main(): Promise<void> {
	if (!existsSync(cliPath)) {
		throw new Error(`${cliPath} is missing: run npm run build first (npm run media does)`);
	}

	if (process.env[stageVariable] === undefined) {
		console.warn(
			'Not in a PID namespace of its own (needs root and unshare): every SSH session on this machine will be in the pictures.',
		);
	}

	// The harness's exit hook kills what is still owned: make a signal exit through it.
	for (const signalName of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(signalName, () => {
			console.error(`${signalName}: stopping`);
			process.exit(130);
		});
	}

	mkdirSync(mediaDirectory, {recursive: true});
	let sshd: TestSshd | undefined;
	let createdAccount = false;
	// The harness's tmux keeps its sockets under the run directory: this one, removed at the end.
	const runDirectory = mkdtempSync(path.join(tmpdir(), 'sshtop-media-'));
	process.env['SSHTOP_TEST_RUN_DIR'] ??= runDirectory;
	let tmux: TmuxSession | undefined;
	try {
		// The test account is made when missing (startTestSshd); it goes again with the sshd.
		createdAccount = !(await hasTestAccount());
		sshd = await startTestSshd();
		const scene = await startScene(sshd);
		tmux = scene.tmux;
		const {userShell, topShell, user} = scene;
		await tmux.waitForScreen(screen => /[$#] *$/mu.test(screen), {
			description: 'the remote shell prompt',
			timeoutMs: 60_000,
		});
		// Shown in the own session's row as `node dist/sshtop.js`.
		await tmux.sendText(
			`clear; cd ${quote(projectRoot)} && PATH=${quote(path.dirname(process.execPath))}:$PATH node ${quote(path.relative(projectRoot, cliPath))} --expand collapsed`,
		);
		await tmux.sendKeys('Enter');
		const header = `:${sshd.port} (pid ${sshd.pid})`;
		const isComplete = (screen: string) =>
			screen.includes(header) && screen.includes('idle policy') && sessionLineIndex(screen, userShell.localPort) >= 0;
		await tmux.waitForScreen(isComplete, {description: 'the explorer', timeoutMs: 30_000});

		// 1. The explorer: every session collapsed (--expand collapsed) but root's, opened down to top.
		await selectSession(tmux, topShell.localPort);
		await tmux.sendKeys('Right', 'Down', 'Right', 'Down', 'Right');
		await tmux.waitForScreen(screen => /[├└]─+ +\d+ root +\S +[\d.]+ +\S+ top -b -d 60/mu.test(plain(screen)), {
			description: "root's session open down to top",
		});
		await selectSession(tmux, topShell.localPort);
		// sshtop runs ss each refresh; a snapshot taken while it runs names ss as the own session's
		// foreground (the newest process of the group). Wait for a frame that shows sshtop itself.
		const showsSshtop = (screen: string) =>
			isComplete(screen) && /\*root .* node dist\/sshtop\.js/mu.test(plain(screen));
		await settle(tmux, showsSshtop);
		await save(tmux, 'explorer', 'sshtop: the explorer, one session expanded', {isReady: showsSshtop});

		// 2. Filtered by the other user's name, every row open, that user's shell selected.
		await selectSession(tmux, userShell.localPort);
		await tmux.sendText('*');
		await tmux.waitForScreen(screen => plain(screen).includes(`${user}@pts/`), {description: 'every row to open'});
		await tmux.sendText('\\');
		await tmux.waitForScreen(screen => /^filter: /mu.test(plain(screen)), {description: 'the filter line'});
		await tmux.sendText(user);
		await tmux.sendKeys('Enter');
		await tmux.waitForScreen(screen => plain(screen).includes(`filter: ${user}`), {
			description: 'the filter to apply',
		});
		await settle(
			tmux,
			screen => sessionLineIndex(screen, userShell.localPort) >= 0 && sessionLineIndex(screen, topShell.localPort) < 0,
		);
		await save(tmux, 'filter', `sshtop: sessions filtered by ${user}`);

		// 3. The end-session dialog for the other user's shell; cancelled, nothing is sent.
		await tmux.sendKeys('Escape');
		await tmux.waitForScreen(
			screen => !plain(screen).includes('filter:') && sessionLineIndex(screen, topShell.localPort) >= 0,
			{description: 'the filter to clear'},
		);
		// Everything was open: * closes every session.
		await tmux.sendText('*');
		await tmux.waitForScreen(screen => !processRow.test(plain(screen)), {description: 'every session to collapse'});
		await selectSession(tmux, userShell.localPort);
		await tmux.sendText('k');
		await tmux.waitForScreen(screen => screen.includes('End'), {description: 'the action menu'});
		await tmux.sendKeys('Enter');
		await tmux.waitForScreen(screen => screen.includes('Default is No'), {
			description: 'the end-session confirmation',
		});
		await save(tmux, 'end-session', "sshtop: ending another user's session asks first, naming every target");
		await tmux.sendKeys('Escape');
		await tmux.waitForScreen(
			screen => sessionLineIndex(screen, userShell.localPort) >= 0 && !screen.includes('Default is No'),
			{description: 'the dialog to close'},
		);

		// 4. The help screen.
		await tmux.sendText('?');
		await tmux.waitForScreen(screen => screen.includes('Move the selection up'), {description: 'the help screen'});
		// The help lays its keys out for the terminal's height: kept at the full size.
		await save(tmux, 'help', 'sshtop: the help screen', {fit: false});
		await tmux.sendText('?');
		await tmux.waitForScreen(screen => sessionLineIndex(screen, topShell.localPort) >= 0, {description: 'the tree'});

		// 5. The details of root's session.
		await selectSession(tmux, topShell.localPort);
		await tmux.sendKeys('Enter');
		await tmux.waitForScreen(screen => plain(screen).includes('Its sshd'), {description: 'the detail pane'});
		await save(tmux, 'details', "sshtop: everything known about root's session (Enter)", {fit: false});
		await tmux.sendKeys('Escape');
		await tmux.sendText('q');
	} finally {
		await tmux?.stop();
		await sshd?.stop();
		if (createdAccount) await removeTestAccount();
		rmSync(runDirectory, {recursive: true, force: true});
	}
}

const namespaceExitCode = await runInOwnPidNamespace();
if (namespaceExitCode === undefined) {
	await main();
} else {
	process.exitCode = namespaceExitCode;
}
