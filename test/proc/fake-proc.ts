// A writable fake /proc tree for the readers that keep state between refreshes: processes can
// be added, changed and removed between two reads, as the kernel would.
import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';

export type FakeProcess = {
	readonly pid: number;
	readonly comm: string;
	readonly ppid: number;
	readonly start?: number;
	readonly tty?: number;
	readonly flags?: number;
	readonly state?: string;
	/** Start_code: a new value stands for an exec. */
	readonly codeAddress?: number;
	readonly uid?: number;
	/** The thread group id when this pid is a thread of another process. */
	readonly tgid?: number;
	readonly cmdline?: string;
	readonly exe?: string;
	readonly fds?: readonly string[];
	readonly environ?: string;
	/** Foreground process group of the terminal (tpgid); -1 by default. */
	readonly foregroundGroup?: number;
	readonly threads?: number;
	/** /proc/PID/schedstat (time on a CPU, time waiting, times scheduled); none by default. */
	readonly schedstat?: string;
};

/** Boot time of every fake tree: 2025-11-22T08:00:00Z. */
export const fakeBootSeconds = 1_763_798_400;

export function statLine(process: FakeProcess): string {
	const fields = [
		process.state ?? 'S',
		process.ppid,
		process.pid,
		process.pid,
		process.tty ?? 0,
		process.foregroundGroup ?? -1,
		process.flags ?? 4_194_304,
		0,
		0,
		0,
		0,
		5,
		6,
		0,
		0,
		20,
		0,
		process.threads ?? 1,
		0,
		process.start ?? 1000,
		1000,
		10,
		0,
		process.codeAddress ?? 4096,
		8192,
		0x7f_ff_00,
	];
	return `${process.pid} (${process.comm}) ${fields.join(' ')} 0 0 0\n`;
}

export class FakeProc {
	readonly root: string;
	readonly proc: string;
	readonly dev: string;
	readonly passwd: string;

	constructor() {
		this.root = mkdtempSync(path.join(tmpdir(), 'sshtop-fake-proc-'));
		this.proc = path.join(this.root, 'proc');
		this.dev = path.join(this.root, 'dev');
		this.passwd = path.join(this.root, 'passwd');
		mkdirSync(path.join(this.proc, 'sys/kernel'), {recursive: true});
		mkdirSync(path.join(this.proc, 'net'));
		mkdirSync(path.join(this.dev, 'pts'), {recursive: true});
		writeFileSync(path.join(this.proc, 'stat'), `cpu  1 2 3 4\nbtime ${fakeBootSeconds}\n`);
		writeFileSync(path.join(this.proc, 'uptime'), '3600.50 7000.00\n');
		writeFileSync(path.join(this.proc, 'sys/kernel/hostname'), 'fixture-host\n');
		writeFileSync(path.join(this.proc, 'sys/kernel/pid_max'), '32768\n');
		writeFileSync(path.join(this.proc, 'net/tcp6'), '  sl  local_address remote_address st\n');
		writeFileSync(this.passwd, 'root:x:0:0::/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n');
		this.setLastPid(1);
		this.setTcp([]);
	}

	/** The last pid the kernel allocated, as /proc/loadavg's fifth field. */
	setLastPid(pid: number): void {
		writeFileSync(path.join(this.proc, 'loadavg'), `0.50 0.25 0.10 1/99 ${pid}\n`);
	}

	/** What a scan hint is checked against: boot id, pid namespace and the fork count in /proc/stat. */
	setSystemMark(mark: {readonly bootId: string; readonly pidNamespace: string; readonly forks: number}): void {
		mkdirSync(path.join(this.proc, 'sys/kernel/random'), {recursive: true});
		writeFileSync(path.join(this.proc, 'sys/kernel/random/boot_id'), `${mark.bootId}\n`);
		mkdirSync(path.join(this.proc, 'self/ns'), {recursive: true});
		rmSync(path.join(this.proc, 'self/ns/pid'), {force: true});
		symlinkSync(mark.pidNamespace, path.join(this.proc, 'self/ns/pid'));
		writeFileSync(path.join(this.proc, 'stat'), `cpu  1 2 3 4\nbtime ${fakeBootSeconds}\nprocesses ${mark.forks}\n`);
	}

	/** Lines of /proc/net/tcp after its header. */
	setTcp(lines: readonly string[]): void {
		writeFileSync(
			path.join(this.proc, 'net/tcp'),
			[
				'  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
				...lines,
			].join('\n'),
		);
	}

	/** Creates or replaces a process directory. */
	write(process: FakeProcess): void {
		const directory = path.join(this.proc, String(process.pid));
		rmSync(directory, {recursive: true, force: true});
		mkdirSync(directory);
		writeFileSync(path.join(directory, 'stat'), statLine(process));
		const uid = process.uid ?? 0;
		writeFileSync(
			path.join(directory, 'status'),
			`Name:\t${process.comm}\nTgid:\t${process.tgid ?? process.pid}\nPid:\t${process.pid}\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\n`,
		);
		writeFileSync(path.join(directory, 'cmdline'), process.cmdline ?? '');
		writeFileSync(path.join(directory, 'environ'), process.environ ?? '');
		if (process.schedstat !== undefined) {
			writeFileSync(path.join(directory, 'schedstat'), process.schedstat);
		}

		if (process.exe) {
			symlinkSync(process.exe, path.join(directory, 'exe'));
		}

		mkdirSync(path.join(directory, 'fd'));
		for (const [index, target] of (process.fds ?? []).entries()) {
			symlinkSync(target, path.join(directory, 'fd', String(index)));
		}
	}

	/** Rewrites only the command line, as setproctitle does. */
	setCmdline(pid: number, cmdline: string): void {
		writeFileSync(path.join(this.proc, String(pid), 'cmdline'), cmdline);
	}

	remove(pid: number): void {
		rmSync(path.join(this.proc, String(pid)), {recursive: true, force: true});
	}

	dispose(): void {
		rmSync(this.root, {recursive: true, force: true});
	}
}
