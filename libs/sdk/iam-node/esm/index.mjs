// ES module entry: re-exports the CommonJS build, so `import` and `require` share one SigmaIAM class
// (one JWKS cache, one DPoP replay store). The default export is the class, as `require` gives it.
import SigmaIAM from '../main.js';

export default SigmaIAM;
export { SigmaIAM };
export const { AuthenticationError, DPOP_ALGORITHMS, DenyList, IAMError, InvalidDpopProof, MemoryReplayStore, MemoryTokenStorage, SessionTransactionStore, accessTokenHash, generateCodeChallenge, generateCodeVerifier, generateState, loginHandler, permits, requireAuth, requirePermission, sigmaContext, verifyDpopProof } = SigmaIAM;
