// The comment of an authorized_keys line (sshd(8) AUTHORIZED_KEYS FILE FORMAT): optional options
// (comma-separated, double-quoted values may hold spaces), then the key type, the base64 key, and
// the comment, usually who the key belongs to (`alice@laptop`). Pure.

const keyType =
	/^(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)$/u;

/** Splits at blanks outside double quotes, as sshd reads the options field. */
function words(line: string): string[] {
	const found: string[] = [];
	let current = '';
	let isQuoted = false;
	for (let index = 0; index < line.length; index++) {
		const character = line[index]!;
		if (character === '\\' && isQuoted && index + 1 < line.length) {
			current += character + line[index + 1]!;
			index++;
		} else if (character === '"') {
			isQuoted = !isQuoted;
			current += character;
		} else if (!isQuoted && (character === ' ' || character === '\t')) {
			if (current !== '') found.push(current);
			current = '';
		} else {
			current += character;
		}
	}

	if (current !== '') found.push(current);
	return found;
}

/** The comment of one authorized_keys line; undefined when it has none or is not a key line. */
export function keyCommentOf(line: string): string | undefined {
	const trimmed = line.trim();
	if (trimmed === '' || trimmed.startsWith('#')) return undefined;
	const parts = words(trimmed);
	const typeIndex = parts.findIndex(part => keyType.test(part));
	if (typeIndex === -1 || typeIndex > 1 || parts[typeIndex + 1] === undefined) return undefined;
	// The comment is the rest of the line as written, after the key.
	const key = parts[typeIndex + 1]!;
	const comment = trimmed.slice(trimmed.indexOf(key, trimmed.indexOf(parts[typeIndex]!)) + key.length).trim();
	return comment === '' ? undefined : comment;
}
