import {describe, expect, it} from 'vitest';
import {formatRowWithSpans, type RowContext} from '../../../source/model/view/columns.js';
import {flattenReport} from '../../../source/model/view/rows.js';
import {processId, type SessionReport} from '../../../source/model/types.js';
import {createRenderCache} from '../../../source/ui/state/render-cache.js';
import {layoutOf, visibleRows} from '../../../source/ui/state/visible-rows.js';
import {idleFor, report, shellSession, takenAt} from '../../fixtures/builders.js';

const noUsage = {byProcess: new Map(), bySession: new Map()};
// One explorer's cache, as one explorer would keep it across these refreshes.
const cache = createRenderCache();
const shown = (of: SessionReport, context: RowContext) =>
	visibleRows({
		list: flattenReport(of),
		layout: layoutOf(of, 160, cache),
		context,
		scrollOffset: 0,
		height: 20,
		filter: undefined,
		taggedIds: new Set(),
		cache,
	});

describe('the rows in view, refresh after refresh', () => {
	const first = report([shellSession(100, {user: 'alice'})]);
	// The next refresh: a new session object (its idle time moved on) over the same process records.
	const next = report([{...first.sessions[0]!, ...idleFor(120)}]);
	const shell = first.sessions[0]!.tree.children[0]!.children[0]!.process;
	const shellId = processId(shell);
	const lineOf = (rows: ReturnType<typeof shown>) => rows.find(({row}) => row.id === shellId)?.formatted;

	it('keeps the line of a process whose record, place and CPU figure did not change', () => {
		const before = lineOf(shown(first, {usage: noUsage, now: takenAt}));
		const after = lineOf(shown(next, {usage: noUsage, now: takenAt + 2000}));
		expect(before).toBeDefined();
		expect(after).toBe(before);
	});

	it('formats the line again when its CPU figure changes, and draws what the formatter draws', () => {
		const usage = {byProcess: new Map([[shellId, 12.5]]), bySession: new Map()};
		const rows = shown(next, {usage, now: takenAt});
		const row = rows.find(each => each.row.id === shellId)!;
		expect(row.formatted.text).toContain('12.5');
		expect(row.formatted).toEqual(formatRowWithSpans(row.row, layoutOf(next, 160, cache), {usage, now: takenAt}));
	});
});

describe('session rows, refresh after refresh', () => {
	const context = {usage: noUsage, now: takenAt};
	const at = (idleSeconds: number) => report([{...shellSession(100, {user: 'alice'}), ...idleFor(idleSeconds)}]);
	const sessionLine = (of: SessionReport) => shown(of, context).find(({row}) => row.kind === 'session')!;

	it('keeps the line of a new session object whose cells read the same (idle 2m, two seconds later)', () => {
		const before = sessionLine(at(120)).formatted;
		const after = sessionLine(at(122)).formatted;
		expect(after.text).toContain('2m');
		expect(after).toBe(before);
	});

	it('formats the line again when a cell changes (idle 2m becomes 3m), as the formatter draws it', () => {
		const before = sessionLine(at(120)).formatted;
		const later = at(180);
		const {row, formatted} = sessionLine(later);
		expect(formatted).not.toBe(before);
		expect(formatted.text).toContain('3m');
		expect(formatted).toEqual(formatRowWithSpans(row, layoutOf(later, 160, cache), context));
	});

	it('formats it again for another width or when it becomes the own session', () => {
		const first = at(120);
		const line = sessionLine(first).formatted;
		const own = report([{...first.sessions[0]!, isOwn: true}]);
		expect(sessionLine(own).formatted.text).not.toBe(line.text);
		const narrow = visibleRows({
			list: flattenReport(first),
			layout: layoutOf(first, 80, cache),
			context,
			scrollOffset: 0,
			height: 20,
			filter: undefined,
			taggedIds: new Set(),
			cache,
		}).find(({row}) => row.kind === 'session')!;
		expect(narrow.formatted).toEqual(formatRowWithSpans(narrow.row, layoutOf(first, 80, cache), context));
	});
});

describe('column widths, refresh after refresh', () => {
	const first = report([shellSession(100, {user: 'alice'}), shellSession(200, {user: 'bob', tty: 'pts/1'})]);
	const minuteStart = Math.floor(first.takenAt / 60_000) * 60_000;
	const at = (takenAt: number) => ({...first, takenAt});

	it('are measured once while the sessions are the same objects and the minute is the same', () => {
		const layout = layoutOf(at(minuteStart + 1000), 160, cache);
		expect(layoutOf(at(minuteStart + 59_000), 160, cache)).toBe(layout);
		expect(layoutOf(at(minuteStart + 59_000), 120, cache)).not.toBe(layout);
	});

	it('are measured again in the next minute, and for other sessions', () => {
		const layout = layoutOf(at(minuteStart + 1000), 160, cache);
		expect(layoutOf(at(minuteStart + 61_000), 160, cache)).not.toBe(layout);
		expect(layoutOf(report([...first.sessions]), 160, cache)).not.toBe(layout);
	});

	it('fit an idle time that grows wider within the minute: measured at the minute, shown as at the minute', () => {
		// 9h59m at the minute's first refresh, 10h past it 30 s later: the live explorer still shows 9h59m.
		const idle = report([{...shellSession(100, {user: 'alice'}), idleSince: minuteStart - (10 * 3600 - 50) * 1000}]);
		const layout = layoutOf({...idle, takenAt: minuteStart + 5000}, 160, cache);
		const later = {...idle, takenAt: minuteStart + 30_000};
		const line = formatRowWithSpans(flattenReport(later).rows[1]!, layoutOf(later, 160, cache), {
			usage: noUsage,
			now: later.takenAt,
			isIdleByMinute: true,
		});
		expect(layoutOf(later, 160, cache)).toBe(layout);
		expect(line.text).toMatch(/ 9h59m /u);
	});
});
