// The explorer's root: wires state, refresh loop, keys and terminal size to the views.
// Decisions live in state/ and model/; this file only composes.
import {useCallback, useEffect, useMemo, useState} from 'react';
import {Box, Text, useApp} from 'ink';
import {fitToWidth} from '../model/view/format.js';
import {summaryLines} from '../model/view/summary.js';
import type {SessionReport} from '../model/types.js';
import {ActionDialog} from './action-dialog.js';
import {actionHeaderLines, type ActionEvent, taggedIds} from './state/action-state.js';
import {Footer} from './footer.js';
import {Header} from './header.js';
import {HelpScreen} from './help-screen.js';
import {createInitialState, keyContextOf, selectedIndex, selectView, type InitialView} from './state/explorer-state.js';
import {HistoryPane, historyPaneHeight, StatusLine} from './history-pane.js';
import {TreeView} from './tree-view.js';
import {useActions, type ActionExecutor} from './hooks/use-actions.js';
import {useExplorerKeys} from './keys/use-explorer-keys.js';
import {useExplorerState} from './hooks/use-explorer-state.js';
import {useIdlePolicies, type LoadIdlePolicy} from './hooks/use-idle-policies.js';
import {useSnapshots} from './hooks/use-snapshots.js';
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
};

export const minimumColumns = 40;
export const minimumRows = 10;
/** Lines around the tree: its title line and the footer, plus one spare so the frame stays shorter than the terminal. */
const chromeLines = 3;

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
}: ExplorerProps) {
	const {exit} = useApp();
	const {columns, rows} = useTerminalSize();
	// One column spare: a line that fills the last cell makes some terminals wrap early.
	const width = columns - 1;
	const executor = actionExecutor;
	const [state, dispatch] = useExplorerState(() =>
		createInitialState(rows - 6, {
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
	const allHeaderLines = useMemo(() => [...headerLines, ...actionNotes], [headerLines, actionNotes]);
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
		intervalSeconds,
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
	useEffect(() => {
		if (state.hasQuit) {
			exit();
		}
	}, [state.hasQuit, exit]);

	const {list, filter} = selectView(state);
	const layout = state.report === undefined ? undefined : layoutOf(state.report, width, state.renderCache);
	const context = useMemo(
		() => ({usage: state.usage, now: state.report?.takenAt ?? 0, isIdleByMinute: true}),
		[state.usage, state.report],
	);
	const index = selectedIndex(state, list);
	const keyContext = keyContextOf(state, list);
	const selectionNote = healthNoteOfRow(index === undefined ? undefined : list.rows[index], state.report);
	if (columns < minimumColumns || rows < minimumRows || viewportHeight < 3) {
		return (
			<Text wrap="truncate">
				{fitToWidth(
					`Terminal too small (${columns}×${rows}): sshtop needs ${minimumColumns}×${minimumRows}. q quits.`,
					width,
				)}
			</Text>
		);
	}

	return (
		<Box flexDirection="column">
			<Header lines={allHeaderLines} width={width} />
			{state.isHelpOpen ? <HelpScreen width={width} height={viewportHeight + 1} /> : null}
			{!state.isHelpOpen && dialog !== undefined && (
				<ActionDialog dialog={dialog} width={width} height={viewportHeight + 1} />
			)}
			{!state.isHelpOpen && dialog === undefined && layout !== undefined && (
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
