// Stand-in for ws, which Ink imports only for React DevTools (DEV=true), which the bundle
// never connects to (see devtools-stub.mjs): less to parse at every start.
export default undefined;
