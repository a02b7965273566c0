import {describe, expect, it} from 'vitest';
import {assessHealth, isSameAssessment} from '../../../source/model/report/health.js';
import type {TcpInfo} from '../../../source/proc/parse/parse-ss.js';
import {socket} from '../../fixtures/builders.js';

const server = {address: '10.0.0.5', port: 22};
const client = {address: '192.168.0.100', port: 50_000};
const info = (extra: Partial<TcpInfo> = {}): TcpInfo => ({
	inode: 1,
	lastSendMs: 10,
	lastReceiveMs: 20,
	lastAckMs: 10,
	retransmitsNow: 0,
	retransmitsTotal: 0,
	unackedSegments: 0,
	roundTripMs: 1,
	...extra,
});

describe('assessHealth', () => {
	it('a quiet connection with a keepalive timer is ok, however long it has been silent', () => {
		const verdict = assessHealth(socket(1, server, client, {timer: 'keepalive'}), info({lastReceiveMs: 3_600_000}));
		expect(verdict.health).toBe('ok');
		expect(verdict.tcp).toMatchObject({state: 'ESTABLISHED', lastReceiveMs: 3_600_000});
	});

	it('output piling up behind a zero window is stalled', () => {
		const verdict = assessHealth(
			socket(1, server, client, {timer: 'zero-window-probe', sendQueueBytes: 131_072}),
			info(),
		);
		expect(verdict.health).toBe('stalled');
		expect(verdict.evidence[0]).toContain('131072 B');
	});

	it('retransmissions into an unacknowledged send queue mean the peer is gone', () => {
		const verdict = assessHealth(
			socket(1, server, client, {timer: 'retransmit', retransmits: 7, sendQueueBytes: 8000}),
			info({lastAckMs: 95_000}),
		);
		expect(verdict.health).toBe('dead-peer');
		expect(verdict.evidence[0]).toMatch(/7 retransmits, 8000 B unacknowledged, no ACK for 95 s/u);
	});

	it('a single retransmission on a draining queue is not yet a dead peer', () => {
		const previous = assessHealth(
			socket(1, server, client, {timer: 'retransmit', retransmits: 1, sendQueueBytes: 9000}),
			undefined,
		).tcp;
		const verdict = assessHealth(
			socket(1, server, client, {timer: 'retransmit', retransmits: 1, sendQueueBytes: 100}),
			undefined,
			previous,
		);
		expect(verdict.health).toBe('ok');
	});

	it('a closing socket is a dead peer', () => {
		for (const state of ['CLOSE_WAIT', 'FIN_WAIT1', 'FIN_WAIT2'] as const) {
			expect(assessHealth(socket(1, server, client, {state}), undefined).health).toBe('dead-peer');
		}
	});

	it('without a readable socket the health is unknown', () => {
		expect(assessHealth(undefined, undefined)).toMatchObject({health: 'unknown', tcp: undefined});
	});
});

describe('isSameAssessment', () => {
	const quiet = () => assessHealth(socket(1, server, client, {timer: 'keepalive'}), info());

	it('two readings of a connection that did not move say the same, though they are other objects', () => {
		expect(quiet()).not.toBe(quiet());
		expect(isSameAssessment(quiet(), quiet())).toBe(true);
		expect(isSameAssessment(undefined, undefined)).toBe(true);
	});

	it('the round trip, which moves with every reading, is carried but does not make them differ', () => {
		const jittered = assessHealth(socket(1, server, client, {timer: 'keepalive'}), info({roundTripMs: 7.5}));
		expect(jittered.tcp?.roundTripMs).toBe(7.5);
		expect(isSameAssessment(quiet(), jittered)).toBe(true);
	});

	it('any figure, the verdict or the evidence that moved makes them differ', () => {
		expect(
			isSameAssessment(
				quiet(),
				assessHealth(socket(1, server, client, {timer: 'keepalive'}), info({lastReceiveMs: 21})),
			),
		).toBe(false);
		expect(
			isSameAssessment(
				quiet(),
				assessHealth(socket(1, server, client, {timer: 'keepalive', receiveQueueBytes: 1}), info()),
			),
		).toBe(false);
		expect(isSameAssessment(quiet(), assessHealth(socket(1, server, client, {state: 'CLOSE_WAIT'}), info()))).toBe(
			false,
		);
		expect(isSameAssessment(quiet(), assessHealth(undefined, undefined))).toBe(false);
		expect(isSameAssessment(quiet(), undefined)).toBe(false);
	});
});
