// The one-shot view for a pipe or cron: the whole tree, expanded, as plain lines.
import {computeLayout, formatRow, formatTitleLine} from './columns.js';
import {unknownCpuUsage} from './cpu.js';
import {truncateToWidth} from './format.js';
import {flattenReport} from './rows.js';
import {summaryLines, type SummaryOptions} from './summary.js';
import type {SessionReport} from './types.js';

export type PlainTextOptions = SummaryOptions & {
	/** Add SGR colour (bold header, highlighted own session); off for NO_COLOR and pipes. */
	readonly color: boolean;
	/** Cells per line; unlimited when undefined (nothing is cut). */
	readonly width?: number;
};

const bold = (text: string) => `\u001B[1m${text}\u001B[22m`;
const cyan = (text: string) => `\u001B[36m${text}\u001B[39m`;

export function renderPlainText(report: SessionReport, options: PlainTextOptions): string {
	const layout = computeLayout(report, options.width, {showCpu: false});
	const context = {usage: unknownCpuUsage, now: report.takenAt};
	const lines = summaryLines(report, options)
		.map(line => (options.width === undefined ? line : truncateToWidth(line, options.width)))
		.map(line => (options.color ? bold(line) : line));
	lines.push('');
	if (report.sessions.length === 0) {
		lines.push('No SSH sessions.');
	} else {
		lines.push(options.color ? bold(formatTitleLine(layout)) : formatTitleLine(layout));
	}

	const {rows} = flattenReport(report, {policy: 'all', overrides: new Map()});
	for (const row of rows) {
		const text = formatRow(row, layout, context);
		lines.push(options.color && row.kind === 'session' && row.session.isOwn ? cyan(text) : text);
	}

	return `${lines.join('\n')}\n`;
}
