// Builds the npm package's program: dist/sshtop-app.cjs, the whole application in one minified
// file (bundle-app.mjs), and dist/sshtop.js, the small launcher that starts it through V8's code
// cache (source/launch.ts). Start-up time is dominated by loading code.
import {build} from 'esbuild';
import {chmodSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {bundleApp} from './bundle-app.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
Run as a program (the `sshtop` that npm links), the launcher is started by sh, which starts
Node with --single-threaded-gc: V8 flags for the collector cannot be changed once the heap is
up (v8.setFlagsFromString crashes it at the first full collection), and a shebang passes one
argument at most. sshtop does a little work every two seconds for hours; V8's helper threads
for concurrent and parallel collection cost more than the collections they share out
(docs/benchmark.md). The second line is a string and a comment to JavaScript and a command to
sh; Node skips the first. `node dist/sshtop.js` still works, with Node's default collector.
*/
const launcherHeader = [
	'#!/bin/sh',
	`':' //; exec node --single-threaded-gc "$0" "$@"`,
].join('\n');

await bundleApp();
await build({
	entryPoints: [`${root}source/launch.ts`],
	outfile: `${root}dist/sshtop.js`,
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	minify: true,
	legalComments: 'none',
	banner: {js: launcherHeader},
	logLevel: 'warning',
});
chmodSync(`${root}dist/sshtop.js`, 0o755);
