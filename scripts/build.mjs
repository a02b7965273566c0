// Builds the npm package's program: dist/sshtop-app.cjs, the whole application in one minified
// file (bundle-app.mjs), and dist/sshtop.js, the small launcher that starts it through V8's code
// cache (source/launch.ts). Start-up time is dominated by loading code.
import {chmodSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import {bundleApp} from './bundle-app.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
Run as a program (the `sshtop` that npm links), the launcher is started by sh, which starts
Node with three V8 flags that suit a program doing a few milliseconds of work every two seconds
for hours (docs/benchmark.md):
- --single-threaded-gc: V8's helper threads for concurrent and parallel collection cost more
  than the collections they share out. Collector flags cannot be changed once the heap is up
  (v8.setFlagsFromString crashes it at the first full collection).
- --no-opt: no optimising compiler. Functions that run once every two seconds become "hot"
  slowly, over minutes, and compiling them kept costing more than they gained: a quiet
  explorer beside 20 sessions used 0.93 % of a core with it and 0.52–0.57 % without; beside
  10,000 processes or 500 sessions it made no difference either way.
- --no-memory-reducer: no "memory reducer" collections. Eight seconds after a start's first full
  collection V8 ran two or three more to shrink a heap of ~11 MB (15-20 ms of a quiet minute's
  ~250 ms), and shrank the young generation with them, so its scavenges came back 20 s
  sooner. Without them a quiet explorer beside 20 sessions used 0.27-0.42 % of a core
  over a minute from its fourth second against 0.35-0.48 %, at the same RSS (64-72 MB against
  67-70 MB). Beside 500 sessions it held more (92.5 MB against 86 MB, one run each; over
  80 MB either way) and used about as much CPU (1.58 % against 1.63 %).
A shebang passes one argument at most. The second line is a string and a comment to JavaScript
and a command to sh; Node skips the first. `node dist/sshtop.js` still works, with Node's
defaults.
*/
const launcherHeader = [
	'#!/bin/sh',
	`':' //; exec node --single-threaded-gc --no-opt --no-memory-reducer "$0" "$@"`,
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
