// ES module entry: re-exports the CommonJS build, so `import` and `require` share one React
// context (a provider found by `import` and a hook loaded by `require` still meet).
import sdk from '../index.js';

export const { permits, SigmaAuthContext, SigmaAuthProvider, useSigmaAuth } = sdk;
