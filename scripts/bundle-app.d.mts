// Types of bundle-app.mjs, for the benchmarks that bundle the application and an Ink hello like it.
import type {Metafile} from 'esbuild';

export declare const appBundle: string;
export declare const startBanner: string;
export declare function bundleApp(options?: {
	readonly outfile?: string;
	readonly without?: readonly string[];
}): Promise<Metafile>;
