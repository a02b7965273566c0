// Types of single-executable.mjs, for its test.
import {type Buffer} from 'node:buffer';

export declare function singleExecutable(runtime: Buffer, blob: Buffer): Buffer;
