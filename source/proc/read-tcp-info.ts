// Runs `ss -tineH` once per refresh for the per-socket ages /proc/net/tcp does not carry.
import {execa} from 'execa';
import {parseSsTcpInfo, type TcpInfo} from './parse-ss.js';

export type TcpInfoReading =
	| {readonly source: 'ss'; readonly infos: ReadonlyMap<number, TcpInfo>}
	/** iproute2 missing or failing: health and idle fall back to /proc/net/tcp alone. */
	| {readonly source: 'proc-only'; readonly reason: string};

export async function readTcpInfo(): Promise<TcpInfoReading> {
	try {
		const result = await execa('ss', ['-tineH'], {timeout: 5000, reject: false, stdin: 'ignore'});
		if (result.exitCode !== 0) {
			return {source: 'proc-only', reason: `ss failed: ${result.stderr.split('\n')[0] ?? `exit ${result.exitCode}`}`};
		}

		return {source: 'ss', infos: parseSsTcpInfo(result.stdout)};
	} catch (error) {
		const missing = typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
		return {source: 'proc-only', reason: missing ? 'ss (iproute2) is not installed' : 'ss could not be run'};
	}
}
