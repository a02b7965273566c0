// The explorer's root: wires state, refresh loop, keys and terminal size to the views.
// Decisions live in state/ and model/; this file only composes.
import {useCallback, useEffect, useMemo, useState} from 'react';
import {Box, Text, useApp} from 'ink';
import {fitToWidth} from '../model/view/format.js';
import {summaryLines} from '../model/view/summary.js';
import {sanitizeText} from '../model/view/sanitize.js';
import type {Preferences} from '../model/view/preferences.js';
import {wrapText} from '../model/view/wrap.js';
import {detailLines, listenerIdOf} from '../model/view/details.js';
import type {SessionReport} from '../model/types.js';
import {ActionDialog} from './action-dialog.js';
import {actionHeaderLines, type ActionEvent, taggedIds} from './state/action-state.js';
import {Footer} from './footer.js';
import {Header} from './header.js';
import {helpScreenLines} from './help-text.js';
import {ScrollPane} from './scroll-pane.js';
import {setupLines} from './state/setup.js';
import {useNoticeExpiry} from './hooks/use-notice-expiry.js';
import {useProcessDetails, type ReadProcessDetails} from './hooks/use-detail-extras.js';
import {createInitialState, keyContextOf, selectedIndex, selectView, type InitialView} from './state/explorer-state.js';
import {HistoryPane, historyPaneHeight, StatusLine} from './history-pane.js';
import {TreeView} from './tree-view.js';
import {useActions, type ActionExecutor} from './hooks/use-actions.js';
import {useExplorerKeys} from './keys/use-explorer-keys.js';
import {useExplorerState} from './hooks/use-explorer-state.js';
import {useIdlePolicies, type LoadIdlePolicy} from './hooks/use-idle-policies.js';
import {useSnapshots} from './hooks/use-snapshots.js';
import {useRepaint} from './hooks/use-repaint.js';
import {usePreferencePersistence} from './hooks/use-preference-persistence.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {healthNoteOfRow, layoutOf} from './state/visible-rows.js';

export type ExplorerProps = {
	readonly load: () => SessionReport;
	readonly intervalSeconds: number;
	readonly loadPolicy?: LoadIdlePolicy;
	readonly hasColor: boolean;
	/** Filter and sort to start with (`--filter`, `--sort`, `--reverse`). */
	readonly initialView?: InitialView;
	/** Sends the confirmed actions: the real, guarded and audited one (app/action-executor.ts), or a test's. */
	readonly actionExecutor: ActionExecutor;
	/** `--read-only`: every action disabled, and the header says so. */
	readonly isReadOnly?: boolean;
	/** Actions disabled for another reason (the audit log cannot be written, and `--require-audit`). */
	readonly readOnlyReason?: string;
	/** What the audit log's check at start found wrong, for the header. */
	readonly auditWarning?: string;
	/** A report read before mounting: the first frame shows it instead of "reading /proc". */
	readonly initialReport?: SessionReport;
	/** Epoch ms of the loader's last full /proc scan, said in the header. */
	readonly lastFullScanAt?: () => number | undefined;
	/** From the loader: refresh soon rather than after the interval (use-snapshots.ts). */
	readonly wantsEarlyRefresh?: () => boolean;
	/** Why part of the preferences file was left out, for the header. */
	readonly preferencesWarning?: string;
	/** Called with what the operator changed (sort, interval, expansion, columns), to keep it for the next start. */
	readonly onPreferencesChanged?: (changed: Preferences) => void;
	/** Reads a process's cwd and SSH_* environment for the detail pane (app layer: /proc). */
	readonly readProcessDetails?: ReadProcessDetails;
};

/** Narrowest terminal the explorer draws in: session rows show user, pid and a few cells of command. */
export const minimumColumns = 40;
/** Lines around the tree: its title line and the footer, plus one spare so the frame stays shorter than the terminal. */
const chromeLines = 3;
/** Rows of tree worth showing: fewer, and the explorer asks for a larger terminal. */
const minimumTreeRows = 3;

/** The terminal rows needed for a header of `headerLines` lines and a few rows of tree. */
export function minimumRowsFor(headerLines: number): number {
	return headerLines + chromeLines + minimumTreeRows;
}

