export { ACCESS_TOKEN_TYPE, API_AUDIENCE, isUuid, issuerOf, SIGNING_ALGORITHMS } from './lib/access-token';
export type { AccessTokenClaims, SigningAlgorithm } from './lib/access-token';
export { AccessTokenSettings } from './lib/access-token.settings';
export { AccessTokenVerifier } from './lib/access-token-verifier';
export type { AccessTokenVerifierOptions, Caller } from './lib/access-token-verifier';
export { AccessTokenModule, Authenticated, BearerAuthGuard, bearerTokenOf, callerOf, CurrentCaller, DpopProofChecker } from './lib/bearer-auth.guard';
export { isPermission, PERMISSION_PATTERN, permits, permitsAll } from './lib/permissions';
export { accessTokenHash, DPOP_ALGORITHMS, verifyDpopProof } from './lib/dpop-proof';
export type { DpopProofExpectations, VerifiedDpopProof } from './lib/dpop-proof';
