// Types of bundle-patches.mjs, for the benchmark that bundles its Ink hello like the application.
import type {Plugin} from 'esbuild';

export declare const startUpPatches: Plugin[];
