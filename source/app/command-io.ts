// Where a subcommand (reap, metrics, serve) writes: the process's stdout and stderr, or a
// test's recorder.
import process from 'node:process';

export type CommandIo = {
	readonly stdout: (text: string) => void;
	readonly stderr: (text: string) => void;
};

export const processIo: CommandIo = {
	stdout(text) {
		process.stdout.write(text);
	},
	stderr(text) {
		process.stderr.write(text);
	},
};
