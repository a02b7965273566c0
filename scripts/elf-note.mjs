// Adds a note to a Linux x86-64 executable where a running program finds it: in a PT_NOTE
// segment that is loaded into memory. Node's single executable support looks for its blob
// there (postject-api.h walks the main program's PT_NOTE segments with dl_iterate_phdr).
//
// The program header table needs one more entry, a PT_LOAD for the appended bytes. The table
// sits at the start of the file, followed directly by .interp and the notes, so those few bytes
// move to the end of the file with the new note: PT_INTERP, PT_NOTE, PT_GNU_PROPERTY and the
// matching section headers follow them. Everything else stays at its offset and address, and
// no section is added or renamed.
import {Buffer} from 'node:buffer';

const elfHeader = {phoff: 32, shoff: 40, phentsize: 54, phnum: 56, shentsize: 58, shnum: 60};
const programHeaderSize = 56;
const sectionHeaderSize = 64;
const pageSize = 0x10_00;

const segmentType = {load: 1, interp: 3, note: 4, phdr: 6, gnuProperty: 0x64_74_e5_53};
const movableSegments = new Set([segmentType.interp, segmentType.note, segmentType.gnuProperty]);
const sectionType = {progbits: 1, note: 7, nobits: 8};
const readable = 4;

/** Rounds up to a multiple of a power of two. */
function alignUp(value, alignment) {
	return Math.ceil(value / alignment) * alignment;
}

function readProgramHeaders(elf, offset, count) {
	return Array.from({length: count}, (_, index) => {
		const at = offset + index * programHeaderSize;
		return {
			type: elf.readUInt32LE(at),
			flags: elf.readUInt32LE(at + 4),
			offset: Number(elf.readBigUInt64LE(at + 8)),
			vaddr: Number(elf.readBigUInt64LE(at + 16)),
			paddr: Number(elf.readBigUInt64LE(at + 24)),
			filesz: Number(elf.readBigUInt64LE(at + 32)),
			memsz: Number(elf.readBigUInt64LE(at + 40)),
			align: Number(elf.readBigUInt64LE(at + 48)),
		};
	});
}

function writeProgramHeader(target, at, header) {
	target.writeUInt32LE(header.type, at);
	target.writeUInt32LE(header.flags, at + 4);
	target.writeBigUInt64LE(BigInt(header.offset), at + 8);
	target.writeBigUInt64LE(BigInt(header.vaddr), at + 16);
	target.writeBigUInt64LE(BigInt(header.paddr), at + 24);
	target.writeBigUInt64LE(BigInt(header.filesz), at + 32);
	target.writeBigUInt64LE(BigInt(header.memsz), at + 40);
	target.writeBigUInt64LE(BigInt(header.align), at + 48);
}

function readSectionHeaders(elf, offset, count) {
	return Array.from({length: count}, (_, index) => {
		const at = offset + index * sectionHeaderSize;
		return {
			at,
			type: elf.readUInt32LE(at + 4),
			addr: Number(elf.readBigUInt64LE(at + 16)),
			offset: Number(elf.readBigUInt64LE(at + 24)),
			size: Number(elf.readBigUInt64LE(at + 32)),
		};
	});
}

/** A note as the ELF format lays it out: header, name and description, each padded to 4 bytes. */
export function encodeNote(name, type, description) {
	const nameBytes = Buffer.from(`${name}\0`, 'utf8');
	const note = Buffer.alloc(12 + alignUp(nameBytes.length, 4) + alignUp(description.length, 4));
	note.writeUInt32LE(nameBytes.length, 0);
	note.writeUInt32LE(description.length, 4);
	note.writeUInt32LE(type, 8);
	nameBytes.copy(note, 12);
	description.copy(note, 12 + alignUp(nameBytes.length, 4));
	return note;
}

function checkElf(elf) {
	const isElf = elf.length >= 64 && elf.readUInt32BE(0) === 0x7f_45_4c_46;
	if (!isElf) throw new Error('not an ELF file');
	if (elf[4] !== 2 || elf[5] !== 1) throw new Error('not a 64-bit little-endian ELF file');
	if (elf.readUInt16LE(elfHeader.phentsize) !== programHeaderSize) throw new Error('unexpected program header size');
	if (elf.readUInt16LE(elfHeader.shentsize) !== sectionHeaderSize) throw new Error('unexpected section header size');
}

