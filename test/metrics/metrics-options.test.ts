// `sshtop metrics` and `sshtop serve` flags: defaults, what each flag accepts, one-line refusals.
import {describe, expect, it} from 'vitest';
import {defaultListen, parseListen, parseMetricsArgs, parseServeArgs} from '../../source/metrics/metrics-options.js';

describe('sshtop metrics flags', () => {
	it('prints to standard output, without per-session series, by default', () => {
		expect(parseMetricsArgs([])).toEqual({ok: true, options: {mode: 'print', output: undefined, perSession: false}});
	});

	it('takes --output FILE and --per-session', () => {
		expect(parseMetricsArgs(['--output', '/tmp/x.prom', '--per-session'])).toEqual({
			ok: true,
			options: {mode: 'print', output: '/tmp/x.prom', perSession: true},
		});
	});

	it('refuses an unknown flag and an empty --output', () => {
		const unknown = parseMetricsArgs(['--nope']);
		expect(!unknown.ok && unknown.message).toContain('--nope');
		expect(parseMetricsArgs(['--output', ''])).toEqual({ok: false, message: '--output needs a file name'});
	});
});

describe('sshtop serve flags', () => {
	it('listens on loopback outside the exporter port range, scanning at most every 10 s, by default', () => {
		const parsed = parseServeArgs([]);
		expect(parsed).toEqual({
			ok: true,
			options: {mode: 'serve', address: '127.0.0.1', port: defaultListen.port, intervalSeconds: 10, perSession: false},
		});
		expect(defaultListen.port < 9100 || defaultListen.port > 9999).toBe(true);
	});

	it('reads IPv4 and bracketed IPv6 listen addresses, port 0 for any free port', () => {
		expect(parseListen('0.0.0.0:9')).toEqual({address: '0.0.0.0', port: 9});
		expect(parseListen('[::1]:10922')).toEqual({address: '::1', port: 10_922});
		expect(parseListen('127.0.0.1:0')).toEqual({address: '127.0.0.1', port: 0});
	});

	it('refuses host names, unbracketed IPv6, ports out of range and intervals out of range', () => {
		for (const listen of ['localhost:80', '::1:80', '127.0.0.1:65536', '127.0.0.1', '127.0.0.1:x']) {
			const parsed = parseServeArgs(['--listen', listen]);
			expect(!parsed.ok && parsed.message).toContain('--listen');
		}

		for (const interval of ['0', '-1', 'abc', '3601']) {
			const parsed = parseServeArgs(['--interval', interval]);
			expect(!parsed.ok && parsed.message).toContain('--interval');
		}
	});
});
