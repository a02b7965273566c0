// Types of elf-note.mjs, for its test.
import {type Buffer} from 'node:buffer';

export declare function encodeNote(name: string, type: number, description: Buffer): Buffer;
export declare function withNote(executable: Buffer, name: string, description: Buffer, type?: number): Buffer;
