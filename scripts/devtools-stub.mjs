// Stand-in for react-devtools-core, which the bundle never uses (see build.mjs).
const devtools = {
	initialize() {
		// The bundle never connects to React DevTools.
	},
	connectToDevTools() {
		// As above.
	},
};
export default devtools;
