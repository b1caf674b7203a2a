// ES module entry: re-exports the CommonJS build, so `import` and `require` share one SigmaIAM
// class and one token cache (no dual-package hazard).
import sdk from '../index.js';

export const {
  codeChallengeOf,
  defaultAuthorizationStore,
  DPoPSigner,
  generateCodeChallenge,
  generateCodeVerifier,
  generateDPoPKeyPair,
  generateState,
  grants,
  htuOf,
  IAMError,
  iamErrorOf,
  IdentityClient,
  IdentityGateway,
  MemoryTokenStorage,
  MemoryAuthorizationStore,
  PendingAuthorizations,
  SigmaIAM
} = sdk;
