import {describe, expect, test} from 'vitest';
import {sanitizeCommand, sanitizeText} from '../../../source/model/view/sanitize.js';

describe('text from processes is made safe for the terminal', () => {
	test('an escape sequence that would clear the screen is shown, not obeyed', () => {
		expect(sanitizeText('evil\u001B[2Jname')).toBe('evil^[[2Jname');
	});

	test('an OSC window-title sequence ending in BEL becomes visible text', () => {
		expect(sanitizeText('\u001B]0;pwned\u0007')).toBe('^[]0;pwned^G');
	});

	test('an OSC 52 clipboard write ending in ST becomes visible text', () => {
		expect(sanitizeText('\u001B]52;c;ZWNobyBoaQ==\u001B\\')).toBe('^[]52;c;ZWNobyBoaQ==^[\\');
	});

	test('newlines, tabs, carriage returns and DEL cannot move the cursor', () => {
		expect(sanitizeText('a\nb\tc\rd\u007F')).toBe('a^Jb^Ic^Md^?');
	});

	test('C1 controls (8-bit CSI) are shown by code point', () => {
		expect(sanitizeText('x\u009B2Jy')).toBe('x<U+009B>2Jy');
	});

	test('bidi overrides and isolates cannot reorder what follows', () => {
		expect(sanitizeText('evil\u202Etxt.sh')).toBe('evil<U+202E>txt.sh');
		expect(sanitizeText('\u2066a\u2069')).toBe('<U+2066>a<U+2069>');
	});

	test('the replacement character from invalid bytes is shown as it is', () => {
		expect(sanitizeText('bad\uFFFDbyte')).toBe('bad\uFFFDbyte');
	});

	test('printable Unicode is kept', () => {
		expect(sanitizeText('vim 漢字 café 🚀')).toBe('vim 漢字 café 🚀');
	});

	test('a command line is its arguments joined by spaces, each made safe', () => {
		expect(sanitizeCommand(['sh', '-c', 'echo\u0007'], 'sh')).toBe('sh -c echo^G');
	});

	test('a process without argv shows its short name in brackets, made safe', () => {
		expect(sanitizeCommand([], 'kworker\u001B')).toBe('[kworker^[]');
	});
});
