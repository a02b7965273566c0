// `npm run docs`: rewrites README.md's generated tables (see readme-tables.ts), the man page and
// the bash completion (see manual.ts).
import {readFileSync, writeFileSync} from 'node:fs';
import {bashCompletion, manPage} from './manual.js';
import {withGeneratedSections} from './readme-tables.js';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, withGeneratedSections(readFileSync(path, 'utf8')));
const manifest: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const version =
	typeof manifest === 'object' && manifest !== null && 'version' in manifest ? String(manifest.version) : '0';
writeFileSync(new URL('../man/sshtop.1', import.meta.url), manPage(version));
writeFileSync(new URL('../completion/sshtop.bash', import.meta.url), bashCompletion());
