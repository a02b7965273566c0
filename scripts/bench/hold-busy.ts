// Dev aid: holds the busy load (busy.ts) until SIGINT or SIGTERM, for profiling sshtop by hand
// beside it: npx tsx scripts/bench/hold-busy.ts 50 2
import process from 'node:process';
import {once} from 'node:events';
import {hasTestAccount, removeTestAccount, startTestSshd} from '../../test/e2e/harness/sshd.js';
import {startBusyLoad} from './busy.js';

const [sessions = 50, rate = 2] = process.argv.slice(2).map(Number);
const createdAccount = !(await hasTestAccount());
const sshd = await startTestSshd({extraConfig: ['MaxStartups 100:30:200']});
const load = await startBusyLoad(sshd, {sessions, rate, cpuSeconds: 0, runs: 0, keys: 0, soakMinutes: 0, tools: []});
console.log(
	`busy: ${load.clients.length} printing shells, ${rate} logins/s to 127.0.0.1:${sshd.port} (listener ${sshd.pid}); SIGINT or SIGTERM ends it`,
);
const controller = new AbortController();
await Promise.race([
	once(process, 'SIGINT', {signal: controller.signal}),
	once(process, 'SIGTERM', {signal: controller.signal}),
]);
controller.abort();
await load.stop();
await sshd.stop();
if (createdAccount) await removeTestAccount();
