// Plain records read from /proc: what the kernel says, decoded, nothing inferred.
import type {TcpInfoReading} from './read-tcp-info.js';
import type {SshEnvironment} from './parse/parse-environ.js';
import type {ProcAccess} from './read-proc-access.js';

/** Parts of a process that could not be read (EACCES as a normal user, or a race with exit). */
export type UnreadablePart = 'cmdline' | 'status' | 'exe' | 'fd' | 'environ';

export type ProcessRecord = {
	readonly pid: number;
	readonly ppid: number;
	readonly processGroup: number;
	readonly sessionId: number;
	/** Raw tty_nr from stat; 0 when the process has no controlling terminal. */
	readonly ttyNumber: number;
	/** Decoded controlling terminal, such as `pts/3` or `tty1`; undefined without one. */
	readonly tty: string | undefined;
	/** Foreground process group of the controlling terminal (tpgid); -1 without a terminal. */
	readonly foregroundProcessGroup: number;
	/** One-letter state from stat: R, S, D, Z, T, t, I, X. */
	readonly state: string;
	readonly userTicks: number;
	readonly systemTicks: number;
	/** Start time in clock ticks since boot: with the pid, the identity of a process. */
	readonly startTicks: number;
	/** Absolute start time, epoch milliseconds. */
	readonly startedAt: number;
	readonly rssBytes: number;
	readonly threads: number;
	readonly isKernelThread: boolean;
	/** Real uid, from status (or the owner of /proc/PID when status is unreadable). */
	readonly uid: number | undefined;
	/** User name, or the numeric uid when there is no passwd entry, or `?`. */
	readonly user: string;
	/** Kernel's short name (comm), decoded; may contain anything but NUL. */
	readonly comm: string;
	/** Full argv, decoded (invalid UTF-8 becomes U+FFFD); empty for kernel threads and zombies. */
	readonly argv: readonly string[];
	/** Target of /proc/PID/exe; undefined when unreadable or gone. */
	readonly executable: string | undefined;
	/** Inodes of the sockets this process holds; undefined when its fds were not read. */
	readonly socketInodes: readonly number[] | undefined;
	readonly unreadable: readonly UnreadablePart[];
	/** SSH variables of its environment, read only for processes that may have outlived a session. */
	readonly sshEnvironment?: SshEnvironment;
	/** SigIgn and SigCgt of its status, as hex masks; absent when status was unreadable. */
	readonly ignoredSignals?: string;
	readonly caughtSignals?: string;
	/** PID 1 of a PID namespace below the reader's: the kernel drops signals it has no handler for. */
	readonly isNamespaceInit?: boolean;
};

export type Endpoint = {
	readonly address: string;
	readonly port: number;
};

export type TcpState =
	| 'ESTABLISHED'
	| 'SYN_SENT'
	| 'SYN_RECV'
	| 'FIN_WAIT1'
	| 'FIN_WAIT2'
	| 'TIME_WAIT'
	| 'CLOSE'
	| 'CLOSE_WAIT'
	| 'LAST_ACK'
	| 'LISTEN'
	| 'CLOSING'
	| 'NEW_SYN_RECV'
	| 'UNKNOWN';

/** Which timer the kernel has armed on the socket (the `tr` column of /proc/net/tcp). */
export type TcpTimer = 'none' | 'retransmit' | 'keepalive' | 'time-wait' | 'zero-window-probe' | 'unknown';

export type TcpSocket = {
	readonly family: 4 | 6;
	readonly local: Endpoint;
	readonly remote: Endpoint;
	readonly state: TcpState;
	readonly sendQueueBytes: number;
	readonly receiveQueueBytes: number;
	readonly timer: TcpTimer;
	/** Jiffies until the timer fires, as printed by the kernel. */
	readonly timerExpiresTicks: number;
	readonly retransmits: number;
	readonly uid: number;
	readonly inode: number;
};

export type ProcessTableReading = {
	readonly processes: readonly ProcessRecord[];
	/** Processes listed but gone before they could be read. */
	readonly vanishedCount: number;
};

/** Everything one refresh reads, taken as close to one instant as the kernel allows. */
export type Snapshot = {
	/** Epoch milliseconds. */
	readonly takenAt: number;
	readonly host: string;
	/** Epoch milliseconds. */
	readonly bootTime: number;
	readonly uptimeSeconds: number;
	readonly loadAverage: readonly [number, number, number];
	readonly processes: readonly ProcessRecord[];
	readonly vanishedCount: number;
	readonly sockets: readonly TcpSocket[];
	/** Last access time (epoch ms) of each terminal device a process uses, by tty name. */
	readonly ttyActivity: ReadonlyMap<string, number>;
	/** Pid of the process that took the snapshot (sshtop itself). */
	readonly selfPid: number;
	/** Effective uid of the reader: what it may read depends on it. */
	readonly readerUid: number;
	/** Per-socket ages from `ss`; absent when not asked for. */
	readonly tcpInfo?: TcpInfoReading;
	/** What limits the reader's view of /proc; absent when not read (the reader sees everything its uid may). */
	readonly access?: ProcAccess;
	/**
	Characters read plus written by each process asked for (the commands of sessions without a
	terminal, whose activity is their idle time), by pid; absent when none were asked for.
	*/
	readonly processIo?: ReadonlyMap<number, number>;
	/** The Unix sockets sshds hold, by inode (read-unix-sockets.ts); absent when not read. */
	readonly unixSockets?: ReadonlyMap<number, UnixSocket>;
};

/** A Unix socket from /proc/net/unix: its path (empty for a socketpair) and whether it listens. */
export type UnixSocket = {readonly path: string; readonly isListening: boolean};
