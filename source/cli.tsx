// Entry point: flags, then a one-shot JSON or text snapshot, or the interactive explorer.
import {readFileSync} from 'node:fs';
import {helpText, parseCli} from './cli-options.js';
import {toJsonDocument} from './model/json-document.js';
import {buildReport} from './model/sessions.js';
import {readSnapshot} from './proc/read-snapshot.js';
import {readTcpInfo} from './proc/read-tcp-info.js';

declare const SSHTOP_VERSION: string | undefined;

function packageVersion(): string {
	if (typeof SSHTOP_VERSION === 'string') {
		return SSHTOP_VERSION;
	}

	const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {version: string};
	return manifest.version;
}

async function main(argv: readonly string[]): Promise<number> {
	const parsed = parseCli(argv);
	if ('error' in parsed) {
		process.stderr.write(`sshtop: ${parsed.error} (see sshtop --help)\n`);
		return 2;
	}

	const {options} = parsed;
	switch (options.mode) {
		case 'help': {
			process.stdout.write(`${helpText(packageVersion())}\n`);
			return 0;
		}

		case 'version': {
			process.stdout.write(`${packageVersion()}\n`);
			return 0;
		}

		case 'json': {
			const report = buildReport(readSnapshot({tcpInfo: await readTcpInfo()}));
			process.stdout.write(`${JSON.stringify(toJsonDocument(report), undefined, 2)}\n`);
			return 0;
		}

		case 'auto': {
			process.stderr.write('sshtop: the interactive explorer is not built yet; use --json\n');
			return 1;
		}
	}
}

try {
	process.exitCode = await main(process.argv.slice(2));
} catch (error) {
	process.stderr.write(`sshtop: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exitCode = 1;
}
