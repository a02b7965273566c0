// JSON that is safe to print: `--json`, `reap --json` and the audit log carry process names,
// which any user chooses. JSON.stringify leaves C1 controls, DEL, line separators, bidi
// controls and zero-width characters raw, and `jq -r` or a `tail -f` in a terminal would then
// act on them. Escaped as \uXXXX, the document says the same and shows nothing.

/**
DEL and C1 controls, format characters (bidi, zero-width, soft hyphen…) and U+2028/2029. C0
controls are escaped by JSON.stringify already; the only raw ones left are the document's own
line breaks.
*/
const unsafeInJson = /[\u007F-\u009F\p{Cf}\p{Zl}\p{Zp}]/gu;

function escaped(character: string): string {
	return String.raw`\u${(character.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
}

/**
JSON.stringify, then every unsafe character escaped. Outside strings JSON has none of them (only
ASCII punctuation and spaces), so escaping them in place keeps the text the same JSON value.
*/
export function toSafeJson(value: unknown, space?: number): string {
	return (JSON.stringify(value, undefined, space) ?? 'null').replaceAll(unsafeInJson, escaped);
}
