// The one-shot view for a pipe or cron: the whole tree, expanded, as plain lines.
import type {SessionReport} from '../types.js';
import {computeLayout, formatRow, formatTitleLine} from './columns.js';
import {unknownCpuUsage} from './cpu.js';
import {truncateToWidth} from './format.js';
import {flattenReport} from './rows.js';
import {defaultViewOptions, viewReport, type ViewOptions} from './session-view.js';
import {summaryLines, type SummaryOptions} from './summary.js';

export type PlainTextOptions = SummaryOptions & {
	/** Add SGR colour (bold header, highlighted own session); off for NO_COLOR and pipes. */
	readonly color: boolean;
	/** Cells per line; unlimited when undefined (nothing is cut). */
	readonly width?: number;
	/** `--filter`, `--sort`, `--reverse`: the sessions shown and their order (default: all, longest idle first). */
	readonly view?: ViewOptions;
};

const bold = (text: string) => `\u001B[1m${text}\u001B[22m`;
const cyan = (text: string) => `\u001B[36m${text}\u001B[39m`;

export function renderPlainText(report: SessionReport, options: PlainTextOptions): string {
	const layout = computeLayout(report, options.width, {showCpu: false});
	const context = {usage: unknownCpuUsage, now: report.takenAt};
	const lines = summaryLines(report, options)
		.map(line => (options.width === undefined ? line : truncateToWidth(line, options.width)))
		.map(line => (options.color ? bold(line) : line));
	// The same view as the explorer's: matches with their ancestors as context and their children.
	const {report: shown, filter} = viewReport(report, options.view ?? defaultViewOptions);
	if (filter.isFiltering) {
		lines.push(
			`filter: ${options.view?.query ?? ''} (${filter.matchCount} match${filter.matchCount === 1 ? '' : 'es'})`,
		);
	}

	lines.push('');
	if (shown.sessions.length === 0) {
		lines.push(filter.isFiltering ? 'No session matches the filter.' : 'No SSH sessions.');
	} else {
		lines.push(options.color ? bold(formatTitleLine(layout)) : formatTitleLine(layout));
	}

	const {rows} = flattenReport(shown, {policy: 'all', overrides: new Map()});
	for (const row of rows) {
		const text = formatRow(row, layout, context);
		lines.push(options.color && row.kind === 'session' && row.session.isOwnChain ? cyan(text) : text);
	}

	return `${lines.join('\n')}\n`;
}
