import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {helpText} from '../source/cli-options.js';
import {withGeneratedSections} from '../scripts/readme-tables.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README.md', () => {
	it('has the key and filter tables the code has (run `npm run docs` after changing them)', () => {
		expect(readme).toBe(withGeneratedSections(readme));
	});

	it('shows the two quick-start commands and the test command', () => {
		expect(readme).toContain('npm ci && npm start');
		expect(readme).toMatch(/^bash .ci\/run +# as root/mu);
		// A root-only box has no sudo.
		expect(readme).not.toContain('sudo bash .ci/run');
		expect(readme).toContain('npm test');
	});

	it('documents every command-line flag', () => {
		const flags = [...helpText('0').matchAll(/^ {2}(--[a-z-]+)/gmu)].map(match => match[1]!);
		expect(flags.length).toBeGreaterThan(3);
		for (const flag of flags) {
			expect(readme, flag).toContain(flag);
		}
	});
});
