import { DomainError, ErrorKind } from '@sigma/shared/util-errors';

/**
 * The built-in first-party client the direct login APIs issue tokens to. Until the OAuth client
 * registry exists, it is the only client they know: an absent client_id means this one, and any
 * other client_id is refused.
 */
export const FIRST_PARTY_CLIENT_ID = 'sigma-iam';

/** The client a direct-login request names, or VALIDATION naming client_id when it is unknown. */
export function resolveDirectLoginClient(requested: string | undefined): string {
  if (requested === undefined || requested === FIRST_PARTY_CLIENT_ID) return FIRST_PARTY_CLIENT_ID;
  throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', {
    details: [{ field: 'client_id', message: `unknown client; the direct login APIs serve the first-party client ${FIRST_PARTY_CLIENT_ID} only` }],
  });
}
