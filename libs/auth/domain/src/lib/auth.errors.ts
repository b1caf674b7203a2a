import { DomainError, ErrorKind } from '@sigma/shared/util-errors';

/** The refusals of the token endpoints, one place so every path words them alike. */
export const AuthErrors = {
  /** Unknown, expired, rotated or revoked refresh tokens all answer alike. */
  invalidRefreshToken: (): DomainError => new DomainError(ErrorKind.INVALID_TOKEN, 'the refresh token is invalid, expired or revoked', { oauthError: 'invalid_grant' }),
  refreshTokenOfAnotherClient: (): DomainError => new DomainError(ErrorKind.INVALID_TOKEN, 'the refresh token was issued to another client', { oauthError: 'invalid_grant' }),
  mfaSessionNotFound: (): DomainError => new DomainError(ErrorKind.NOT_FOUND, 'the MFA session does not exist, has expired or was already used'),
  accountDisabled: (): DomainError => new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'the account is disabled', { oauthError: 'access_denied' }),
  unknownTenant: (): DomainError => new DomainError(ErrorKind.NOT_FOUND, 'the tenant does not exist', { oauthError: 'invalid_request' }),
  invalidTenantId: (): DomainError =>
    new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: [{ field: 'tenant_id', message: 'tenant_id must be a UUID' }] }),
} as const;
