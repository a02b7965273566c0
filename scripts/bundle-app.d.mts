// Types of bundle-app.mjs, for the benchmarks that bundle variants of the application.
export declare const appBundle: string;
export declare function bundleApp(options?: {
	readonly outfile?: string;
	readonly without?: readonly string[];
}): Promise<void>;
