import type {Endpoint, ProcessRecord} from '../proc/types.js';
import type {HealthAssessment} from './health.js';

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
};

export type IdleSource = 'tty' | 'network';

export type SessionKind = 'shell' | 'command' | 'sftp' | 'forward' | 'preauth';

/** Where a connection stands in OpenSSH's life cycle, from its process titles. */
export type SessionStage = 'authenticating' | 'established';

export type Foreground = {
	readonly pid: number;
	readonly command: string;
};

export type Session = {
	/** pid + start ticks of the connection's top sshd: stable across snapshots. */
	readonly id: ProcessId;
	/** The connection's top sshd process, a child of the listener. */
	readonly pid: number;
	readonly listenerPid: number;
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
	/** `tty`: the terminal's access time (as `w`); `network`: since the client last sent data (ss lastrcv). */
	readonly idleSource?: IdleSource;
	/** The TCP connection's health; absent in reports built without socket data. */
	readonly health?: HealthAssessment;
	readonly foreground: Foreground | undefined;
	/** Id of the session inside which the ssh client of this connection runs. */
	readonly nestedIn: ProcessId | undefined;
	/** True when sshtop itself runs inside this session. */
	readonly isOwn: boolean;
	/** Pid of the root-owned monitor that ends the connection on SIGTERM (the top sshd). */
	readonly monitorPid: number;
	/** Pid of the user-side sshd (`sshd: USER@...`), when privilege separation split it off. */
	readonly userSidePid: number | undefined;
	/** Process tree rooted at `pid`. */
	readonly tree: ProcessNode;
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
	/** True when the reader could not see everything (not root): details may be unknown. */
	readonly isPartial: boolean;
	/** Where per-socket ages came from: `ss`, or /proc alone when iproute2 is missing. */
	readonly tcpInfoSource?: 'ss' | 'proc-only';
	/** Processes that outlived their SSH session; undefined when not looked for. */
	readonly leftovers?: readonly Leftover[];
	/** False when leftovers could not be looked for (reading other users' environments needs root). */
	readonly leftoversReadable?: boolean;
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
