// `npm run docs`: rewrites README.md's generated tables (see readme-tables.ts).
import {readFileSync, writeFileSync} from 'node:fs';
import {withGeneratedSections} from './readme-tables.js';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, withGeneratedSections(readFileSync(path, 'utf8')));
