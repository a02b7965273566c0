// Entry point for running from source (`npm run dev`); the built program starts main.ts through
// launch.ts and scripts/bundle-app.mjs instead. The command itself is in main.ts.
import process from 'node:process';

// Ink reads CI / CONTINUOUS_INTEGRATION once, when it is first imported, and then renders only
// the last frame at exit. An operator at a terminal always wants the live view, so these go
// before main.js (and Ink with it) is loaded.
if (process.stdout.isTTY) {
	delete process.env['CI'];
	delete process.env['CONTINUOUS_INTEGRATION'];
}

// Yoga loads without top-level await (patches/yoga-layout+3.2.1.patch): nothing may lay out before it is ready.
const {yogaReady} = await import('yoga-layout');
await yogaReady;
const {runMain} = await import('./main.js');
await runMain(process.argv.slice(2));
