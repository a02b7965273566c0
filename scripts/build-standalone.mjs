// Builds dist/sshtop-linux-x64: one executable that runs without Node installed, made with
// Node 20's single executable application support (a copy of this node with the app injected).
// Its main script is the same CommonJS application bundle the npm package runs
// (bundle-app.mjs, dist/sshtop-app.cjs): Node 20 runs the embedded script as CommonJS, and its
// require() sees only built-in modules, which is all the bundle asks of it.
import process from 'node:process';
import {execFileSync} from 'node:child_process';
import {chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {inject} from 'postject';
import {appBundle, bundleApp} from './bundle-app.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const {version} = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const dist = `${root}dist/`;
const blob = `${dist}sshtop-sea.blob`;
const seaConfig = `${dist}sea-config.json`;
const executable = `${dist}sshtop-linux-x64`;
// The fuse Node's binary carries; postject flips it to say "a blob is injected".
const sentinelFuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

if (process.platform !== 'linux' || process.arch !== 'x64') {
	throw new Error(
		`build:standalone makes a Linux x64 executable from the running node; this is ${process.platform} ${process.arch}`,
	);
}

await bundleApp();

writeFileSync(
	seaConfig,
	`${JSON.stringify(
		{
			main: appBundle,
			// The compiled application goes into the executable too: it starts without compiling it.
			useCodeCache: true,
			output: blob,
			disableExperimentalSEAWarning: true,
		},
		undefined,
		2,
	)}\n`,
);
execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], {stdio: 'inherit'});

// Linux binaries carry no code signature, so there is none to remove before injecting.
rmSync(executable, {force: true});
copyFileSync(process.execPath, executable);
chmodSync(executable, 0o755);
await inject(executable, 'NODE_SEA_BLOB', readFileSync(blob), {sentinelFuse});
rmSync(blob);
process.stdout.write(`built ${executable.slice(root.length)} (node ${process.version}, sshtop ${version})\n`);
