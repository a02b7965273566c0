import {describe, expect, it} from 'vitest';
import {signalFate} from '../../../source/model/guard/signal-fate.js';
import {SIGHUP, SIGKILL, SIGSTOP, SIGTERM, SIGUSR1} from '../../../source/model/guard/signal-catalogue.js';

// Bit n−1 is signal n: 0x4000 is SIGTERM (15), 0x1 is SIGHUP (1), 0x200 is SIGUSR1 (10).
describe('signalFate', () => {
	it('a signal the process set to SIG_IGN is ignored; KILL and STOP never are', () => {
		const ignoresTerm = {ignoredSignals: '0000000000004000', caughtSignals: '0000000000000000'};
		expect(signalFate(ignoresTerm, SIGTERM)).toBe('ignored');
		expect(signalFate(ignoresTerm, SIGHUP)).toBe('delivered');
		expect(signalFate({ignoredSignals: 'ffffffffffffffff', caughtSignals: '0'}, SIGKILL)).toBe('delivered');
		expect(signalFate({ignoredSignals: 'ffffffffffffffff', caughtSignals: '0'}, SIGSTOP)).toBe('delivered');
	});

	it("a PID namespace's init drops what it has no handler for", () => {
		const init = {ignoredSignals: '0000000000000000', caughtSignals: '0000000000000201', isNamespaceInit: true};
		expect(signalFate(init, SIGTERM)).toBe('discarded');
		expect(signalFate(init, SIGHUP)).toBe('delivered');
		expect(signalFate(init, SIGUSR1)).toBe('delivered');
		expect(signalFate(init, SIGKILL)).toBe('delivered');
	});

	it('is unknown when the masks could not be read', () => {
		expect(signalFate({}, SIGTERM)).toBe('unknown');
	});
});
