import { CreateAuthSchema1764000000000 } from './lib/auth-schema.migration';
import { OAuthProtocolState1796004126464 } from './lib/oauth-state.migration';
import { WebauthnChallenges1796004262193 } from './lib/webauthn-challenges.migration';
import { ContextualTokens1796004342380 } from './lib/contextual-tokens.migration';
import { SessionRevocationSync1796004695382 } from './lib/session-revocation-sync.migration';

export { ContextualTokenRepository } from './lib/contextual-token.repository';
export type { ContextualTokenRecord } from './lib/contextual-token.repository';
export { DirectoryClient } from './lib/directory.client';
export type { CallContext, DirectoryClientOptions } from './lib/directory.client';
export { MfaSessionRepository } from './lib/mfa-session.repository';
export type { MfaSession } from './lib/mfa-session.repository';
export { SessionClient, sessionServiceUnavailable } from './lib/session.client';
export type { SessionClientOptions } from './lib/session.client';
export { SessionClientSettings } from './lib/session-client.settings';
export { RefreshTokenRepository } from './lib/refresh-token.repository';
export type { FamilyRevocationReason, PendingSessionRevocation, RefreshTokenFamily, StoredRefreshToken } from './lib/refresh-token.repository';
export { RevokedAccessTokenRepository, SeenJtiRepository } from './lib/seen-jti.repository';
export { SigningKeyRepository } from './lib/signing-key.repository';
export type { StoredSigningKey } from './lib/signing-key.repository';

export { WebauthnChallengeRepository } from './lib/webauthn-challenge.repository';
export type { WebauthnCeremony, WebauthnChallenge } from './lib/webauthn-challenge.repository';
export { WebauthnChallenges1796004262193 } from './lib/webauthn-challenges.migration';

/** auth-server's migrations, in order (schema `auth`). */
export const AUTH_MIGRATIONS = [CreateAuthSchema1764000000000, OAuthProtocolState1796004126464, ContextualTokens1796004342380, SessionRevocationSync1796004695382];

/** The passkey ceremonies' table (schema `auth`), after AUTH_MIGRATIONS. */
export const WEBAUTHN_MIGRATIONS = [WebauthnChallenges1796004262193];
export { SubjectDataRepository } from './lib/subject-data.repository';
