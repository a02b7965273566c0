import {describe, expect, test} from 'vitest';
import {isEndingSignal, parseSignal, signalMenu, signalName} from '../../../source/model/guard/signal-catalogue.js';

function parsed(input: string | number) {
	const result = parseSignal(input);
	return result.ok ? result.signal : result.message;
}

describe('parseSignal', () => {
	test.each(['TERM', 'term', 'SIGTERM', 'sigterm', 'SigTerm', ' TERM ', '15', 'SIG15'])(
		'reads %j as SIGTERM',
		input => {
			expect(parsed(input)).toEqual({name: 'SIGTERM', number: 15});
		},
	);

	test('reads plain numbers and shows the usual name for them', () => {
		expect(parsed(9)).toEqual({name: 'SIGKILL', number: 9});
		expect(parsed('1')).toEqual({name: 'SIGHUP', number: 1});
		expect(parsed('6')).toEqual({name: 'SIGABRT', number: 6});
		expect(parsed('iot')).toEqual({name: 'SIGABRT', number: 6});
		expect(parsed('POLL')).toEqual({name: 'SIGIO', number: 29});
	});

	test('knows the real-time signals os.constants does not name', () => {
		expect(parsed('RTMIN')).toEqual({name: 'SIGRTMIN', number: 34});
		expect(parsed('sigrtmin+3')).toEqual({name: 'SIGRTMIN+3', number: 37});
		expect(parsed('RTMAX-1')).toEqual({name: 'SIGRTMAX-1', number: 63});
		expect(parsed(64)).toEqual({name: 'SIGRTMAX', number: 64});
		expect(parsed(50)).toEqual({name: 'SIGRTMAX-14', number: 50});
		expect(parsed(32)).toEqual({name: 'SIG32', number: 32});
	});

	test.each([
		['BOGUS', /Unknown signal "BOGUS"/u],
		['SIGFOO', /Unknown signal "SIGFOO"/u],
		['', /No signal given/u],
		['   ', /No signal given/u],
		['0', /0 only checks that a process exists/u],
		[0, /0 only checks that a process exists/u],
		['65', /from 1 to 64/u],
		[-9, /from 1 to 64/u],
		[2.5, /from 1 to 64/u],
		[Number.NaN, /from 1 to 64/u],
		['RTMIN-1', /Unknown signal/u],
		['RTMAX+1', /Unknown signal/u],
		['RTMIN+31', /Unknown signal/u],
		['-9', /Unknown signal/u],
	])('rejects %j with a clear message', (input, message) => {
		const result = parseSignal(input);
		expect(result.ok).toBe(false);
		expect(result.ok ? '' : result.message).toMatch(message);
	});

	test('the menu offers the signals the issue lists, TERM first', () => {
		expect(signalMenu.map(signal => signal.name)).toEqual([
			'SIGTERM',
			'SIGHUP',
			'SIGINT',
			'SIGQUIT',
			'SIGKILL',
			'SIGSTOP',
			'SIGCONT',
			'SIGUSR1',
			'SIGUSR2',
		]);
	});

	test('every name it prints reads back as the same signal', () => {
		for (let number = 1; number <= 64; number++) {
			expect(parsed(signalName(number))).toEqual({name: signalName(number), number});
		}
	});

	test('only the signals sent to end a process count as ending', () => {
		const ending = signalMenu.filter(signal => isEndingSignal(signal)).map(signal => signal.name);
		expect(ending).toEqual(['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT']);
	});
});
