// Parser for the few lines of /proc/PID/status that stat does not carry.

export type StatusFields = {
	/** Real uid: who started the process, which is what `ps -o user` shows. */
	readonly realUid: number | undefined;
	readonly effectiveUid: number | undefined;
	/** The thread group (process) this pid belongs to: another pid when it is a thread's. */
	readonly threadGroupId: number | undefined;
	/** SigIgn and SigCgt: the signals it ignores and those it has a handler for, as hex masks (bit n−1 is signal n). */
	readonly ignoredSignals: string | undefined;
	readonly caughtSignals: string | undefined;
	/** True when it is PID 1 of a PID namespace below the reader's (the last NSpid is 1, there are several). */
	readonly isNamespaceInit: boolean;
};

export function parseStatus(text: string): StatusFields {
	const uidLine = /^Uid:\s+(\d+)\s+(\d+)/mu.exec(text);
	const tgid = /^Tgid:\s+(\d+)/mu.exec(text)?.[1];
	const namespacePids = /^NSpid:\s+([\d\s]+)$/mu.exec(text)?.[1]?.trim().split(/\s+/u) ?? [];
	return {
		realUid: uidLine ? Number(uidLine[1]) : undefined,
		effectiveUid: uidLine ? Number(uidLine[2]) : undefined,
		threadGroupId: tgid === undefined ? undefined : Number(tgid),
		ignoredSignals: /^sigign:\s+([\da-f]+)$/imu.exec(text)?.[1],
		caughtSignals: /^sigcgt:\s+([\da-f]+)$/imu.exec(text)?.[1],
		isNamespaceInit: namespacePids.length > 1 && namespacePids.at(-1) === '1',
	};
}
