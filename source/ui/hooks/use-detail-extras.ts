// What the detail pane reads from /proc when it opens (cwd, SSH_* environment), through the
// reader the app layer passes in: the UI itself does no I/O.
import {useMemo} from 'react';
import type {ProcessDetails} from '../../proc/read-process-details.js';
import {processOfRow, type TreeRow} from '../../model/view/rows.js';

export type ReadProcessDetails = (pid: number, startTicks: number) => ProcessDetails;

/** The details of the selected row's process while the pane is open, read once per row opened. */
export function useProcessDetails(
	row: TreeRow | undefined,
	isOpen: boolean,
	read: ReadProcessDetails | undefined,
): ProcessDetails | undefined {
	const process = row === undefined ? undefined : processOfRow(row);
	const pid = process?.pid;
	const startTicks = process?.startTicks;
	return useMemo(
		() =>
			isOpen && read !== undefined && pid !== undefined && startTicks !== undefined ? read(pid, startTicks) : undefined,
		[isOpen, read, pid, startTicks],
	);
}
