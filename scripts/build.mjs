// Builds the npm package's program: dist/sshtop-app.cjs, the whole application in one minified
// file (bundle-app.mjs), and dist/sshtop.js, the small launcher that starts it through V8's code
// cache (source/launch.ts). Start-up time is dominated by loading code.
import {chmodSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import {bundleApp} from './bundle-app.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
Run as a program (the `sshtop` that npm links), the launcher is started by sh, which starts Node
with three V8 flags that suit a program doing a few milliseconds of work every two seconds for
hours (docs/benchmark.md says what each buys):
- --no-opt: no optimising compiler. Functions that run once every two seconds become "hot"
  slowly, over minutes, and compiling them costs more than it gains.
- --no-memory-reducer: no extra collections to shrink a small heap after start-up.
- --max-semi-space-size=2: a young generation of 2 MB semi-spaces, not up to 16. Beside a busy
  server a refresh makes enough short-lived garbage to grow it to its maximum, which kept RSS
  near 115 MB; with 2 MB it stays near 80 MB, for the same CPU.
A shebang passes one argument at most. The second line is a string and a comment to JavaScript
and a command to sh; Node skips the first. `node dist/sshtop.js` still works, with Node's defaults.
*/
const launcherHeader = [
	'#!/bin/sh',
	`':' //; exec node --no-opt --no-memory-reducer --max-semi-space-size=2 "$0" "$@"`,
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
