// A scan hint is read from a file in the user's cache: anything there that this program did not
// write, or that describes another boot or a table that has since changed too much, is ignored.
import {describe, expect, it} from 'vitest';
import {
	formatScanHint,
	hintedPids,
	parseScanHint,
	type ScanHint,
	type SystemMark,
} from '../../../source/proc/scanner/scan-hint.js';

const mark: SystemMark = {
	bootId: 'ebc5e50f-4a51-4e62-92d2-84def23bf175',
	pidNamespace: 'pid:[4026531836]',
	forks: 886_902,
};
const hint: ScanHint = {
	...mark,
	lastPid: 7333,
	pids: [812, 7111, 7116],
	sockets: [{pid: 7111, startTicks: 1_234_567, runMark: '88123 4410 31\n', inodes: [90_001, 90_002]}],
};
const withSocketEntry = (entry: Record<string, unknown>) =>
	formatScanHint({...hint, sockets: [entry as unknown as ScanHint['sockets'][number]]});

describe('parseScanHint', () => {
	it('reads back what formatScanHint wrote', () => {
		expect(parseScanHint(formatScanHint(hint))).toEqual(hint);
	});

	it.each([
		['empty', ''],
		['truncated', formatScanHint(hint).slice(0, 40)],
		['not an object', '[1,2,3]'],
		['null', 'null'],
		['another version', JSON.stringify({...hint, version: 3})],
		['from the version before, which kept no sockets', JSON.stringify({version: 1, ...hint, sockets: undefined})],
		['no version', JSON.stringify(hint)],
		['an empty boot id', formatScanHint({...hint, bootId: ''})],
		['a pid namespace that is not a string', JSON.stringify({version: 2, ...hint, pidNamespace: 4_026_531_836})],
		['a negative fork count', formatScanHint({...hint, forks: -1})],
		['a fractional last pid', formatScanHint({...hint, lastPid: 7333.5})],
		['pid 0 in the list', formatScanHint({...hint, pids: [0, 812]})],
		['a pid above the kernel’s limit', formatScanHint({...hint, pids: [4_194_305]})],
		['a pid given as text', JSON.stringify({version: 2, ...hint, pids: ['812']})],
		['pids that are not a list', JSON.stringify({version: 2, ...hint, pids: {0: 812}})],
		['without sockets', JSON.stringify({version: 2, ...hint, sockets: undefined})],
		['sockets that are not a list', JSON.stringify({version: 2, ...hint, sockets: {7111: [90_001]}})],
		[
			'a socket entry that is not an object',
			withSocketEntry([7111, 1_234_567, '88123 4410 31\n', [90_001]] as unknown as Record<string, unknown>),
		],
		['a socket entry without a start time', withSocketEntry({pid: 7111, runMark: '88123 4410 31\n', inodes: [90_001]})],
		[
			'a run mark that is not schedstat’s three numbers',
			withSocketEntry({pid: 7111, startTicks: 1, runMark: '88123 4410', inodes: [90_001]}),
		],
		[
			'a run mark with escape sequences',
			withSocketEntry({pid: 7111, startTicks: 1, runMark: '1 2 3\u001B[2J', inodes: [90_001]}),
		],
		['a negative inode', withSocketEntry({pid: 7111, startTicks: 1, runMark: '1 2 3\n', inodes: [-5]})],
		[
			'an inode given as text',
			withSocketEntry({pid: 7111, startTicks: 1, runMark: '1 2 3\n', inodes: ['socket:[90001]']}),
		],
		[
			'a list longer than any table this program keeps',
			formatScanHint({...hint, pids: Array.from({length: 100_001}, (_, index) => index + 1)}),
		],
		['invalid UTF-8 and control characters', '{"version":1,"bootId":"\uDC80\u001B[2J"'],
	])('ignores a file that is %s', (_name, text) => {
		expect(parseScanHint(text)).toBeUndefined();
	});
});

describe('hintedPids', () => {
	it('names the hint’s pids and, apart, every pid handed out since, from a little below its last pid', () => {
		const result = hintedPids(hint, {...mark, forks: mark.forks + 10}, 7340, 32_768, 4096);
		expect(result.kind).toBe('pids');
		const {hinted, handedOut} = result.kind === 'pids' ? result : {hinted: [], handedOut: []};
		expect(hinted).toEqual(expect.arrayContaining([...hint.pids]));
		expect(handedOut).toEqual(expect.arrayContaining([7270, 7340]));
		expect(handedOut).not.toContain(7269);
		expect(handedOut).not.toContain(7341);
		const pids = [...hinted, ...handedOut];
		expect(new Set(pids).size).toBe(pids.length);
	});

	it('follows the pid allocator across its wrap at pid_max', () => {
		const nearTheTop = {...hint, lastPid: 32_760};
		const result = hintedPids(nearTheTop, {...mark, forks: mark.forks + 20}, 310, 32_768, 4096);
		const pids = result.kind === 'pids' ? result.handedOut : [];
		expect(pids).toEqual(expect.arrayContaining([32_767, 300, 310]));
		expect(pids).not.toContain(32_768);
		expect(pids).not.toContain(311);
	});

	it.each<[string, SystemMark | undefined, number | undefined, string]>([
		['from another boot', {...mark, bootId: 'another'}, 7340, 'another boot or pid namespace'],
		[
			'from another pid namespace (a container)',
			{...mark, pidNamespace: 'pid:[4026532000]'},
			7340,
			'another boot or pid namespace',
		],
		[
			'taken after a fork count this high (the counter went back)',
			{...mark, forks: mark.forks - 1},
			7340,
			'many processes started since',
		],
		[
			'followed by more forks than a probe reads',
			{...mark, forks: mark.forks + 5000},
			7340,
			'many processes started since',
		],
		[
			'followed by more new pids than a probe reads',
			{...mark, forks: mark.forks + 10},
			12_000,
			'many processes started since',
		],
		['when /proc does not say which boot this is', undefined, 7340, 'no boot id, pid namespace or fork count'],
		['when /proc/loadavg has no last pid', mark, undefined, 'no boot id, pid namespace or fork count'],
	])('is not used %s', (_name, now, lastPid, reason) => {
		expect(hintedPids(hint, now, lastPid, 32_768, 4096)).toEqual({kind: 'unusable', reason});
	});
});
