// Reads and writes the explorer's preferences file ($XDG_CONFIG_HOME/sshtop/config.json), with
// the same trust rules as the cache: a file another user could write is not read.
import path from 'node:path';
import process from 'node:process';
import {formatPreferences, parsePreferences, type Preferences} from '../model/view/preferences.js';
import {configDirectory, readPrivateFile, writePrivateFile} from '../private-cache.js';

export function preferencesPath(environment: NodeJS.ProcessEnv = process.env): string | undefined {
	const directory = configDirectory(environment);
	return directory === undefined ? undefined : path.join(directory, 'config.json');
}

/** The preferences, and why part of the file was left out (for the header); none when there is no file. */
export function readPreferences(file: string | undefined): {
	readonly preferences: Preferences;
	readonly warning?: string;
} {
	const bytes = file === undefined ? undefined : readPrivateFile(file);
	if (bytes === undefined) {
		return {preferences: {}};
	}

	const {preferences, problems} = parsePreferences(bytes.toString('utf8'));
	return problems.length === 0 ? {preferences} : {preferences, warning: `${file}: ${problems.join('; ')}`};
}

export function writePreferences(file: string | undefined, preferences: Preferences): void {
	if (file !== undefined) {
		writePrivateFile(file, formatPreferences(preferences));
	}
}
