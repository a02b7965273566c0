// What one explorer remembers of what it derived and drew, so a refresh that changes nothing on
// screen costs little: its last row derivations, the column layouts, the formatted lines and the
// screen descriptions. One object per explorer (created with its state), never shared between
// explorers or kept in module state: whatever it holds is answerable from the state that owns it.
import type {FilterIndex, FilterResult} from '../../model/filter/apply-filter.js';
import type {ColumnLayout, FormattedRow} from '../../model/view/columns.js';
import type {RowList} from '../../model/view/rows.js';
import type {ProcessRecord, Session, SessionReport} from '../../model/types.js';
import type {ExplorerState} from './types.js';

/** What the rows are derived from; a change to any of these re-derives, nothing else does. */
export type ViewInput = Pick<
	ExplorerState,
	'report' | 'usage' | 'expansion' | 'filterQuery' | 'filterExpansion' | 'sortKey' | 'isSortReversed'
>;

export type ExplorerView = {
	readonly list: RowList;
	/** Undefined before the first report. */
	readonly filter: FilterResult | undefined;
};

export type RenderCache = {
	/** The last two row derivations (view.ts). */
	views: Array<{readonly input: ViewInput; readonly view: ExplorerView}>;
	/** Column layouts by width, for one array of sessions within one wall-clock minute (visible-rows.ts). */
	readonly layouts: WeakMap<
		readonly Session[],
		{
			readonly listeners: SessionReport['listeners'];
			readonly minute: number;
			/** By width and the columns asked for (`80`, `80:user,pid`). */
			readonly byWidth: Map<string, ColumnLayout>;
		}
	>;
	/** A process row's line, by the record it shows (visible-rows.ts). */
	readonly processLines: WeakMap<ProcessRecord, {readonly key: string; readonly line: FormattedRow}>;
	/** A session row's line, by session id, with the cells it was made of (visible-rows.ts). */
	readonly sessionLines: Map<string, {readonly key: string; readonly line: FormattedRow}>;
	/** Each state's screen, described once however many refreshes compare against it (screen-key.ts). */
	readonly screenKeys: WeakMap<ExplorerState, string>;
	/** One search index per report, however many keystrokes filter it (view.ts). */
	readonly filterIndexes: WeakMap<SessionReport, FilterIndex>;
};

export function createRenderCache(): RenderCache {
	return {
		views: [],
		layouts: new WeakMap(),
		processLines: new WeakMap(),
		sessionLines: new Map(),
		screenKeys: new WeakMap(),
		filterIndexes: new WeakMap(),
	};
}
