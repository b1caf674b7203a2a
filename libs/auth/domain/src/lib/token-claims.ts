import type { AccessTokenClaims } from '@sigma/shared/util-auth';

/** The `typ` header of OpenID Connect ID tokens. */
export const ID_TOKEN_TYPE = 'JWT';

/** Scopes a direct login grants: the OpenID Connect identity scopes. */
export const DIRECT_LOGIN_SCOPE = 'openid profile email';

/** Who the tokens are about and what they allow, independent of how the user signed in. */
export interface TokenSubject {
  tenantId: string;
  userId: string;
  username: string;
  email: string;
  emailVerified: boolean;
  firstName: string | null;
  lastName: string | null;
  roles: string[];
  permissions: string[];
}

/** The grant the tokens belong to: client, session, scope and how the user authenticated. */
export interface TokenGrant {
  clientId: string;
  /** The login session (today the refresh-token family id). */
  sessionId: string;
  scope: string;
  /** When the user authenticated (seconds since the epoch). */
  authTime: number;
  /** RFC 8176 authentication method references (`pwd`, `otp`, `mfa`). */
  amr: string[];
}

export interface TokenTiming {
  issuer: string;
  /** Seconds since the epoch. */
  issuedAt: number;
  lifetimeSeconds: number;
}

/** RFC 9068 access-token claims for the suite's APIs (`aud` includes API_AUDIENCE). */
export function accessTokenClaimsOf(subject: TokenSubject, grant: TokenGrant, timing: TokenTiming, audience: string[], jti: string): AccessTokenClaims {
  return {
    iss: timing.issuer,
    sub: subject.userId,
    aud: audience.length === 1 ? audience[0] : audience,
    exp: timing.issuedAt + timing.lifetimeSeconds,
    iat: timing.issuedAt,
    jti,
    client_id: grant.clientId,
    tid: subject.tenantId,
    sid: grant.sessionId,
    scope: grant.scope,
    auth_time: grant.authTime,
    roles: [...subject.roles],
    permissions: [...subject.permissions],
  };
}

export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  iat: number;
  auth_time: number;
  amr: string[];
  sid: string;
  tid: string;
  [claim: string]: unknown;
}

function hasScope(scope: string, wanted: string): boolean {
  return scope.split(' ').includes(wanted);
}

function fullNameOf(subject: TokenSubject): string | undefined {
  const name = [subject.firstName, subject.lastName].filter((part): part is string => !!part && part.trim().length > 0).join(' ');
  return name.length > 0 ? name : undefined;
}

/**
 * OpenID Connect ID-token claims (Core §2): `aud` is the client, with `auth_time` and `amr`, and
 * the standard profile and email claims the granted scope covers.
 */
export function idTokenClaimsOf(subject: TokenSubject, grant: TokenGrant, timing: TokenTiming): IdTokenClaims {
  const claims: IdTokenClaims = {
    iss: timing.issuer,
    sub: subject.userId,
    aud: grant.clientId,
    exp: timing.issuedAt + timing.lifetimeSeconds,
    iat: timing.issuedAt,
    auth_time: grant.authTime,
    amr: [...grant.amr],
    sid: grant.sessionId,
    tid: subject.tenantId,
  };
  if (hasScope(grant.scope, 'profile')) {
    claims['preferred_username'] = subject.username;
    const name = fullNameOf(subject);
    if (name !== undefined) claims['name'] = name;
    if (subject.firstName) claims['given_name'] = subject.firstName;
    if (subject.lastName) claims['family_name'] = subject.lastName;
  }
  if (hasScope(grant.scope, 'email')) {
    claims['email'] = subject.email;
    claims['email_verified'] = subject.emailVerified;
  }
  return claims;
}
