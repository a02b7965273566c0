// Display formatting shared by the explorer and the plain-text view. Widths are terminal
// cells (string-width: CJK and most emoji count 2), never string lengths.
import stringWidth from 'string-width';

// Built on first use: the first Segmenter loads ICU's break data, and most screens
// never need one (see narrowText).
let graphemes: Intl.Segmenter | undefined;

/**
Text every terminal draws one cell per character: printable ASCII and the few symbols sshtop
itself puts on screen (tree lines, ▾ ▸, …, ·, arrows, ×, —). Checked first because
string-width segments any other text into graphemes, which made fitting a 200-column row the
costliest part of a refresh; these symbols are East Asian "ambiguous", narrow as string-width
counts them by default. patches/string-width+8.3.0.patch gives string-width the same fast path.
*/
export const narrowText =
	/^[\u0020-\u007E\u00B7\u00D7\u2014\u2019\u2026\u2190-\u2193\u2500-\u257F\u258F\u25B4-\u25BF]*$/u;

export function displayWidth(text: string): number {
	return narrowText.test(text) ? text.length : stringWidth(text);
}

/** Cuts text to at most `width` cells, ending in `…` when something was cut; never wraps. */
export function truncateToWidth(text: string, width: number): string {
	if (width <= 0) {
		return '';
	}

	if (narrowText.test(text)) {
		return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
	}

	if (stringWidth(text) <= width) {
		return text;
	}

	let result = '';
	let used = 0;
	for (const {segment} of (graphemes ??= new Intl.Segmenter(undefined, {granularity: 'grapheme'})).segment(text)) {
		const segmentWidth = stringWidth(segment);
		if (used + segmentWidth > width - 1) {
			break;
		}

		result += segment;
		used += segmentWidth;
	}

	// A wide character that did not fit leaves a gap: fill it so columns stay aligned.
	return result + ' '.repeat(width - 1 - used) + '…';
}

export type Alignment = 'left' | 'right';

/** Exactly `width` cells: truncated when longer, padded with spaces when shorter. */
export function fitToWidth(text: string, width: number, alignment: Alignment = 'left'): string {
	const truncated = truncateToWidth(text, width);
	const padding = ' '.repeat(Math.max(0, width - displayWidth(truncated)));
	return alignment === 'left' ? truncated + padding : padding + truncated;
}

/**
A duration coarse enough not to change every second once it is minutes long:
`42s`, `17m`, `3h07m`, `2d04h`.
*/
export function formatDuration(seconds: number | undefined): string {
	if (seconds === undefined || !Number.isFinite(seconds)) {
		return '?';
	}

	const whole = Math.max(0, Math.floor(seconds));
	if (whole < 60) {
		return `${whole}s`;
	}

	const minutes = Math.floor(whole / 60);
	if (minutes < 60) {
		return `${minutes}m`;
	}

	const hours = Math.floor(minutes / 60);
	if (hours < 24) {
		return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
	}

	return `${Math.floor(hours / 24)}d${String(hours % 24).padStart(2, '0')}h`;
}

/** An age that may change at most once a minute on screen: `<1m`, then as formatDuration. */
export function formatCoarseAge(seconds: number): string {
	return Number.isFinite(seconds) && seconds < 60 ? '<1m' : formatDuration(seconds);
}

/** An idle time for the IDLE column, as `w` shows it: seconds under a minute, then as formatDuration. */
export function formatIdle(seconds: number | undefined): string {
	return formatDuration(seconds);
}

/** Uptime as people say it: `12m`, `4h 12m`, `3d 4h`. */
export function formatUptime(seconds: number): string {
	const minutes = Math.floor(Math.max(0, seconds) / 60);
	const hours = Math.floor(minutes / 60);
	const days = Math.floor(hours / 24);
	if (days > 0) {
		return `${days}d ${hours % 24}h`;
	}

	if (hours > 0) {
		return `${hours}h ${minutes % 60}m`;
	}

	return `${minutes}m`;
}

const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** Login time as `w` shows it: `09:14` today, `Nov21` before today (local time). */
export function formatLoginTime(loginAt: number, now: number): string {
	const login = new Date(loginAt);
	const today = new Date(now);
	const isSameDay =
		login.getFullYear() === today.getFullYear() &&
		login.getMonth() === today.getMonth() &&
		login.getDate() === today.getDate();
	if (isSameDay) {
		return `${String(login.getHours()).padStart(2, '0')}:${String(login.getMinutes()).padStart(2, '0')}`;
	}

	return `${monthNames[login.getMonth()] ?? '?'}${String(login.getDate()).padStart(2, '0')}`;
}

/** Resident memory in at most 6 cells: `812K`, `12.3M`, `1.2G`. */
export function formatBytes(bytes: number | undefined): string {
	if (bytes === undefined || !Number.isFinite(bytes)) {
		return '?';
	}

	const units = ['B', 'K', 'M', 'G', 'T'] as const;
	let value = Math.max(0, bytes);
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}

	const digits = unit >= 2 && value < 100 ? value.toFixed(1) : Math.round(value).toString();
	return `${digits}${units[unit] ?? '?'}`;
}

/** CPU percentage: `0.0`, `12.5`, `183`; `-` before there are two refreshes to compare. */
export function formatPercent(percent: number | undefined): string {
	if (percent === undefined || !Number.isFinite(percent)) {
		return '-';
	}

	return percent < 99.95 ? percent.toFixed(1) : Math.round(percent).toString();
}

/**
Load averages as `uptime` shows them (`0.12 0.08 0.01`), or with one decimal for a live view
(`0.1 0.1 0.0`): the kernel moves the two-decimal figures every five seconds, and a header
rewritten that often is most of what an idle explorer would send.
*/
export function formatLoad(load: readonly [number, number, number], decimals: 1 | 2 = 2): string {
	return load.map(value => value.toFixed(decimals)).join(' ');
}

/** `127.0.0.1:50312`, `[::1]:50312`, `?` when unknown. */
export function formatEndpoint(endpoint: {readonly address: string; readonly port: number} | undefined): string {
	if (endpoint === undefined) {
		return '?';
	}

	return endpoint.address.includes(':')
		? `[${endpoint.address}]:${endpoint.port}`
		: `${endpoint.address}:${endpoint.port}`;
}
