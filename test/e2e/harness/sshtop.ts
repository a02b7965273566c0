// Running the built sshtop CLI as a subprocess, as root or as another account, and the shape of
// its JSON written from the spec rather than imported: a change to the producer cannot silently
// change what the tests expect.
import process from 'node:process';
import {chmodSync, copyFileSync, mkdtempSync, readdirSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';
import {registerExitCleanup} from './processes.js';

export const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const cliPath = path.join(projectRoot, 'dist', 'sshtop.js');

export type JsonEndpoint = {readonly address: string; readonly port: number};

export type JsonProcess = {
	readonly pid: number;
	readonly ppid: number;
	readonly user: string;
	readonly command: string;
	readonly startedAt: string;
	readonly children: readonly JsonProcess[];
};

export type JsonHealth = 'ok' | 'stalled' | 'dead-peer' | 'unknown';

export type JsonTcp = {
	readonly state: string;
	readonly sendQueueBytes: number;
	readonly receiveQueueBytes: number;
	readonly timer: 'none' | 'retransmit' | 'keepalive' | 'time-wait' | 'zero-window-probe';
	readonly retransmits: number;
	readonly lastSendMs: number | null;
	readonly lastReceiveMs: number | null;
	readonly lastAckMs: number | null;
	readonly retransmitsTotal: number | null;
};

export type JsonSession = {
	readonly id: string;
	readonly pid: number;
	readonly listenerPid: number | null;
	readonly user: string;
	readonly kind: string;
	readonly stage: string;
	readonly ttys: readonly string[];
	readonly peer: JsonEndpoint | null;
	readonly local: JsonEndpoint | null;
	readonly idleSeconds: number | null;
	readonly idleSource: 'tty' | 'channels' | 'network' | null;
	readonly health: JsonHealth;
	readonly healthEvidence: readonly string[];
	readonly tcp: JsonTcp | null;
	readonly nestedIn: string | null;
	readonly nestedClientPid: number | null;
	readonly depth: number;
	readonly isOwn: boolean;
	readonly isOwnChain: boolean;
	readonly orphaned: boolean;
	readonly verified: boolean;
	readonly monitorPid: number | null;
	readonly userSidePid: number | null;
	readonly processes: JsonProcess;
};

export type JsonLeftover = {
	readonly pid: number;
	readonly ppid: number;
	readonly user: string;
	readonly command: string;
	readonly startedAt: string;
	readonly sshConnection: {readonly peer: JsonEndpoint; readonly local: JsonEndpoint} | null;
	readonly sshTty: string | null;
	readonly processes: JsonProcess;
};

export type JsonDocument = {
	readonly schemaVersion: number;
	readonly partial: boolean;
	readonly partialReasons: readonly string[];
	readonly tcpInfoSource: 'ss' | 'proc-only';
	readonly listeners: ReadonlyArray<{
		readonly pid: number;
		readonly command: string;
		readonly ports: readonly number[];
	}>;
	readonly sessions: readonly JsonSession[];
	readonly leftovers: readonly JsonLeftover[];
	readonly leftoversReadable: boolean;
};

export type ReapTarget = {
	readonly sessionId: string;
	readonly pid: number;
	readonly user: string;
	readonly peer: JsonEndpoint | null;
	readonly idleSeconds: number | null;
	readonly health: JsonHealth;
	readonly signal: string;
	readonly result?: string;
	readonly message?: string;
};

export type ReapDocument = {
	readonly schemaVersion: number;
	readonly mode: 'dry-run' | 'executed';
	readonly targets: readonly ReapTarget[];
};

export type SshtopRun = {
	readonly exitCode: number | undefined;
	readonly stdout: string;
	readonly stderr: string;
	readonly startedAt: number;
	readonly endedAt: number;
};

function newestSourceChange(directory: string): number {
	let newest = 0;
	for (const entry of readdirSync(directory, {withFileTypes: true})) {
		const entryPath = path.join(directory, entry.name);
		newest = Math.max(newest, entry.isDirectory() ? newestSourceChange(entryPath) : statSync(entryPath).mtimeMs);
	}

	return newest;
}

/** `npm test` builds first; a lone `vitest run` of one file must not test a stale bundle. */
export async function ensureBuilt(): Promise<void> {
	let builtAt = 0;
	try {
		builtAt = statSync(cliPath).mtimeMs;
	} catch {
		// Not built yet.
	}

	if (builtAt < newestSourceChange(path.join(projectRoot, 'source'))) {
		await execa('npm', ['run', 'build'], {cwd: projectRoot});
	}
}

/** The account `nobody`, as setpriv wants it: no supplementary groups, no root left. */
export const nobody = {uid: 65_534, gid: 65_534} as const;

export type RunOptions = {
	/** Run as this uid/gid (via setpriv) instead of as the test process. */
	readonly as?: {readonly uid: number; readonly gid: number};
	readonly timeoutMs?: number;
};

/** The test run's own temporary directory (test/global-setup.ts removes it), or the system's. */
export function testRunDirectory(): string {
	return process.env['SSHTOP_TEST_RUN_DIR'] ?? tmpdir();
}

let sharedCopy: string | undefined;

/**
The built program copied where every account may read it (a temp directory, 0755), for runs as
another user: a checkout may sit in a directory only root can enter, such as /root (0700).
Removed when the test process exits.
*/
export function sharedCliPath(): string {
	if (sharedCopy === undefined) {
		const directory = mkdtempSync(path.join(testRunDirectory(), 'sshtop-shared-'));
		chmodSync(directory, 0o755);
		for (const file of ['sshtop.js', 'sshtop-app.cjs']) {
			copyFileSync(path.join(projectRoot, 'dist', file), path.join(directory, file));
			chmodSync(path.join(directory, file), 0o755);
		}

		registerExitCleanup({processes: () => [], directories: [directory]});
		sharedCopy = path.join(directory, 'sshtop.js');
	}

	return sharedCopy;
}

/** Runs `node dist/sshtop.js ARGS` with stdin closed and stdout a pipe; never rejects. */
export async function runSshtop(args: readonly string[], options: RunOptions = {}): Promise<SshtopRun> {
	const command = ['node', options.as === undefined ? cliPath : sharedCliPath(), ...args];
	const [file, ...fileArgs] =
		options.as === undefined
			? command
			: ['setpriv', `--reuid=${options.as.uid}`, `--regid=${options.as.gid}`, '--clear-groups', ...command];
	const startedAt = Date.now();
	const result = await execa(file!, fileArgs, {
		// Another user may not enter the checkout: run from somewhere anyone can.
		cwd: options.as === undefined ? projectRoot : '/',
		reject: false,
		timeout: options.timeoutMs ?? 30_000,
		stdin: 'ignore',
		env: {NO_COLOR: '1'},
	});
	return {
		exitCode: result.exitCode,
		stdout: result.stdout,
		stderr: result.stderr,
		startedAt,
		endedAt: Date.now(),
	};
}

/** `sshtop --json`, parsed; throws with stderr when it did not exit 0. */
export async function readDocument(options: RunOptions = {}): Promise<JsonDocument> {
	const run = await runSshtop(['--json'], options);
	if (run.exitCode !== 0) {
		throw new Error(`sshtop --json exited ${run.exitCode}:\n${run.stderr}`);
	}

	return JSON.parse(run.stdout) as JsonDocument;
}

export function flatten(node: JsonProcess): JsonProcess[] {
	return [node, ...node.children.flatMap(child => flatten(child))];
}

/** A Node.js stack trace line (`    at fn (file:1:2)`). */
export const stackTraceLine = /^\s+at .+(?::\d+:\d+\)?|\(native\))$/mu;
