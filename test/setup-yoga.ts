// Yoga loads without top-level await (patches/yoga-layout+3.2.1.patch): the component tests lay
// out frames with Ink, which needs it ready, as the program's entries wait for it.
import {yogaReady} from 'yoga-layout';

await yogaReady;
