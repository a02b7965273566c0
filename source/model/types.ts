import type {Endpoint, ProcessRecord} from '../proc/types.js';
import type {HealthAssessment} from './report/health.js';
import type {SessionAuth, SourceFailures} from './identity/auth-ledger.js';
import type {Forward} from './report/forwards.js';

export type {Endpoint, ProcessRecord} from '../proc/types.js';

/** Identity of a process across refreshes: a pid alone can be reused. */
export type ProcessId = string;

export type ProcessNode = {
	readonly process: ProcessRecord;
	readonly children: readonly ProcessNode[];
};

export type Listener = {
	readonly id: ProcessId;
	readonly pid: number;
	readonly command: string;
	readonly ports: readonly number[];
	readonly addresses: readonly Endpoint[];
	/** Its process as read, for acting on it; absent in reports built without one. */
	readonly process?: ProcessRecord;
};

/**
`tty`: the terminal's access time (as `w`). `channels`: the last sign that the session's channels
carried data (its commands did I/O, a forwarded connection moved, a command started), which
keepalives do not touch. `network`: the client's last packet, only where neither can be read.
*/
export type IdleSource = 'tty' | 'channels' | 'network';

export type SessionKind = 'shell' | 'command' | 'sftp' | 'forward' | 'preauth';

/** Where a connection stands in OpenSSH's life cycle, from its process titles. */
export type SessionStage = 'authenticating' | 'established';

export type Foreground = {
	readonly pid: number;
	readonly command: string;
};

export type Session = {
	/** Pid + start ticks of the connection's top sshd: stable across snapshots. */
	readonly id: ProcessId;
	/** The connection's top sshd process: a child of the listener, or the highest sshd left of the connection. */
	readonly pid: number;
	/** The listener that accepted it; for a connection no longer under a listener, the one listening on its address now. */
	readonly listenerPid: number | undefined;
	readonly user: string;
	readonly uid: number | undefined;
	readonly kind: SessionKind;
	readonly stage: SessionStage;
	readonly ttys: readonly string[];
	readonly peer: Endpoint | undefined;
	readonly local: Endpoint | undefined;
	/** Epoch milliseconds: start of the connection's top sshd. */
	readonly loginAt: number;
	/**
	Epoch milliseconds of the user's last sign of life (the terminal's access time, or the
	client's last packet); undefined when unknown. An instant, not a duration: a session nobody
	touched is the same object from one report to the next, and what is derived from it (its
	row, its cells, the sort) is worked out once. idleSecondsAt() gives the idle time.
	*/
	readonly idleSince: number | undefined;
	readonly idleSource?: IdleSource;
	/** What the channel idle time was worked out from last time: compared with the next refresh's readings. */
	readonly channelReadings?: ChannelReadings;
	/** The TCP connection's health; absent in reports built without socket data. */
	readonly health?: HealthAssessment;
	readonly foreground: Foreground | undefined;
	/** Id of the session inside which the ssh client of this connection runs. */
	readonly nestedIn: ProcessId | undefined;
	/** The ssh client in that session that holds the other end of this connection. */
	readonly nestedClientPid: number | undefined;
	/** Hops above this one in its chain: 0 for a connection opened from elsewhere. */
	readonly depth: number;
	/** True when another session was opened from inside this one. */
	readonly hasNested: boolean;
	/** True when sshtop itself runs inside this session. */
	readonly isOwn: boolean;
	/** True for sshtop's own session and every session it is nested in: ending any of them disconnects the operator. */
	readonly isOwnChain: boolean;
	/**
	True when the connection's privileged monitor is gone (killed) and its user-side sshd, re-parented
	to PID 1 or a subreaper, still holds the connection.
	*/
	readonly isOrphaned: boolean;
	/**
	False when the connection's sshd could not be checked against kernel facts: its executable and
	sockets are unreadable and its parent is hidden (a normal user, /proc mounted hidepid).
	*/
	readonly isVerified: boolean;
	/** Pid of the root-owned monitor that ends the connection on SIGTERM (the top sshd); undefined when it is gone. */
	readonly monitorPid: number | undefined;
	/** Pid of the user-side sshd (`sshd: USER@...`), when privilege separation split it off. */
	readonly userSidePid: number | undefined;
	/** Process tree rooted at `pid`. */
	readonly tree: ProcessNode;
	/** How it logged in, from sshd's log (identity/auth-ledger.ts); absent when the log does not say or was not read. */
	readonly auth?: SessionAuth;
	/** For a connection still authenticating: refused attempts from its address in the failed-login window. */
	readonly sourceFailures?: number;
	/** What it forwards, from the sockets its sshds hold (report/forwards.ts). */
	readonly forwards?: readonly Forward[];
};

/** Refused logins over the last `windowSeconds`, per source address, most first. */
export type FailedLogins = {
	readonly windowSeconds: number;
	readonly sources: readonly SourceFailures[];
};

/** The model of one snapshot: what every view (JSON, text, explorer) renders. */
export type SessionReport = {
	readonly takenAt: number;
	readonly host: string;
	readonly uptimeSeconds: number;
	readonly loadAverage: readonly [number, number, number];
	readonly listeners: readonly Listener[];
	readonly sessions: readonly Session[];
	/** Id of the session sshtop runs in, when it runs in one. */
	readonly ownSessionId: ProcessId | undefined;
	/** The pid of the sshtop that read it: text filters never match it or what it runs. */
	readonly selfPid?: number;
	/** True when the reader could not see everything (not root): details may be unknown. */
	readonly isPartial: boolean;
	/** Why the report is partial, as sentences; empty when it is not. */
	readonly partialReasons: readonly string[];
	/** Where per-socket ages came from: `ss`, or /proc alone when iproute2 is missing. */
	readonly tcpInfoSource?: 'ss' | 'proc-only';
	/** Refused logins per source address, from sshd's log; undefined when no log was read. */
	readonly failedLogins?: FailedLogins;
	/** Which sshd log was read for who logged in, and why it could not be, when it could not. */
	readonly authLog?: {readonly source: string; readonly problem: string | undefined};
	/** Processes that outlived their SSH session; undefined when not looked for. */
	readonly leftovers?: readonly Leftover[];
	/** False when leftovers could not be looked for (reading other users' environments needs root). */
	readonly leftoversReadable?: boolean;
};

/**
The channel readings of one session: each command's I/O counter (read + written characters) by
process id, and the forwarded connections its sshd holds, by socket inode.
*/
export type ChannelReadings = {
	readonly ioByProcess: ReadonlyMap<ProcessId, number>;
	readonly forwardInodes: readonly number[];
};

/** A process that outlived the SSH connection it was started from. */
export type Leftover = {
	readonly id: ProcessId;
	readonly tree: ProcessNode;
	/** From SSH_CONNECTION in its environment: where it came from. */
	readonly peer: Endpoint | undefined;
	readonly local: Endpoint | undefined;
	readonly sshTty: string | undefined;
};

export function processId(process: Pick<ProcessRecord, 'pid' | 'startTicks'>): ProcessId {
	return `${process.pid}:${process.startTicks}`;
}
