// The explorer's state and the events it changes on: the types every part of the reducer shares.
import type {Key} from 'ink';
import type {CpuUsage} from '../../model/view/cpu.js';
import type {Expansion} from '../../model/view/rows.js';
import type {SessionColumn} from '../../model/view/columns.js';
import type {ExpansionSetting} from '../../model/view/preferences.js';
import type {SortKey} from '../../model/view/sort.js';
import type {ProcessId, SessionReport} from '../../model/types.js';
import type {ExplorerCommand} from '../keys/keymap.js';
import type {ActionEvent, ActionsState} from './action-state.js';
import type {RenderCache} from './render-cache.js';

export type Selection = {
	readonly id: ProcessId;
	/** Ancestors of the selected row, nearest last: where the cursor goes if the row vanishes. */
	readonly ancestors: readonly ProcessId[];
	/** The session the row belongs to, so a move to another session is never silent. */
	readonly sessionId: ProcessId | undefined;
};

export type ExplorerState = {
	readonly report: SessionReport | undefined;
	readonly usage: CpuUsage;
	readonly expansion: Expansion;
	readonly selection: Selection | undefined;
	/** Index of the first visible row. */
	readonly scrollOffset: number;
	readonly viewportHeight: number;
	readonly isPaused: boolean;
	readonly isHelpOpen: boolean;
	/** A one-off message for the footer, such as "the selected session ended". */
	readonly notice: string | undefined;
	/** Counts Ctrl-L presses: each one repaints the whole screen. */
	readonly repaintRequests: number;
	/** Set by the quit key; the root component then unmounts. */
	readonly hasQuit: boolean;
	/**
	Sessions open as they fit (`--expand auto`): closed when every session's rows would not fit the
	screen, open to their foreground commands when they would. Off once the operator opens or
	closes rows.
	*/
	readonly isExpansionAuto: boolean;
	/** The session columns to show (when they fit): the preferences' choice, or all. */
	readonly columns: readonly SessionColumn[] | undefined;
	/** How sessions open, as set (`auto` makes isExpansionAuto). */
	readonly expansionSetting: ExpansionSetting;
	/** Seconds between refreshes; the setup screen changes it. */
	readonly intervalSeconds: number;
	/** The setup screen (F2, S) is open, with its cursor on `setupCursor`. */
	readonly isSetupOpen: boolean;
	readonly setupCursor: number;
	/** The filter line's text; empty shows every session. */
	readonly filterQuery: string;
	/** True while the filter line has the keyboard. */
	readonly isFilterOpen: boolean;
	/** The search line's text (search moves the cursor, hiding nothing); kept after Enter for n and N. */
	readonly searchQuery: string;
	/** True while the search line has the keyboard. */
	readonly isSearchOpen: boolean;
	/** Where the cursor was when the search line opened: typing searches from there, Esc goes back. */
	readonly searchOrigin: Selection | undefined;
	/** Rows matching the search when it last moved the cursor; undefined before any search. */
	readonly searchMatchCount: number | undefined;
	/** The detail pane of the selected row is open. */
	readonly isDetailOpen: boolean;
	/** First line shown of the help or the detail pane, whichever is open. */
	readonly paneOffset: number;
	/** Lines of text the open pane has, as it last said (pane-measured): where scrolling stops. */
	readonly paneLineCount: number;
	/** What is expanded while a filter is active: every match opens, whatever was folded before. Reset on each new query. */
	readonly filterExpansion: Expansion;
	readonly sortKey: SortKey;
	readonly isSortReversed: boolean;
	/** Tags, the open action dialog, the request for the executor, results (action-state.ts). */
	readonly actions: ActionsState;
	/** Cells per line the rows are fitted to; until known, every refresh is drawn. */
	readonly width: number | undefined;
	/** Epoch ms of the last full /proc scan, for the header. */
	readonly lastFullScanAt: number | undefined;
	/** This explorer's memory of what it derived and drew (render-cache.ts): one per explorer, never shared. */
	readonly renderCache: RenderCache;
};

/** How the explorer starts: from `--filter`, `--sort` and `--reverse`. */
export type InitialView = {
	readonly filterQuery?: string;
	readonly sortKey?: SortKey;
	readonly isSortReversed?: boolean;
	/** `--read-only`: every action disabled. */
	readonly isReadOnly?: boolean;
	/** Why actions are disabled when it is not `--read-only` (`--require-audit` and an audit log that cannot be written). */
	readonly readOnlyReason?: string;
	/** The audit log cannot be written, found at start: the header says so before any action. */
	readonly auditWarning?: string;
	/** sshtop's own pid, which the guard refuses; defaults to process.pid. */
	readonly selfPid?: number;
	/** Cells per line (the terminal's width less one). */
	readonly width?: number;
	/** A report read before the first frame, so the first frame already shows it. */
	readonly report?: SessionReport;
	readonly lastFullScanAt?: number;
	/** How sessions open (`--expand`, or the preferences); auto when absent. */
	readonly expansion?: ExpansionSetting;
	/** Seconds between refreshes (`--interval`, or the preferences); 2 when absent. */
	readonly intervalSeconds?: number;
	readonly columns?: readonly SessionColumn[];
};

export type ExplorerEvent =
	| {
			readonly type: 'report-arrived';
			readonly report: SessionReport;
			readonly usage: CpuUsage;
			readonly lastFullScanAt?: number | undefined;
			/**
		A timed refresh: kept only when it changes what is on screen, so an idle explorer neither
		renders nor writes. Whatever is held back is sent again, unconditionally, before the next
		key press (use-snapshots.ts), so keys always act on the newest report.
		*/
			readonly isQuiet?: boolean;
	  }
	| {readonly type: 'load-failed'; readonly message: string}
	/** About ten seconds after a notice or status appeared: they go, unless they changed since. */
	| {
			readonly type: 'notices-expired';
			readonly notice: string | undefined;
			readonly status: string | undefined;
	  }
	| {readonly type: 'viewport-resized'; readonly height: number; readonly width?: number}
	/** The help or detail pane's text, as laid out for the terminal: how many lines it has. */
	| {readonly type: 'pane-measured'; readonly lineCount: number}
	/** A key press, resolved against the key table with the state as it is when it is applied. */
	| {readonly type: 'key-pressed'; readonly input: string; readonly key: Key}
	| {readonly type: 'command'; readonly command: ExplorerCommand}
	/** The executor's report on a confirmed action (use-actions.ts). */
	| {readonly type: 'action-event'; readonly event: ActionEvent};
