// Types of bundle-patches.mjs, for the benchmark that bundles its Ink hello like the application.
import type {Plugin} from 'esbuild';

export declare const startUpPatches: Plugin[];
export declare const narrowCharacterClass: string;
export declare function rewriteStringWidth(contents: string, file: string): string;
export declare function rewriteSliceAnsi(contents: string, file: string): string;
export declare function rewriteInkOutput(contents: string, file: string): string;
export declare function rewriteStyledChars(contents: string, file: string): string;
export declare function rewriteTokenize(contents: string, file: string): string;
