// Parser for the few lines of /proc/PID/status that stat does not carry.

export type StatusFields = {
	/** Real uid: who started the process, which is what `ps -o user` shows. */
	readonly realUid: number | undefined;
	readonly effectiveUid: number | undefined;
	/** The thread group (process) this pid belongs to: another pid when it is a thread's. */
	readonly threadGroupId: number | undefined;
};

export function parseStatus(text: string): StatusFields {
	const uidLine = /^Uid:\s+(\d+)\s+(\d+)/m.exec(text);
	const tgid = /^Tgid:\s+(\d+)/m.exec(text)?.[1];
	return {
		realUid: uidLine ? Number(uidLine[1]) : undefined,
		effectiveUid: uidLine ? Number(uidLine[2]) : undefined,
		threadGroupId: tgid === undefined ? undefined : Number(tgid),
	};
}
