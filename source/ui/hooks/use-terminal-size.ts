import {useEffect, useState} from 'react';
import {useStdout} from 'ink';

export type TerminalSize = {readonly columns: number; readonly rows: number};

function sizeOf(stdout: NodeJS.WriteStream): TerminalSize {
	// A stream without a size (tests, some multiplexers while attaching) gets the classic 80×24.
	return {columns: stdout.columns || 80, rows: stdout.rows || 24};
}

export function useTerminalSize(): TerminalSize {
	const {stdout} = useStdout();
	const [size, setSize] = useState(() => sizeOf(stdout));
	useEffect(() => {
		const update = () => {
			const next = sizeOf(stdout);
			setSize(current => (current.columns === next.columns && current.rows === next.rows ? current : next));
		};

		stdout.on('resize', update);
		update();
		return () => {
			stdout.off('resize', update);
		};
	}, [stdout]);
	return size;
}
