// Text that came from a process (argv, comm, user names, host name) is attacker-controlled:
// any user can name a process `\e]52;c;...\a` and wait for root to run sshtop. Everything
// shown goes through here first, so nothing a process chose reaches the terminal as a
// control sequence — it is shown as a visible placeholder instead.

/** Characters with no glyph that change how a terminal or the bidi algorithm behaves. */
const invisibleOrControl = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu;

function placeholder(character: string): string {
	const codePoint = character.codePointAt(0) ?? 0;
	// Caret notation (as `cat -v` and `ls -b` show them) for C0 controls and DEL: `^[`, `^G`, `^J`.
	if (codePoint < 0x20) {
		return `^${String.fromCodePoint(codePoint + 0x40)}`;
	}

	if (codePoint === 0x7f) {
		return '^?';
	}

	return `<U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/**
Makes text safe to write to a terminal: C0/C1 controls, DEL, escape sequences (their ESC
becomes `^[`), bidi overrides and other invisible format characters, line separators and
lone surrogates become visible placeholders. Printable Unicode (CJK, emoji, combining
marks) and U+FFFD (what invalid bytes were decoded to) are kept as they are.
*/
export function sanitizeText(text: string): string {
	return text.replaceAll(invisibleOrControl, placeholder);
}

/** A command line as `ps` shows it: arguments joined by spaces, each made safe. */
export function sanitizeCommand(argv: readonly string[], comm: string): string {
	if (argv.length === 0) {
		// Kernel threads and zombies have no argv; ps shows their short name in brackets.
		return `[${sanitizeText(comm)}]`;
	}

	return argv.map(argument => sanitizeText(argument)).join(' ');
}
