// Idle time of a session without a terminal: when its channels last carried data. Keepalives
// never reach a session's commands or its forwarded connections, so they do not count; the
// client's last packet (which a ClientAliveInterval reply resets) is not used.
//
// The evidence, latest wins: the login itself; a command of the session starting or ending; a
// command's I/O counters (/proc/PID/io rchar + wchar) moving since the last refresh; a forwarded
// connection opening, closing, or (from ss) last sending or receiving. A one-shot reading has no
// last refresh: it sees starts, logins and forwarded connections' ages only, so its idle time
// is an upper bound, exact for a session nobody touched since its last command started.
import type {TcpInfo} from '../../proc/parse/parse-ss.js';
import type {TcpSocket} from '../../proc/types.js';
import {processId, type ChannelReadings, type ProcessId, type ProcessRecord} from '../types.js';

export type ChannelEvidence = {
	/** Epoch ms of the latest sign of activity. */
	readonly activeAt: number;
	readonly readings: ChannelReadings;
};

export type ChannelInput = {
	readonly takenAt: number;
	readonly loginAt: number;
	/** Processes of the session other than the sshds that hold its connection. */
	readonly commands: readonly ProcessRecord[];
	/** TCP connections the session's sshds hold besides the login: forwarded ones. */
	readonly forwards: readonly TcpSocket[];
	readonly processIo: ReadonlyMap<number, number> | undefined;
	readonly tcpInfos: ReadonlyMap<number, TcpInfo> | undefined;
	/** What the last refresh worked out for this session, when there was one. */
	readonly before: {readonly activeAt: number | undefined; readonly readings: ChannelReadings | undefined} | undefined;
};

export function channelActivity(input: ChannelInput): ChannelEvidence {
	const {takenAt, before} = input;
	let activeAt = Math.max(input.loginAt, before?.activeAt ?? Number.NEGATIVE_INFINITY);
	const seen = (instant: number) => {
		activeAt = Math.max(activeAt, Math.min(instant, takenAt));
	};

	const ioByProcess = new Map<ProcessId, number>();
	const current = new Set<ProcessId>();
	for (const command of input.commands) {
		const id = processId(command);
		current.add(id);
		seen(command.startedAt);
		const characters = input.processIo?.get(command.pid);
		if (characters === undefined) {
			continue;
		}

		ioByProcess.set(id, characters);
		const last = before?.readings?.ioByProcess.get(id);
		if (last !== undefined && last !== characters) {
			seen(takenAt);
		}
	}

	// A command that ended since the last refresh ended a channel.
	for (const id of before?.readings?.ioByProcess.keys() ?? []) {
		if (!current.has(id)) {
			seen(takenAt);
		}
	}

	const forwardInodes = input.forwards.map(socket => socket.inode).toSorted((a, b) => a - b);
	const lastForwards = before?.readings?.forwardInodes;
	if (lastForwards !== undefined && !isSameList(lastForwards, forwardInodes)) {
		seen(takenAt);
	}

	for (const socket of input.forwards) {
		const info = input.tcpInfos?.get(socket.inode);
		const sinceMs = Math.min(
			info?.lastSendMs ?? Number.POSITIVE_INFINITY,
			info?.lastReceiveMs ?? Number.POSITIVE_INFINITY,
		);
		if (Number.isFinite(sinceMs)) {
			seen(takenAt - sinceMs);
		}
	}

	const readings =
		before?.readings !== undefined && isSameReadings(before.readings, ioByProcess, forwardInodes)
			? before.readings
			: {ioByProcess, forwardInodes};
	return {activeAt, readings};
}

function isSameList(a: readonly number[], b: readonly number[]): boolean {
	return a.length === b.length && a.every((value, index) => value === b[index]);
}

function isSameReadings(
	readings: ChannelReadings,
	ioByProcess: ReadonlyMap<ProcessId, number>,
	forwardInodes: readonly number[],
): boolean {
	if (readings.ioByProcess.size !== ioByProcess.size || !isSameList(readings.forwardInodes, forwardInodes)) {
		return false;
	}

	for (const [id, characters] of ioByProcess) {
		if (readings.ioByProcess.get(id) !== characters) {
			return false;
		}
	}

	return true;
}
