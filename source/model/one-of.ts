/** Whether `value` is one of `values`: narrows text read from a user or a file to a union of literals. */
export function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
	return (values as readonly string[]).includes(value);
}
