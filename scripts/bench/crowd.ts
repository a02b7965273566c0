// A crowd of idle processes for the benchmark: a few perl parents, each forking many children
// that sleep. Every pid is recorded with its start time and ended by pid, never by name.
import process from 'node:process';
import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {setTimeout as delay} from 'node:timers/promises';

export type Member = {readonly pid: number; readonly startTicks: number};

export type Crowd = {
	readonly members: readonly Member[];
	/** Ends every member and parent by pid, SIGKILL after a grace period; safe to call twice. */
	readonly end: () => Promise<void>;
};

function startTicksOf(pid: number): number | undefined {
	try {
		const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
		return fields[0] === 'Z' ? undefined : Number(fields[19]);
	} catch {
		return undefined;
	}
}

function signalIfSame(member: Member, signal: NodeJS.Signals): boolean {
	if (startTicksOf(member.pid) !== member.startTicks) {
		return false;
	}

	try {
		process.kill(member.pid, signal);
		return true;
	} catch {
		return false;
	}
}

// Each child sets its title (as a real daemon would) and sleeps; the parent prints every
// child's pid, then waits for them so none is left a zombie.
const parentProgram = String.raw`
$| = 1;
my $count = shift;
my @children;
for my $index (1 .. $count) {
	my $pid = fork();
	die "fork: $!" unless defined $pid;
	if ($pid == 0) { $0 = "sshtop-bench-idle $index"; sleep 3600; exit 0; }
	print "$pid\n";
}
print "done\n";
1 while wait() != -1;
`;

/** Starts `count` sleeping processes in parents of at most `perParent` children each. */
export async function startCrowd(count: number, perParent = 2500): Promise<Crowd> {
	const parents: Member[] = [];
	const members: Member[] = [];
	const ended = {value: false};
	const end = async () => {
		if (ended.value) {
			return;
		}

		ended.value = true;
		const everyone = [...members, ...parents];
		for (const member of everyone) {
			signalIfSame(member, 'SIGTERM');
		}

		for (
			let attempt = 0;
			attempt < 50 && everyone.some(member => startTicksOf(member.pid) === member.startTicks);
			attempt++
		) {
			await delay(100);
		}

		for (const member of everyone) {
			signalIfSame(member, 'SIGKILL');
		}
	};

	try {
		let remaining = count;
		while (remaining > 0) {
			const batch = Math.min(perParent, remaining);
			remaining -= batch;
			const child = spawn('perl', ['-e', parentProgram, String(batch)], {stdio: ['ignore', 'pipe', 'inherit']});
			const parentTicks = child.pid === undefined ? undefined : startTicksOf(child.pid);
			if (child.pid === undefined || parentTicks === undefined) {
				throw new Error('could not start a perl parent');
			}

			parents.push({pid: child.pid, startTicks: parentTicks});
			await new Promise<void>((resolve, reject) => {
				let buffered = '';
				child.stdout.setEncoding('utf8');
				child.stdout.on('data', (chunk: string) => {
					buffered += chunk;
					const lines = buffered.split('\n');
					buffered = lines.pop() ?? '';
					for (const line of lines) {
						if (line === 'done') {
							resolve();
							return;
						}

						const pid = Number(line);
						const ticks = startTicksOf(pid);
						if (ticks !== undefined) {
							members.push({pid, startTicks: ticks});
						}
					}
				});
				child.once('exit', () => {
					reject(new Error('a perl parent exited before starting its children'));
				});
			});
		}
	} catch (error) {
		await end();
		throw error;
	}

	return {members, end};
}
