import { DomainError, ErrorKind } from '@sigma/shared/util-errors';

/** The refusals of the /webauthn routes (OAuth-style error body), worded alike on every path. */
export const WebauthnErrors = {
  missingChallenge: (): DomainError =>
    new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', {
      details: [{ field: 'webauthn-challenge', message: 'the webauthn-challenge header must carry the challenge the options answered' }],
    }),
  /** Unknown, expired, already used, or a challenge of another ceremony or user: all alike. */
  challengeNotPending: (): DomainError => new DomainError(ErrorKind.VALIDATION, 'the WebAuthn challenge is unknown, expired or already used; ask for new options'),
  registrationRefused: (): DomainError =>
    new DomainError(ErrorKind.VALIDATION, 'the passkey registration did not verify (challenge, origin, RP ID, user verification or attestation)'),
  /** Unknown credential, bad signature, wrong origin, counter regression, another user's passkey: one answer. */
  assertionRefused: (): DomainError => new DomainError(ErrorKind.INVALID_CREDENTIALS, 'the passkey was not accepted', { oauthError: 'access_denied' }),
  notTheSignedInUser: (): DomainError =>
    new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'a passkey can only be registered by the signed-in user, for their own account', { oauthError: 'access_denied' }),
  otherTenant: (): DomainError => new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, "tenant_id must be the access token's tenant", { oauthError: 'access_denied' }),
  alreadyRegistered: (): DomainError => new DomainError(ErrorKind.CONFLICT, 'this passkey is registered already'),
} as const;
