import {type Buffer} from 'node:buffer';
import {readFileSync} from 'node:fs';

export const fixturesDirectory = new URL('../fixtures/', import.meta.url);

export function fixtureText(name: string): string {
	return readFileSync(new URL(name, fixturesDirectory), 'utf8');
}

export function fixtureBytes(name: string): Buffer {
	return readFileSync(new URL(name, fixturesDirectory));
}