/**
The end of the bytes after the program header table that must move so that one more entry
fits: every section and segment reaching into the room needed, and whatever overlaps those,
until nothing more does. Only .interp and notes can move; anything else there (code, data, the
dynamic table) cannot without relinking, and is refused.
*/
function endOfBytesToMove(tableEnd, segments, sections) {
	const interp = segments.find(segment => segment.type === segmentType.interp);
	const ranges = [
		...sections
			.filter(section => section.type !== sectionType.nobits && section.size > 0)
			.map(section => ({
				start: section.offset,
				end: section.offset + section.size,
				movable:
					section.type === sectionType.note ||
					(section.type === sectionType.progbits && section.offset === interp?.offset),
			})),
		...segments
			.filter(segment => segment.type !== segmentType.load && segment.type !== segmentType.phdr)
			.map(segment => ({
				start: segment.offset,
				end: segment.offset + segment.filesz,
				movable: movableSegments.has(segment.type),
			})),
	];
	let end = tableEnd + programHeaderSize;
	for (let grew = true; grew;) {
		grew = false;
		for (const range of ranges) {
			if (range.start >= end || range.end <= tableEnd) continue;
			if (!range.movable || range.start < tableEnd) {
				throw new Error(`no room for one more program header: offset ${range.start} holds what cannot move`);
			}

			if (range.end > end) {
				end = range.end;
				grew = true;
			}
		}
	}

	return end;
}

/**
Returns a copy of an executable with a note named `name` whose description is `description`,
readable at run time through the program headers.
*/
export function withNote(executable, name, description, type = 0) {
	checkElf(executable);
	const phoff = Number(executable.readBigUInt64LE(elfHeader.phoff));
	const phnum = executable.readUInt16LE(elfHeader.phnum);
	const shoff = Number(executable.readBigUInt64LE(elfHeader.shoff));
	const shnum = executable.readUInt16LE(elfHeader.shnum);
	const segments = readProgramHeaders(executable, phoff, phnum);
	const sections = readSectionHeaders(executable, shoff, shnum);
	const loads = segments.filter(segment => segment.type === segmentType.load);
	const tableEnd = phoff + phnum * programHeaderSize;
	const tableLoad = loads.find(
		load => load.offset <= phoff && tableEnd + programHeaderSize <= load.offset + load.filesz,
	);
	if (tableLoad === undefined) throw new Error('the program header table is not in a loaded segment');

	const moveEnd = endOfBytesToMove(tableEnd, segments, sections);
	const notes = segments.filter(segment => segment.type === segmentType.note);
	// The new note joins the note segment that ends the moved bytes; its entries are padded to
	// 4 bytes, as Node's reader expects, so that segment must be one of 4-byte notes.
	const lastNote = notes.find(note => note.offset >= tableEnd && note.offset + note.filesz === moveEnd);
	if (lastNote?.align !== 4) throw new Error('no segment of 4-byte-aligned notes ends where the moved bytes end');

	const moved = executable.subarray(tableEnd, moveEnd);
	const note = encodeNote(name, type, description);
	const regionOffset = alignUp(executable.length, pageSize);
	const regionVaddr = alignUp(Math.max(...loads.map(load => load.vaddr + load.memsz)), pageSize);
	// Page-aligned, so everything moved keeps its alignment (at most 8) relative to the page.
	const noteOffset = alignUp(moved.length, 4);
	const region = Buffer.alloc(noteOffset + note.length);
	moved.copy(region, 0);
	note.copy(region, noteOffset);

	const offsetShift = regionOffset - tableEnd;
	const vaddrShift = regionVaddr - (tableLoad.vaddr + (tableEnd - tableLoad.offset));
	const isMoved = item => item.offset >= tableEnd && item.offset < moveEnd;
	const newSegments = segments.map(segment => {
		if (segment.type === segmentType.phdr) {
			return {...segment, filesz: segment.filesz + programHeaderSize, memsz: segment.memsz + programHeaderSize};
		}

		if (!isMoved(segment)) return segment;
		const shifted = {
			...segment,
			offset: segment.offset + offsetShift,
			vaddr: segment.vaddr + vaddrShift,
			paddr: segment.paddr + vaddrShift,
		};
		if (segment !== lastNote) return shifted;
		const size = noteOffset + note.length - (segment.offset - tableEnd);
		return {...shifted, filesz: size, memsz: size};
	});
	const regionLoad = {
		type: segmentType.load,
		flags: readable,
		offset: regionOffset,
		vaddr: regionVaddr,
		paddr: regionVaddr,
		filesz: region.length,
		memsz: region.length,
		align: pageSize,
	};
	// Loadable segments stay sorted by address, as the ELF specification requires.
	const afterLastLoad = newSegments.findLastIndex(segment => segment.type === segmentType.load) + 1;
	newSegments.splice(afterLastLoad, 0, regionLoad);

	const result = Buffer.alloc(regionOffset + region.length);
	executable.copy(result, 0);
	result.fill(0, tableEnd, moveEnd);
	for (const [index, segment] of newSegments.entries()) {
		writeProgramHeader(result, phoff + index * programHeaderSize, segment);
	}

	result.writeUInt16LE(newSegments.length, elfHeader.phnum);
	for (const section of sections.filter(section => isMoved(section) && section.type !== sectionType.nobits)) {
		result.writeBigUInt64LE(BigInt(section.addr + vaddrShift), section.at + 16);
		result.writeBigUInt64LE(BigInt(section.offset + offsetShift), section.at + 24);
	}

	region.copy(result, regionOffset);
	return result;
}
