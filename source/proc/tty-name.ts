// Decodes stat's tty_nr (a dev_t) into the device name under /dev, as ps does.

export function ttyMajor(ttyNumber: number): number {
	return (ttyNumber >>> 8) & 0xf_ff;
}

export function ttyMinor(ttyNumber: number): number {
	return (ttyNumber & 0xff) | ((ttyNumber >>> 12) & 0xf_ff_00);
}

/** Returns undefined for 0 (no controlling terminal). */
export function ttyName(ttyNumber: number): string | undefined {
	if (ttyNumber === 0) {
		return undefined;
	}

	const major = ttyMajor(ttyNumber);
	const minor = ttyMinor(ttyNumber);
	// Unix98 pseudo-terminals use majors 136-143, 256 minors each (Documentation/admin-guide/devices.txt).
	if (major >= 136 && major <= 143) {
		return `pts/${(major - 136) * 256 + minor}`;
	}

	if (major === 4) {
		return minor < 64 ? `tty${minor}` : `ttyS${minor - 64}`;
	}

	if (major === 5) {
		return ['tty', 'console', 'ptmx'][minor] ?? `tty(5,${minor})`;
	}

	return `tty(${major},${minor})`;
}
