import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { createLocalJWKSet, decodeJwt, errors, JSONWebKeySet, jwtVerify, JWTVerifyGetKey } from 'jose';
import { ACCESS_TOKEN_TYPE, AccessTokenClaims, API_AUDIENCE, isUuid, issuerOf, SIGNING_ALGORITHMS } from './access-token';

/** Who is calling, as a verified access token says. */
export interface Caller {
  tenantId: string;
  /** Present for tokens issued to a user; absent for client_credentials tokens. */
  userId?: string;
  clientId: string;
  sessionId?: string;
  tokenId: string;
  scopes: string[];
  roles: string[];
  permissions: string[];
  expiresAt: Date;
  /** When the token was issued (`iat`); always set by the verifier. */
  issuedAt?: Date;
  /** The DPoP key thumbprint a bound token carries. */
  jkt?: string;
}

export interface AccessTokenVerifierOptions {
  /** The public base URL issuers are derived from (see issuerOf). */
  publicUrl: string;
  /** Where a tenant's JWKS is fetched from (auth-server's internal address). */
  jwksUrl(tenantId: string): string;
  audience?: string;
  clockToleranceSeconds?: number;
  /** How long a fetched key set is trusted before it is fetched again. */
  keySetTtlMs?: number;
  /** Unknown key ids refetch the set at most this often per tenant (rotation without hammering). */
  refetchCooldownMs?: number;
  fetch?: typeof fetch;
}

interface CachedKeySet {
  getKey: JWTVerifyGetKey;
  fetchedAt: number;
}

const MAX_CACHED_TENANTS = 1000;

/**
 * Verifies access tokens offline against each tenant's published keys: signature (ES256 or EdDSA
 * only, never `none` or HMAC), `typ: at+jwt`, issuer of the tenant the token names, audience,
 * expiry. Key sets are cached per tenant and refetched when they age or a token names an unknown key.
 */
export class AccessTokenVerifier {
  private readonly keySets = new Map<string, CachedKeySet>();
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: AccessTokenVerifierOptions) {
    this.fetchImpl = options.fetch ?? fetch;
  }

  async verify(token: string): Promise<Caller> {
    let tenantId: unknown;
    try {
      tenantId = decodeJwt(token)['tid'];
    } catch {
      throw invalid('the access token is not a JWT');
    }
    if (!isUuid(tenantId)) throw invalid('the access token names no tenant');
    const claims = await this.verifyWithTenantKeys(token, tenantId);
    return callerOf(claims);
  }

  private async verifyWithTenantKeys(token: string, tenantId: string): Promise<AccessTokenClaims> {
    const options = {
      issuer: issuerOf(this.options.publicUrl, tenantId),
      audience: this.options.audience ?? API_AUDIENCE,
      typ: ACCESS_TOKEN_TYPE,
      algorithms: [...SIGNING_ALGORITHMS],
      clockTolerance: this.options.clockToleranceSeconds ?? 5,
      requiredClaims: ['exp', 'iat', 'sub', 'jti', 'client_id', 'tid'],
    };
    let keySet = await this.keySetOf(tenantId, false);
    try {
      return (await jwtVerify<AccessTokenClaims>(token, keySet.getKey, options)).payload;
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw describeVerificationError(error);
    }
    // A key this verifier has not seen yet: the tenant may have rotated its keys.
    keySet = await this.keySetOf(tenantId, true);
    try {
      return (await jwtVerify<AccessTokenClaims>(token, keySet.getKey, options)).payload;
    } catch (error) {
      throw describeVerificationError(error);
    }
  }

  private async keySetOf(tenantId: string, unknownKey: boolean): Promise<CachedKeySet> {
    const cached = this.keySets.get(tenantId);
    const now = Date.now();
    const fresh = cached && now - cached.fetchedAt < (this.options.keySetTtlMs ?? 300000);
    const cooling = cached && now - cached.fetchedAt < (this.options.refetchCooldownMs ?? 30000);
    if (cached && ((fresh && !unknownKey) || cooling)) return cached;
    const keySet = { getKey: createLocalJWKSet(await this.fetchKeySet(tenantId)), fetchedAt: now };
    this.keySets.delete(tenantId);
    if (this.keySets.size >= MAX_CACHED_TENANTS) this.keySets.delete(this.keySets.keys().next().value as string);
    this.keySets.set(tenantId, keySet);
    return keySet;
  }

  private async fetchKeySet(tenantId: string): Promise<JSONWebKeySet> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.options.jwksUrl(tenantId), { signal: AbortSignal.timeout(5000), headers: { accept: 'application/json' } });
    } catch (error) {
      throw new DomainError(ErrorKind.UNAVAILABLE, 'the token signing keys cannot be fetched right now', { retryAfterSeconds: 5, cause: error });
    }
    if (response.status >= 500) {
      await response.body?.cancel();
      throw new DomainError(ErrorKind.UNAVAILABLE, 'the token signing keys cannot be fetched right now', { retryAfterSeconds: 5 });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw invalid('the access token names an unknown tenant');
    }
    const body = (await response.json()) as JSONWebKeySet;
    if (!body || !Array.isArray(body.keys)) throw new DomainError(ErrorKind.UNAVAILABLE, 'the token signing keys are malformed', { retryAfterSeconds: 5 });
    return body;
  }
}

function invalid(message: string): DomainError {
  return new DomainError(ErrorKind.INVALID_TOKEN, message, { oauthError: 'invalid_token' });
}

function describeVerificationError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof errors.JWTExpired) return new DomainError(ErrorKind.TOKEN_EXPIRED, 'the access token has expired', { oauthError: 'invalid_token' });
  if (error instanceof errors.JWTClaimValidationFailed) return invalid(`the access token's ${error.claim} claim is not acceptable`);
  if (error instanceof errors.JOSEAlgNotAllowed) return invalid('the access token is signed with an algorithm that is not accepted');
  return invalid('the access token is invalid');
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function callerOf(claims: AccessTokenClaims): Caller {
  return {
    tenantId: claims.tid,
    userId: claims.sub === claims.client_id ? undefined : claims.sub,
    clientId: claims.client_id,
    sessionId: typeof claims.sid === 'string' ? claims.sid : undefined,
    tokenId: claims.jti,
    scopes: typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [],
    roles: stringList(claims.roles),
    permissions: stringList(claims.permissions),
    expiresAt: new Date(claims.exp * 1000),
    issuedAt: new Date(claims.iat * 1000),
    jkt: typeof claims.cnf?.jkt === 'string' ? claims.cnf.jkt : undefined,
  };
}
