import {Buffer} from 'node:buffer';
import {closeSync, openSync, readSync} from 'node:fs';
import {parseStat, type StatFields} from '../proc/parse/parse-stat.js';
import {parseStatus} from '../proc/parse/parse-status.js';
import type {SignalDispositions} from '../model/guard/signal-fate.js';

export type LiveStat =
	| {readonly kind: 'alive'; readonly stat: StatFields}
	| {readonly kind: 'gone'}
	| {readonly kind: 'unreadable'; readonly code: string};

function codeOf(error: unknown): string {
	return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
		? error.code
		: 'EIO';
}

// ENOENT: no such pid. ESRCH: the directory was opened but the task exited before the read.
const vanishedCodes = new Set(['ENOENT', 'ESRCH']);

/**
 * Reads /proc/PID/stat through one file descriptor, synchronously, so the executor can
 * check identity and send the signal without yielding to the event loop in between.
 */
export function readLiveStat(pid: number): LiveStat {
	let fd: number;
	try {
		fd = openSync(`/proc/${pid}/stat`, 'r');
	} catch (error) {
		const code = codeOf(error);
		return vanishedCodes.has(code) ? {kind: 'gone'} : {kind: 'unreadable', code};
	}

	try {
		// One stat line is well under 1 KiB even with a 64-byte comm; read until EOF anyway.
		const chunks: Buffer[] = [];
		for (;;) {
			const chunk = Buffer.allocUnsafe(4096);
			const count = readSync(fd, chunk, 0, chunk.length, null);
			if (count === 0) {
				break;
			}

			chunks.push(chunk.subarray(0, count));
		}

		const stat = parseStat(Buffer.concat(chunks).toString('utf8'));
		return stat === undefined ? {kind: 'unreadable', code: 'EBADMSG'} : {kind: 'alive', stat};
	} catch (error) {
		const code = codeOf(error);
		return vanishedCodes.has(code) ? {kind: 'gone'} : {kind: 'unreadable', code};
	} finally {
		closeSync(fd);
	}
}

/** The signal masks of /proc/PID/status now; empty (fate unknown) when they cannot be read. */
export function readLiveDispositions(pid: number): SignalDispositions {
	let fd: number;
	try {
		fd = openSync(`/proc/${pid}/status`, 'r');
	} catch {
		return {};
	}

	try {
		const chunk = Buffer.allocUnsafe(8192);
		const count = readSync(fd, chunk, 0, chunk.length, null);
		const {ignoredSignals, caughtSignals, isNamespaceInit} = parseStatus(chunk.subarray(0, count).toString('utf8'));
		return {ignoredSignals, caughtSignals, isNamespaceInit};
	} catch {
		return {};
	} finally {
		closeSync(fd);
	}
}
