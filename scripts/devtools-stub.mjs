// Stand-in for react-devtools-core, which the bundle never uses (see build.mjs).
const devtools = {initialize() {}, connectToDevTools() {}};
export default devtools;
