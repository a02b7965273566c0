// Bundles the CLI into one minified ESM file: start-up time is dominated by module loading.
import {build} from 'esbuild';
import {fileURLToPath} from 'node:url';
import {readFileSync} from 'node:fs';
import {lazyStringWidth, yogaWithoutFetch} from './bundle-patches.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const {version} = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

await build({
	entryPoints: [`${root}source/cli.tsx`],
	outfile: `${root}dist/sshtop.js`,
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	minify: true,
	legalComments: 'none',
	define: {
		'process.env.NODE_ENV': '"production"',
		SSHTOP_VERSION: JSON.stringify(version),
	},
	// Ink imports react-devtools-core only when DEV is set; marking it external still crashes at load.
	alias: {'react-devtools-core': `${root}scripts/devtools-stub.mjs`, ws: `${root}scripts/ws-stub.mjs`},
	plugins: [yogaWithoutFetch, lazyStringWidth],
	// Some CommonJS dependencies call require() on Node built-ins.
	banner: {
		js: "#!/usr/bin/env node\nimport {createRequire as __sshtopCreateRequire} from 'node:module';const require=__sshtopCreateRequire(import.meta.url);",
	},
	logLevel: 'warning',
});
