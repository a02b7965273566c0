// Runs `ss -tineH` once per refresh for the per-socket ages /proc/net/tcp does not carry.
import {parseSsTcpInfo, type TcpInfo} from './parse/parse-ss.js';

export type TcpInfoReading =
	| {readonly source: 'ss'; readonly infos: ReadonlyMap<number, TcpInfo>}
	/** Iproute2 missing or failing: health and idle fall back to /proc/net/tcp alone. */
	| {readonly source: 'proc-only'; readonly reason: string};

export async function readTcpInfo(): Promise<TcpInfoReading> {
	// Loaded when first needed: evaluating execa is a visible part of start-up.
	const {execa} = await import('execa');
	const result = await execa('ss', ['-tineH'], {timeout: 5000, reject: false, stdin: 'ignore'});
	if (result.code === 'ENOENT') {
		return {source: 'proc-only', reason: 'ss (iproute2) is not installed'};
	}

	if (result.failed) {
		// The first line that says something: an empty stderr says nothing.
		const detail =
			[result.stderr, result.shortMessage ?? ''].map(text => text.split('\n')[0] ?? '').find(line => line !== '') ??
			'unknown error';
		return {source: 'proc-only', reason: `ss failed: ${detail}`};
	}

	return {source: 'ss', infos: parseSsTcpInfo(result.stdout)};
}
