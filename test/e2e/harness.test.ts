// The harness tested against procps and iproute2: if these fail, the e2e suites prove nothing.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {isRunning, ownProcess} from './harness/processes.js';
import {startTmux, type TmuxSession} from './harness/tmux.js';
import {waitFor} from './harness/wait-for.js';

describe('tmux driver', () => {
	let tmux: TmuxSession | undefined;

	afterAll(async () => {
		await tmux?.stop();
	});

	it('runs a command in a private server of the requested size and reads its screen', async () => {
		tmux = await startTmux({
			command: "exec env PS1='ready> ' bash --norc --noprofile",
			columns: 60,
			rows: 12,
			env: {SSHTOP_TEST_MARK: 'passed through'},
		});
		await tmux.waitForScreen(screen => screen.includes('ready>'));
		await tmux.sendText(String.raw`printf '\033[31mred\033[0m %s %sx%s %s\n' "$TERM" "$(tput cols)" "$(tput lines)" "$SSHTOP_TEST_MARK"`);
		await tmux.sendKeys('Enter');

		const screen = await tmux.waitForScreen(screen => screen.includes('red xterm-256color 60x12 passed through'));
		expect(screen.split('\n')).toHaveLength(12);
		const colored = await tmux.capturePane({colors: true});
		expect(colored).toMatch(/\u001B\[31mred/);
	});

	it('resizes the window and the program sees the new size', async () => {
		await tmux!.resize(80, 20);
		await tmux!.sendText('clear; echo "size $(tput cols)x$(tput lines)"');
		await tmux!.sendKeys('Enter');
		await tmux!.waitForScreen(screen => screen.includes('size 80x20'));
		expect((await tmux!.capturePane()).split('\n')).toHaveLength(20);
	});

	it('keeps the last screen and the exit status after the program quits', async () => {
		await tmux!.sendText('exit 3');
		await tmux!.sendKeys('Enter');
		const status = await waitForDead(tmux!);
		expect(status.exitStatus).toBe(3);
	});

	it('stop ends the server by pid', async () => {
		const server = ownProcess(tmux!.serverPid);
		expect(server).toBeDefined();
		await tmux!.stop();
		expect(isRunning(server!)).toBe(false);
	});
});

async function waitForDead(tmux: TmuxSession) {
	return waitFor(async () => {
		const status = await tmux.paneStatus();
		return status.isDead ? status : undefined;
	}, {description: 'the pane to die'});
}
