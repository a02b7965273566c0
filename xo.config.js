// Lint and format: xo (ESLint with typescript-eslint, unicorn, react) and Prettier, run by `npm test`.
// Each rule turned off or changed here says why.
export default [
	{
		ignores: ['dist/**', 'media/**', 'test/fixtures/**/*.txt'],
	},
	{
		prettier: true,
		react: true,
		rules: {
			// JSON documents and the audit log say "no value" with null: it is part of their contract.
			'@typescript-eslint/no-restricted-types': 'off',
			// The u flag: Unicode semantics for what we match; v's class syntax adds nothing for patterns over kernel text.
			'require-unicode-regexp': ['error', {requireFlag: 'u'}],
			// Kernel encodings are bit fields: tty_nr, process flags, signal masks, file modes.
			'no-bitwise': 'off',
			// React 19's automatic JSX runtime; optional props get their defaults where they are destructured.
			'react/react-in-jsx-scope': 'off',
			'react/require-default-props': 'off',
			// Reducers and the scanner's read step through one case after another; beyond this, split.
			complexity: ['error', 40],
			'max-params': ['error', 5],
			// A default branch that handles "everything else" is exhaustive too.
			'@typescript-eslint/switch-exhaustiveness-check': ['error', {considerDefaultExhaustiveForUnions: true}],
			// Programs are named as typed, lower case, even at the start of a comment.
			'capitalized-comments': [
				'error',
				'always',
				{ignorePattern: String.raw`sshtop|sshd|ss\b|ps\b|tmux|pipe-pane|ssh\b|esbuild|npm|execa|tsx|vitest|xo\b|pragma|ignore|prettier-ignore|c8`, ignoreConsecutiveComments: true},
			],
		},
	},
	{
		files: ['scripts/**', 'test/**'],
		rules: {
			// Benchmarks and end-to-end tests do one step after another on purpose: start, poll, stop.
			'no-await-in-loop': 'off',
		},
	},
	{
		files: ['scripts/bundle-patches.mjs'],
		rules: {
			// esbuild hands its onLoad filters to Go's regexp package, which takes no flags.
			'require-unicode-regexp': 'off',
		},
	},
	{
		files: ['source/model/guard/signal-catalogue.ts'],
		rules: {
			// Signals are named as the kernel and every admin names them: SIGTERM, not sigterm.
			'@typescript-eslint/naming-convention': 'off',
		},
	},
	{
		files: ['source/proc/parse/parse-net-tcp.ts', 'source/proc/parse/parse-proc-access.ts'],
		rules: {
			// Tables keyed by the kernel's own numeric codes.
			'@typescript-eslint/naming-convention': 'off',
		},
	},
];
