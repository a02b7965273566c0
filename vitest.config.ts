import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// The end-to-end suites share one machine's process table and terminals.
		fileParallelism: false,
	},
});
