import { CreateAuthSchema1764000000000 } from './lib/auth-schema.migration';
import { OAuthProtocolState1796004126464 } from './lib/oauth-state.migration';

export { DirectoryClient } from './lib/directory.client';
export type { CallContext, DirectoryClientOptions } from './lib/directory.client';
export { DirectoryClientSettings } from './lib/directory-client.settings';
export { MfaSessionRepository } from './lib/mfa-session.repository';
export type { MfaSession } from './lib/mfa-session.repository';
export { RefreshTokenRepository } from './lib/refresh-token.repository';
export type { FamilyRevocationReason, RefreshTokenFamily, StoredRefreshToken } from './lib/refresh-token.repository';
export { RevokedAccessTokenRepository, SeenJtiRepository } from './lib/seen-jti.repository';
export { SigningKeyRepository } from './lib/signing-key.repository';
export type { StoredSigningKey } from './lib/signing-key.repository';

/** auth-server's migrations, in order (schema `auth`). */
export const AUTH_MIGRATIONS = [CreateAuthSchema1764000000000, OAuthProtocolState1796004126464];
