// The help screen's text: every binding of the key table, then what the marks and figures in
// the tree mean, wrapped to the terminal's width. The help screen shows a window of these lines
// and the reducer scrolls it, so both read them from here.
import {displayWidth} from '../model/view/format.js';
import {wrapLabelled, wrapText} from '../model/view/wrap.js';
import {helpLines} from './keys/keymap.js';

/** What the marks and figures in the tree mean, below the keys. */
export const helpNotes: readonly string[] = [
	'* marks the session sshtop runs in and every session it was opened from.  ? means unreadable (run as root to see it).',
	"[orphaned]: the connection's monitor is gone, its user side still holds it.  [unverified]: its sshd could not be checked.  [your outer hop]: your session was opened from it.",
	"IDLE 5m~: no terminal to watch, so idle is the time since the session's channels last carried data (its commands' I/O, a forward); keepalives do not count.",
	'HEALTH: ok · STALL the client stopped reading · DEAD the peer stopped acknowledging, or the connection is closing · ? unknown. The footer says why for the selected session.',
	'TTY pts/7+2: a connection that carries three terminals (a ControlMaster); Enter lists them.',
	'left behind: processes still running after their SSH connection ended, with where they came from (reading that needs root).',
];

/** Widest a key column gets; longer key lists wrap into the text's first line. */
const keysColumnLimit = 18;

/** Every line of the help below its title, wrapped to `width` cells. */
export function helpScreenLines(width: number): string[] {
	const entries = helpLines();
	const keysWidth = Math.min(keysColumnLimit, Math.max(...entries.map(entry => displayWidth(entry.keys)))) + 2;
	return [
		...entries.flatMap(entry => wrapLabelled(entry.keys, entry.help, width, keysWidth)),
		'',
		...helpNotes.flatMap(note => wrapText(note, width, '  ')),
	];
}
