// What this reader may see of /proc, read once per run: it changes only with a remount.
import {isFailure, readText} from './read-file.js';
import {parseHidePid, parsePortRange, type HidePid} from './parse/parse-proc-access.js';

export type ProcAccess = {
	/** The proc mount's hidepid option: other users' processes are hidden from a normal user unless `off`. */
	readonly hidePid: HidePid;
	/** First and last port the kernel picks for outgoing connections. */
	readonly ephemeralPorts: readonly [number, number];
};

/** Linux's default ip_local_port_range. */
const defaultEphemeralPorts = [32_768, 60_999] as const;

export function readProcAccess(procRoot = '/proc'): ProcAccess {
	const mountinfo = readText(`${procRoot}/self/mountinfo`);
	const range = readText(`${procRoot}/sys/net/ipv4/ip_local_port_range`);
	return {
		// A stand-in /proc (a test's directory) is not a mount: its reader sees what the files say.
		hidePid: isFailure(mountinfo) ? 'off' : parseHidePid(mountinfo, procRoot),
		ephemeralPorts: (isFailure(range) ? undefined : parsePortRange(range)) ?? defaultEphemeralPorts,
	};
}
