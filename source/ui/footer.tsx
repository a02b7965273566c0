import {memo} from 'react';
import {Text} from 'ink';
import {fitToWidth} from '../model/format.js';
import {footerEntries, type KeyContext} from './keymap.js';

export type FooterProps = {
	readonly context: KeyContext;
	readonly notice: string | undefined;
	/** `12/340`: where the cursor is in the tree. */
	readonly position: string;
	readonly width: number;
};

export const Footer = memo(({context, notice, position, width}: FooterProps) => {
	const keys = footerEntries(context).map(entry => `${entry.keys} ${entry.label}`).join('  ');
	const text = [notice, keys].filter(Boolean).join('  ·  ');
	const right = position === '' ? '' : ` ${position}`;
	return <Text wrap='truncate'>{fitToWidth(text, width - right.length) + right}</Text>;
});
Footer.displayName = 'Footer';
