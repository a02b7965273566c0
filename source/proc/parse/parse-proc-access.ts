// Parsers for what limits a reader's view of /proc: the hidepid mount option and the local
// port range the kernel hands out for outgoing connections.

/** hidepid as the kernel names it: `off` (0), `noaccess` (1), `invisible` (2), `ptraceable` (4). */
export type HidePid = 'off' | 'noaccess' | 'invisible' | 'ptraceable';

const hidePidNames: Readonly<Record<string, HidePid>> = {
	0: 'off',
	off: 'off',
	1: 'noaccess',
	noaccess: 'noaccess',
	2: 'invisible',
	invisible: 'invisible',
	4: 'ptraceable',
	ptraceable: 'ptraceable',
};

/**
The hidepid option of the proc mount at `mountPoint`, from /proc/self/mountinfo: the last such
mount wins, as the last one mounted is the one a path resolves to. `off` when none says otherwise.
*/
export function parseHidePid(mountinfo: string, mountPoint = '/proc'): HidePid {
	let hidePid: HidePid = 'off';
	for (const line of mountinfo.split('\n')) {
		// Id parent major:minor root mount-point options [optional fields] - fstype source super-options
		const fields = line.split(' ');
		const separator = fields.indexOf('-');
		if (separator === -1 || fields[4] !== mountPoint || fields[separator + 1] !== 'proc') {
			continue;
		}

		const superOptions = (fields[separator + 3] ?? '').split(',');
		const value = superOptions.find(option => option.startsWith('hidepid='))?.slice('hidepid='.length);
		hidePid = value === undefined ? 'off' : (hidePidNames[value] ?? 'invisible');
	}

	return hidePid;
}

/** `/proc/sys/net/ipv4/ip_local_port_range`: two numbers, the first and last ephemeral port. */
export function parsePortRange(text: string): readonly [number, number] | undefined {
	const [first, last] = text.trim().split(/\s+/u).map(Number);
	return first !== undefined && last !== undefined && Number.isInteger(first) && Number.isInteger(last) && first <= last
		? [first, last]
		: undefined;
}

/** Rchar + wchar of /proc/PID/io: every character the process read or wrote, through any file. */
export function parseIoCharacters(text: string): number | undefined {
	const read = /^rchar:\s*(\d+)/mu.exec(text)?.[1];
	const written = /^wchar:\s*(\d+)/mu.exec(text)?.[1];
	return read === undefined || written === undefined ? undefined : Number(read) + Number(written);
}
