// Tells a dead connection from a quiet one, from what the kernel knows about its TCP socket.
import type {TcpInfo} from '../../proc/parse/parse-ss.js';
import type {TcpSocket, TcpState, TcpTimer} from '../../proc/types.js';

export type SessionHealth = 'ok' | 'stalled' | 'dead-peer' | 'unknown';

/** The raw figures behind a verdict, as `--json` publishes them. */
export type TcpFigures = {
	readonly state: TcpState;
	readonly sendQueueBytes: number;
	readonly receiveQueueBytes: number;
	readonly timer: TcpTimer;
	readonly retransmits: number;
	readonly lastSendMs: number | undefined;
	readonly lastReceiveMs: number | undefined;
	readonly lastAckMs: number | undefined;
	readonly retransmitsTotal: number | undefined;
	/** Smoothed round-trip time, from `ss`. */
	readonly roundTripMs?: number | undefined;
};

export type HealthAssessment = {
	readonly health: SessionHealth;
	/** Short sentences saying why, for the explorer and the JSON document. */
	readonly evidence: readonly string[];
	readonly tcp: TcpFigures | undefined;
};

const closingStates: ReadonlySet<TcpState> = new Set([
	'CLOSE_WAIT',
	'FIN_WAIT1',
	'FIN_WAIT2',
	'LAST_ACK',
	'CLOSING',
	'CLOSE',
	'TIME_WAIT',
]);

export function tcpFigures(socket: TcpSocket, info: TcpInfo | undefined): TcpFigures {
	return {
		state: socket.state,
		sendQueueBytes: socket.sendQueueBytes,
		receiveQueueBytes: socket.receiveQueueBytes,
		timer: socket.timer,
		retransmits: socket.retransmits,
		lastSendMs: info?.lastSendMs,
		lastReceiveMs: info?.lastReceiveMs,
		lastAckMs: info?.lastAckMs,
		retransmitsTotal: info?.retransmitsTotal,
		roundTripMs: info?.roundTripMs,
	};
}

// Every figure, checked by the compiler: a field added to TcpFigures must be added here. The round
// trip moves with every reading and says nothing about health: a session is not new for it.
const figureFlags: Record<keyof TcpFigures, boolean> = {
	state: true,
	sendQueueBytes: true,
	receiveQueueBytes: true,
	timer: true,
	retransmits: true,
	lastSendMs: true,
	lastReceiveMs: true,
	lastAckMs: true,
	retransmitsTotal: true,
	roundTripMs: false,
};
const figureKeys = Object.keys(figureFlags)
	.filter((key): key is keyof TcpFigures => key in figureFlags)
	.filter(key => figureFlags[key]);

/** Whether two assessments say the same (a session that reads as before keeps its object). */
export function isSameAssessment(a: HealthAssessment | undefined, b: HealthAssessment | undefined): boolean {
	if (a === undefined || b === undefined) {
		return a === b;
	}

	const [x, y] = [a.tcp, b.tcp];
	return (
		a.health === b.health &&
		a.evidence.length === b.evidence.length &&
		a.evidence.every((sentence, index) => sentence === b.evidence[index]) &&
		(x === y || (x !== undefined && y !== undefined && figureKeys.every(key => x[key] === y[key])))
	);
}

/**
 * `previous` is the same connection's figures one refresh earlier, when known: a send queue
 * that grows while the kernel retransmits is the clearest sign that nobody is listening.
 */
export function assessHealth(
	socket: TcpSocket | undefined,
	info: TcpInfo | undefined,
	previous?: TcpFigures,
): HealthAssessment {
	if (!socket) {
		return {health: 'unknown', evidence: ['socket not readable (not root?)'], tcp: undefined};
	}

	const tcp = tcpFigures(socket, info);
	if (closingStates.has(socket.state)) {
		return {health: 'dead-peer', evidence: [`connection is closing (${socket.state})`], tcp};
	}

	if (socket.timer === 'zero-window-probe' && socket.sendQueueBytes > 0) {
		return {
			health: 'stalled',
			evidence: [`client is not reading: ${socket.sendQueueBytes} B queued, zero-window probes`],
			tcp,
		};
	}

	const growing = previous === undefined || socket.sendQueueBytes >= previous.sendQueueBytes;
	if (socket.timer === 'retransmit' && socket.retransmits > 0 && socket.sendQueueBytes > 0 && growing) {
		const silence = info?.lastAckMs === undefined ? '' : `, no ACK for ${Math.round(info.lastAckMs / 1000)} s`;
		return {
			health: 'dead-peer',
			evidence: [
				`peer stopped acknowledging: ${socket.retransmits} retransmits, ${socket.sendQueueBytes} B unacknowledged${silence}`,
			],
			tcp,
		};
	}

	return {health: 'ok', evidence: [], tcp};
}
