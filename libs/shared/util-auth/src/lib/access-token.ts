/**
 * The access-token contract between auth-server (which signs) and every service and the gateway
 * (which verify): RFC 9068 JWTs (`typ: at+jwt`), ES256 by default or EdDSA, one issuer and key set
 * per tenant (ARCHITECTURE.md).
 */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

export const SIGNING_ALGORITHMS = ['ES256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** The audience of tokens meant for the suite's own APIs (admin, directory, sessions, privacy). */
export const API_AUDIENCE = 'urn:sigma-iam:api';

export interface AccessTokenClaims {
  iss: string;
  /** The user id, or the client id for client_credentials tokens (RFC 9068 §2.2). */
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  /** Tenant id. */
  tid: string;
  /** Session id, for tokens issued to a user's login session. */
  sid?: string;
  scope?: string;
  auth_time?: number;
  roles?: string[];
  permissions?: string[];
  /** DPoP binding (RFC 9449): the SHA-256 thumbprint of the client's proof key. */
  cnf?: { jkt: string };
}

/**
 * The issuer identifier of a tenant: `<public URL>/oauth/tenants/<tenant id>`. It lives under the
 * gateway's `/oauth` family, so the standard discovery location derived from it
 * (`<issuer>/.well-known/openid-configuration`) is routable, next to the seed's
 * `/.well-known/openid-configuration?tenant_id=`.
 */
export function issuerOf(publicUrl: string, tenantId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/oauth/tenants/${tenantId}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
