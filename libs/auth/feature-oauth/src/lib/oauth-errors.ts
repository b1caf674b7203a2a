import { DomainError, ErrorKind } from '@sigma/shared/util-errors';

/**
 * The token-endpoint family's refusals (RFC 6749 §5.2, RFC 9449 §5, RFC 7662, RFC 7009): the code
 * decides the status, 401 for client authentication and bearer tokens, 400 for everything else.
 */
export const OAuthErrors = {
  invalidRequest: (message: string): DomainError => new DomainError(ErrorKind.VALIDATION, message, { oauthError: 'invalid_request' }),
  invalidClient: (message = 'client authentication failed'): DomainError => new DomainError(ErrorKind.INVALID_CREDENTIALS, message, { oauthError: 'invalid_client' }),
  invalidGrant: (message: string): DomainError => new DomainError(ErrorKind.VALIDATION, message, { oauthError: 'invalid_grant' }),
  unauthorizedClient: (message: string): DomainError => new DomainError(ErrorKind.VALIDATION, message, { oauthError: 'unauthorized_client' }),
  unsupportedGrantType: (message: string): DomainError => new DomainError(ErrorKind.VALIDATION, message, { oauthError: 'unsupported_grant_type' }),
  invalidScope: (message: string): DomainError => new DomainError(ErrorKind.VALIDATION, message, { oauthError: 'invalid_scope' }),
  invalidDpopProof: (message: string): DomainError => new DomainError(ErrorKind.VALIDATION, message, { oauthError: 'invalid_dpop_proof' }),
  unsupportedTokenType: (message: string): DomainError => new DomainError(ErrorKind.VALIDATION, message, { oauthError: 'unsupported_token_type' }),
  invalidToken: (message: string): DomainError => new DomainError(ErrorKind.INVALID_TOKEN, message, { oauthError: 'invalid_token' }),
  insufficientScope: (message: string): DomainError => new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, message, { oauthError: 'insufficient_scope' }),
} as const;

/**
 * `use_dpop_nonce` (RFC 9449 §8): the client must retry with the nonce the `DPoP-Nonce` response
 * header carries; the endpoint sets the header from `nonce`.
 */
export class DpopNonceRequired extends DomainError {
  constructor(
    readonly nonce: string,
    message: string,
  ) {
    super(ErrorKind.VALIDATION, message, { oauthError: 'use_dpop_nonce' });
  }
}

/**
 * Errors of shared services that speak of refresh tokens as bearer credentials (401 invalid_grant
 * on the direct login APIs) become the token endpoint's 400 invalid_grant (RFC 6749 §5.2).
 */
export function asTokenEndpointError(error: unknown): unknown {
  if (error instanceof DomainError && error.oauthError === 'invalid_grant' && error.kind !== ErrorKind.VALIDATION) return OAuthErrors.invalidGrant(error.message);
  if (error instanceof DomainError && error.kind === ErrorKind.INSUFFICIENT_PERMISSIONS && error.oauthError === 'access_denied') return OAuthErrors.invalidGrant(error.message);
  return error;
}