export function Explorer({
	load,
	intervalSeconds,
	loadPolicy,
	hasColor,
	initialView,
	actionExecutor,
	isReadOnly = false,
	readOnlyReason,
	auditWarning,
	initialReport,
	lastFullScanAt,
	wantsEarlyRefresh,
	readProcessDetails,
	preferencesWarning,
	onPreferencesChanged,
}: ExplorerProps) {
	const {exit} = useApp();
	const size = useTerminalSize();
	const {columns, rows} = size;
	// One column spare: a line that fills the last cell makes some terminals wrap early.
	const width = columns - 1;
	const executor = actionExecutor;
	const [state, dispatch] = useExplorerState(() =>
		createInitialState(rows - 6, {
			intervalSeconds,
			...initialView,
			isReadOnly,
			...(readOnlyReason === undefined ? {} : {readOnlyReason}),
			...(auditWarning === undefined ? {} : {auditWarning}),
			selfPid: executor.selfPid,
			width,
			...(initialReport === undefined ? {} : {report: initialReport, lastFullScanAt: lastFullScanAt?.()}),
		}),
	);
	const policies = useIdlePolicies(state.report?.listeners, loadPolicy);
	const headerLines = useMemo(
		() =>
			state.report === undefined
				? ['sshtop: reading /proc…']
				: summaryLines(state.report, {
						policies,
						isPaused: state.isPaused,
						sort: {key: state.sortKey, reverse: state.isSortReversed},
						isCoarse: true,
						lastFullScanAt: state.lastFullScanAt,
					}),
		[state.report, policies, state.isPaused, state.sortKey, state.isSortReversed, state.lastFullScanAt],
	);
	const {
		isReadOnly: isActionReadOnly,
		readOnlyReason: actionReadOnlyReason,
		auditWarning: actionAuditWarning,
	} = state.actions;
	const actionNotes = useMemo(
		() =>
			actionHeaderLines({
				isReadOnly: isActionReadOnly,
				readOnlyReason: actionReadOnlyReason,
				auditWarning: actionAuditWarning,
			}),
		[isActionReadOnly, actionReadOnlyReason, actionAuditWarning],
	);
	const allHeaderLines = useMemo(
		() => [
			...headerLines,
			...actionNotes,
			...(preferencesWarning === undefined ? [] : [sanitizeText(preferencesWarning)]),
		],
		[headerLines, actionNotes, preferencesWarning],
	);
	usePreferencePersistence(
		{
			sortKey: state.sortKey,
			isSortReversed: state.isSortReversed,
			intervalSeconds: state.intervalSeconds,
			expansion: state.expansionSetting,
			columns: state.columns,
		},
		onPreferencesChanged,
	);
	const {status, isHistoryOpen, dialog, history, tags} = state.actions;
	const statusLines = status === undefined ? 0 : 1;
	// The history pane gives way when the terminal is too short for it and three rows of tree.
	const isHistoryShown =
		isHistoryOpen && rows - allHeaderLines.length - chromeLines - statusLines - historyPaneHeight >= 3;
	const actionLines = statusLines + (isHistoryShown ? historyPaneHeight : 0);
	const viewportHeight = rows - allHeaderLines.length - chromeLines - actionLines;
	const [refreshToken, setRefreshToken] = useState(0);
	const {flush} = useSnapshots({
		load,
		intervalSeconds: state.intervalSeconds,
		isPaused: state.isPaused,
		dispatch,
		refreshToken,
		lastFullScanAt,
		initialReport,
		wantsEarlyRefresh,
	});
	useEffect(() => {
		// Rows coming into view must be the newest ones, not those of a report kept back as quiet.
		flush();
		dispatch({type: 'viewport-resized', height: viewportHeight, width});
	}, [viewportHeight, width, flush, dispatch]);
	const onActionEvent = useCallback(
		(event: ActionEvent) => {
			dispatch({type: 'action-event', event});
		},
		[dispatch],
	);
	const onActionSettled = useCallback(() => {
		setRefreshToken(token => token + 1);
	}, []);
	useActions({request: state.actions.request, executor, onEvent: onActionEvent, onSettled: onActionSettled});
	const tagged = useMemo(() => taggedIds(state.actions), [tags]); // eslint-disable-line react-hooks/exhaustive-deps -- derived from the tags alone.
	useExplorerKeys(dispatch, flush);
	useRepaint(size, state.repaintRequests);
	useEffect(() => {
		if (state.hasQuit) {
			exit();
		}
	}, [state.hasQuit, exit]);

	const {list, filter} = selectView(state);
	const layout =
		state.report === undefined ? undefined : layoutOf(state.report, width, state.renderCache, state.columns);
	const context = useMemo(
		() => ({usage: state.usage, now: state.report?.takenAt ?? 0, isIdleByMinute: true}),
		[state.usage, state.report],
	);
	const index = selectedIndex(state, list);
	const keyContext = keyContextOf(state, list);
	const selectedRow = index === undefined ? undefined : list.rows[index];
	const selectionNote = healthNoteOfRow(selectedRow, state.report);
	const processDetails = useProcessDetails(selectedRow, state.isDetailOpen, readProcessDetails);
	const paneLines = useMemo(() => {
		if (state.isHelpOpen) {
			return helpScreenLines(width);
		}

		if (!state.isDetailOpen || selectedRow === undefined || state.report === undefined) {
			return undefined;
		}

		const listenerId = listenerIdOf(selectedRow, state.report);
		return detailLines(
			selectedRow,
			state.report,
			{
				...(processDetails === undefined ? {} : {process: processDetails}),
				...(listenerId === undefined || !policies.has(listenerId) ? {} : {policy: policies.get(listenerId)!}),
				history,
			},
			width,
		);
	}, [state.isHelpOpen, state.isDetailOpen, state.report, selectedRow, processDetails, policies, history, width]);
	const paneLineCount = paneLines?.length ?? 0;
	useEffect(() => {
		dispatch({type: 'pane-measured', lineCount: paneLineCount});
	}, [paneLineCount, dispatch]);
	useNoticeExpiry(state.notice, status, dispatch);
	const minimumRows = minimumRowsFor(allHeaderLines.length);
	if (columns < minimumColumns || rows < minimumRows) {
		const message = `Terminal too small (${columns}×${rows}): sshtop needs ${minimumColumns}×${minimumRows}. q quits.`;
		return (
			<Box flexDirection="column">
				{wrapText(message, width)
					.slice(0, Math.max(1, rows - 1))
					.map(line => (
						<Text key={line} wrap="truncate">
							{fitToWidth(line, width)}
						</Text>
					))}
			</Box>
		);
	}

	return (
		<Box flexDirection="column">
			<Header lines={allHeaderLines} width={width} />
			{state.isSetupOpen && dialog === undefined ? (
				<ScrollPane
					title="Setup (kept for the next start)"
					lines={setupLines(state)}
					width={width}
					height={viewportHeight + 1}
					offset={Math.max(0, state.setupCursor - viewportHeight + 1)}
				/>
			) : null}
			{!state.isSetupOpen && paneLines !== undefined && dialog === undefined ? (
				<ScrollPane
					title={state.isHelpOpen ? 'Keys' : 'Details'}
					lines={paneLines}
					width={width}
					height={viewportHeight + 1}
					offset={state.paneOffset}
				/>
			) : null}
			{!state.isHelpOpen && dialog !== undefined && (
				<ActionDialog dialog={dialog} width={width} height={viewportHeight + 1} />
			)}
			{!state.isSetupOpen && paneLines === undefined && dialog === undefined && layout !== undefined && (
				<TreeView
					list={list}
					layout={layout}
					context={context}
					scrollOffset={state.scrollOffset}
					height={viewportHeight}
					selectedId={state.selection?.id}
					hasColor={hasColor}
					width={width}
					filter={filter}
					emptyText={filter?.isFiltering ? 'No session matches the filter.' : 'No SSH sessions.'}
					taggedIds={tagged}
					cache={state.renderCache}
				/>
			)}
			{isHistoryShown ? <HistoryPane history={history} width={width} /> : null}
			{status !== undefined && <StatusLine text={status} width={width} />}
			<Footer
				context={keyContext}
				notice={state.notice}
				selectionNote={selectionNote}
				position={index === undefined ? '' : `${index + 1}/${list.rows.length}`}
				width={width}
				search={{query: state.searchQuery, isOpen: state.isSearchOpen, matchCount: state.searchMatchCount}}
				filter={{
					query: state.filterQuery,
					isOpen: state.isFilterOpen,
					matchCount: filter?.isFiltering ? filter.matchCount : undefined,
					hint: filter?.hint,
				}}
			/>
		</Box>
	);
}
