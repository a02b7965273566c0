// Entry point of the npm bundle (dist/sshtop.js); the command itself is in main.ts.
import {runMain} from './main.js';

await runMain(process.argv.slice(2));
