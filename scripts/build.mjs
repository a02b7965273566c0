// Builds the npm package's program: dist/sshtop-app.cjs, the whole application in one minified
// file (bundle-app.mjs), and dist/sshtop.js, the small launcher that starts it through V8's code
// cache (source/launch.ts). Start-up time is dominated by loading code.
import {build} from 'esbuild';
import {fileURLToPath} from 'node:url';
import {bundleApp} from './bundle-app.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

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
	banner: {js: '#!/usr/bin/env node'},
	logLevel: 'warning',
});
