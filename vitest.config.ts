import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		globalSetup: ['test/global-setup.ts'],
		setupFiles: ['test/setup-yoga.ts'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// The end-to-end suites share one machine's process table and terminals.
		fileParallelism: false,
		// Ink reads CI at import and then draws only the final frame; the component tests
		// exercise the live terminal, as an operator sees it. The reporter still sees CI.
		env: {CI: 'false', CONTINUOUS_INTEGRATION: 'false'},
	},
});
