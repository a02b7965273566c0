// Lint and format: xo (ESLint with typescript-eslint, unicorn, react) and Prettier, run by `npm test`.
// Each rule turned off or changed here says why.

/**
xo's naming rule, except that names in capitals are left as they are (environment variables such
as `LC_ALL`, signal names such as `SIGTERM`, kernel codes, defines the bundler replaces: spelled as
the system spells them), and a class held in a variable is named as a class.
*/
const namingConvention = [
	'error',
	{
		selector: [
			'variable',
			'function',
			'classProperty',
			'objectLiteralProperty',
			'parameterProperty',
			'classMethod',
			'objectLiteralMethod',
			'typeMethod',
			'accessor',
		],
		format: ['strictCamelCase', 'StrictPascalCase'],
		leadingUnderscore: 'allowSingleOrDouble',
		trailingUnderscore: 'allow',
		filter: {regex: String.raw`[- .:]|^[A-Z][A-Z\d_]*$|^\d+$`, match: false},
	},
	{selector: 'typeLike', format: ['StrictPascalCase']},
	{
		selector: 'variable',
		types: ['boolean'],
		format: ['StrictPascalCase'],
		prefix: ['is', 'has', 'can', 'should', 'will', 'did'],
	},
	{selector: 'interface', filter: /^(?!I)[A-Z]/u.source, format: ['StrictPascalCase']},
	{selector: 'typeParameter', filter: /^T$|^[A-Z][a-zA-Z]+$/u.source, format: ['StrictPascalCase']},
	{selector: ['classProperty', 'objectLiteralProperty'], format: null, modifiers: ['requiresQuotes']},
];

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
				{
					ignorePattern: String.raw`sshtop|sshd|ss\b|ps\b|tmux|pipe-pane|ssh\b|esbuild|npm|execa|tsx|vitest|xo\b|pragma|ignore|prettier-ignore|c8`,
					ignoreConsecutiveComments: true,
				},
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
		files: ['test/**'],
		rules: {
			// Tests look for escape sequences and control characters in what the program writes.
			'no-control-regex': 'off',
			// A test reads the shape it expects from JSON and program output, then checks it with expect().
			'@typescript-eslint/no-unsafe-type-assertion': 'off',
			// `(await run()).stdout` reads as the spec saDs it.
			'unicorn/no-await-expression-member': 'off',
			// Describe → it → waitFor → predicate is the shape of a spec.
			'max-nested-callbacks': ['error', 6],
			// A test sorts copies it made, both sides of an expect() alike.
			'unicorn/no-array-sort': 'off',
			'@typescript-eslint/require-array-sort-compare': 'off',
		},
	},
	{
		files: ['**/*.ts', '**/*.tsx'],
		rules: {'@typescript-eslint/naming-convention': namingConvention},
	},
];
