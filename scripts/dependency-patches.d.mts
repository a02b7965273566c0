// Types of dependency-patches.mjs, for the tests and benchmarks that read the patches back.
import type {Plugin} from 'esbuild';

export type Hunk = {readonly before: string[]; readonly after: string[]};
export declare const root: string;
export declare const patchesDirectory: string;
export declare const patchParts: Readonly<Record<string, readonly string[]>>;
export declare function readPatches(
	directory?: string,
): Array<{readonly name: string; readonly files: Map<string, Hunk[]>}>;
export declare function parseUnifiedDiff(text: string): Map<string, Hunk[]>;
export declare function undoPatch(patchedText: string, hunks: readonly Hunk[], file: string): string;
export declare function originalsOf(partNames: readonly string[], directory?: string): Map<string, string>;
export declare function servingOriginals(originals: ReadonlyMap<string, string>): Plugin;
