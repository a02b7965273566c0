import {describe, expect, test} from 'vitest';
import {renderPlainText} from '../../../source/model/view/plain-text.js';
import {child, listener, report, shellSession} from '../../fixtures/builders.js';

const sessions = report(
	[
		shellSession(1000, {
			user: 'alice',
			shellChildren: [child(1003, 1002, ['sleep', '100']), child(1004, 1002, ['top'])],
			foregroundPid: 1004,
			isOwn: true,
		}),
		shellSession(2000, {user: 'bob', tty: 'pts/1'}),
	],
	{isPartial: true},
);

describe('the one-shot plain-text tree', () => {
	test('shows the header and every process, fully expanded', () => {
		const text = renderPlainText(sessions, {color: false});
		expect(text).toContain('bastion  up 3d 4h  load 0.12 0.08 0.01');
		expect(text).toContain('2 sessions');
		expect(text).toContain('some details are unreadable and shown as ?');
		for (const command of ['sleep 100', 'top', 'sshd: bob@pts/1']) {
			expect(text).toContain(command);
		}
	});

	test('has no escape sequences without colour, and no CPU column (one reading cannot give it)', () => {
		const text = renderPlainText(sessions, {color: false});
		expect(text).not.toContain('\u001B');
		expect(text).not.toContain('CPU%');
	});

	test('uses colour only when asked', () => {
		expect(renderPlainText(sessions, {color: true})).toContain('\u001B[1m');
	});

	test('cuts lines to the width when one is given, never wraps them', () => {
		const lines = renderPlainText(sessions, {color: false, width: 50}).trimEnd().split('\n');
		expect(Math.max(...lines.map(line => line.length))).toBeLessThanOrEqual(50);
	});

	test('a hostile process name reaches the output as visible text', () => {
		const hostile = report([
			shellSession(1000, {user: 'alice', shellChildren: [child(1003, 1002, ['\u001B]0;owned\u0007\u001B[2J'])]}),
		]);
		const text = renderPlainText(hostile, {color: false});
		expect(text).not.toContain('\u001B');
		expect(text).not.toContain('\u0007');
		expect(text).toContain('^[]0;owned^G^[[2J');
	});
});

describe('the idle policy in the header', () => {
	const policy = {clientAliveIntervalSeconds: 300, clientAliveCountMax: 3, tcpKeepAlive: true};
	const twoListeners = report([], {listeners: [listener({pid: 800}), listener({pid: 900, ports: [2222]})]});

	test('one line for listeners that share a policy', () => {
		const text = renderPlainText(twoListeners, {
			color: false,
			policies: new Map([
				['800:8000', policy],
				['900:9000', policy],
			]),
		});
		expect(text).toContain('idle policy: ClientAlive 300s × 3 (drops after 15m unanswered), TCPKeepAlive yes');
	});

	test('names the listeners when policies differ or are only partly known', () => {
		const text = renderPlainText(twoListeners, {
			color: false,
			policies: new Map([['900:9000', {...policy, clientAliveIntervalSeconds: 0}]]),
		});
		expect(text).toContain('idle policy :2222: ClientAliveInterval 0 (off), TCPKeepAlive yes');
	});
});
