// Parser for /etc/passwd: uid → user name. Only the first entry of a uid counts, as in getpwuid.

export function parsePasswd(text: string): Map<number, string> {
	const names = new Map<number, string>();
	for (const line of text.split('\n')) {
		if (line === '' || line.startsWith('#')) {
			continue;
		}

		const [name, , uidText] = line.split(':');
		const uid = Number(uidText);
		if (name && uidText !== undefined && uidText !== '' && Number.isInteger(uid) && !names.has(uid)) {
			names.set(uid, name);
		}
	}

	return names;
}
