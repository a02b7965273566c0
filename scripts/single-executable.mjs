// What makes a Node binary a single executable application on Linux: the blob as a note named
// NODE_SEA_BLOB, and the fuse Node reads at start-up set to say the blob is there.
import {Buffer} from 'node:buffer';
import {withNote} from './elf-note.mjs';

const blobNote = 'NODE_SEA_BLOB';
const fuseOff = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:0';

/** Returns the binary with the fuse set; the fuse must occur exactly once. */
function withFuseSet(binary) {
	const fuse = Buffer.from(fuseOff);
	const at = binary.indexOf(fuse);
	if (at === -1 || binary.includes(fuse, at + 1)) {
		throw new Error(`expected the runtime to carry ${fuseOff} exactly once`);
	}

	binary.write('1', at + fuse.length - 1);
	return binary;
}

/**
The single executable made of a Node binary and a blob that the same Node version wrote with
--experimental-sea-config.
*/
export function singleExecutable(runtime, blob) {
	return withFuseSet(withNote(runtime, blobNote, blob));
}
