// Ending the processes a test started, by pid, and only those: a pid is checked against the
// start time it had when it was recorded, so a recycled pid is never signalled.
import process from 'node:process';
import {readdirSync, readFileSync, rmSync} from 'node:fs';
import {waitFor} from './wait-for.js';

export type OwnedProcess = {
	readonly pid: number;
	/** Start time in clock ticks since boot (field 22 of /proc/PID/stat). */
	readonly startTicks: number;
};

type StatFields = {
	readonly state: string;
	readonly startTicks: number;
};

export function readStatFields(pid: number): StatFields | undefined {
	let text: string;
	try {
		text = readFileSync(`/proc/${pid}/stat`, 'utf8');
	} catch {
		return undefined;
	}

	// The command name may contain spaces and parentheses; the fields after the last ')' may not.
	const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
	const state = fields[0];
	const startTicks = Number(fields[19]);
	if (state === undefined || !Number.isFinite(startTicks)) {
		return undefined;
	}

	return {state, startTicks};
}

/** Records a process's identity now; undefined when it is already gone. */
export function ownProcess(pid: number): OwnedProcess | undefined {
	const fields = readStatFields(pid);
	return fields === undefined ? undefined : {pid, startTicks: fields.startTicks};
}

/** Still the same process, and not a zombie waiting for a parent that never reaps it. */
export function isRunning(owned: OwnedProcess): boolean {
	const fields = readStatFields(owned.pid);
	return fields?.startTicks === owned.startTicks && fields.state !== 'Z' && fields.state !== 'X';
}

function signal(owned: OwnedProcess, signalName: NodeJS.Signals): void {
	if (!isRunning(owned)) {
		return;
	}

	try {
		process.kill(owned.pid, signalName);
	} catch {
		// Exited between the check and the signal.
	}
}

/** SIGTERM, then SIGKILL for whatever is still running after the grace period. */
export async function endProcesses(targets: readonly OwnedProcess[], graceMs = 3000): Promise<void> {
	for (const target of targets) {
		signal(target, 'SIGTERM');
	}

	try {
		await waitFor(() => targets.every(target => !isRunning(target)), {
			timeoutMs: graceMs,
			description: 'processes to end after SIGTERM',
		});
	} catch {
		for (const target of targets) {
			signal(target, 'SIGKILL');
		}

		await waitFor(() => targets.every(target => !isRunning(target)), {
			timeoutMs: 5000,
			description: `processes to end after SIGKILL: ${targets
				.filter(target => isRunning(target))
				.map(target => target.pid)
				.join(' ')}`,
		});
	}
}

/** Pids of the running descendants of `pid`, found by walking the ppid field of /proc/PID/stat. */
export function descendantsFromProc(pid: number): OwnedProcess[] {
	const parentOf = new Map<number, number>();
	const startOf = new Map<number, number>();
	let entries: string[];
	try {
		entries = readdirSync('/proc').filter(entry => /^\d+$/u.test(entry));
	} catch {
		return [];
	}

	for (const entry of entries) {
		const child = Number(entry);
		let text: string;
		try {
			text = readFileSync(`/proc/${child}/stat`, 'utf8');
		} catch {
			continue;
		}

		const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
		parentOf.set(child, Number(fields[1]));
		startOf.set(child, Number(fields[19]));
	}

	const found: OwnedProcess[] = [];
	const queue = [pid];
	while (queue.length > 0) {
		const parent = queue.shift()!;
		for (const [child, childParent] of parentOf) {
			if (childParent === parent) {
				found.push({pid: child, startTicks: startOf.get(child)!});
				queue.push(child);
			}
		}
	}

	return found;
}

/**
 * Running processes whose environment holds `entry` (`NAME=value`) exactly. Sshd hands its
 * SetEnv variables to every session, so this finds a session's processes even after they were
 * orphaned to PID 1 and left the listener's tree.
 */
export function processesWithEnvironment(entry: string): OwnedProcess[] {
	const found: OwnedProcess[] = [];
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/u.test(name)) {
			continue;
		}

		let environment: string;
		try {
			environment = readFileSync(`/proc/${name}/environ`, 'latin1');
		} catch {
			continue;
		}

		if (environment.split('\0').includes(entry)) {
			const owned = ownProcess(Number(name));
			if (owned !== undefined && isRunning(owned)) {
				found.push(owned);
			}
		}
	}

	return found;
}

type ExitCleanup = {
	readonly processes: () => readonly OwnedProcess[];
	readonly directories: readonly string[];
	/** Anything else to undo, synchronously (network namespaces), after the processes are killed. */
	readonly onExit?: () => void;
};

const exitCleanups = new Set<ExitCleanup>();
let exitHookInstalled = false;

/**
 * Safety net for a test run that dies before its afterAll: on process exit, SIGKILL whatever
 * the resource still owns and remove its directories. Returns the function that unregisters it.
 */
export function registerExitCleanup(cleanup: ExitCleanup): () => void {
	if (!exitHookInstalled) {
		exitHookInstalled = true;
		process.once('exit', () => {
			for (const each of exitCleanups) {
				for (const owned of each.processes()) {
					signal(owned, 'SIGKILL');
				}

				for (const directory of each.directories) {
					rmSync(directory, {recursive: true, force: true});
				}

				each.onExit?.();
			}
		});
	}

	exitCleanups.add(cleanup);
	return () => {
		exitCleanups.delete(cleanup);
	};
}
