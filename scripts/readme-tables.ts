// The README's generated tables: key bindings and filter qualifiers, from the code's own
// tables, so the documentation cannot drift from what the explorer does.
import {qualifiers} from '../source/model/filter/query-parser.js';
import {columnPriority, columnTitles} from '../source/model/view/columns.js';
import {helpLines} from '../source/ui/keys/keymap.js';

const escapeCell = (text: string) => text.replaceAll('|', String.raw`\|`);

export function keyTable(): string {
	const rows = helpLines().map(
		line =>
			`| ${escapeCell(
				line.keys
					.split(' ')
					.map(key => `\`${key}\``)
					.join(' '),
			)} | ${escapeCell(line.help)} |`,
	);
	return ['| keys | what it does |', '| --- | --- |', ...rows].join('\n');
}

export function qualifierTable(): string {
	const rows = qualifiers.map(
		qualifier => `| \`${escapeCell(qualifier.example)}\` | ${escapeCell(qualifier.description)} |`,
	);
	return ['| qualifier | matches |', '| --- | --- |', ...rows].join('\n');
}

/** The order in which session columns give way on a narrow terminal. */
export function columnOrder(): string {
	const givingWay = columnPriority.toReversed().map(column => `\`${columnTitles[column]}\``);
	return [
		'As the terminal narrows, session columns give way in this order, first to last:',
		`${givingWay.join(', ')}; the command keeps at least 14 columns.`,
		'With a short user name and an IPv4 peer, an 80-column row keeps USER, PID, FROM, IDLE, HEALTH and TTY.',
	].join('\n');
}

export const generatedSections: ReadonlyArray<{readonly name: string; readonly render: () => string}> = [
	{name: 'keys', render: keyTable},
	{name: 'qualifiers', render: qualifierTable},
	{name: 'columns', render: columnOrder},
];

/** Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->` with the generated table. */
export function withGeneratedSections(readme: string): string {
	let result = readme;
	for (const section of generatedSections) {
		const start = `<!-- ${section.name}:start -->`;
		const end = `<!-- ${section.name}:end -->`;
		const from = result.indexOf(start);
		const to = result.indexOf(end);
		if (from === -1 || to < from) {
			throw new Error(`README.md lacks the ${start} … ${end} markers`);
		}

		result = `${result.slice(0, from + start.length)}\n${section.render()}\n${result.slice(to)}`;
	}

	return result;
}
