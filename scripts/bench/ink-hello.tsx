// The `ink hello` baseline of `npm run bench`: the least an Ink app can do before its first
// frame. Bundled at bench start with the options of scripts/build.mjs (see run.ts).
import {render, Text} from 'ink';
import * as yoga from 'yoga-layout';

// With patches/ applied Yoga loads without top-level await, and says when it is ready; as
// published (the plain hello) it is ready once imported.
const ready: unknown = Reflect.get(yoga, 'yogaReady');
await ready;
render(<Text>listening on</Text>);
// Ink holds nothing open once the frame is drawn: stay until the bench ends the pane by pid.
setInterval(() => undefined, 2 ** 30);
