import { Inject, Injectable } from '@nestjs/common';
import { authenticateClient, ClientCredentialSources, ClientRecord, clientAuthenticationOf, ClientRegistry } from '@sigma/auth/feature-clients';
import { CLOCK, Clock } from '@sigma/auth/feature-tokens';
import { isUuid, issuerOf } from '@sigma/shared/util-auth';
import { DomainError } from '@sigma/shared/util-errors';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, JSONWebKeySet, jwtVerify, JWTVerifyGetKey } from 'jose';
import { ReplayGuard } from '../dpop/replay-guard.service';
import { AUTH_OAUTH_OPTIONS, AuthOAuthOptions, publicUrlOf, underEveryPrefix } from '../oauth-options';
import { OAuthErrors } from '../oauth-errors';

/** Client assertion algorithms accepted (asymmetric only: never `none`, never HMAC). */
export const CLIENT_ASSERTION_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'EdDSA', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512'] as const;

/** An assertion may not live longer than this (it bounds how long its jti is remembered). */
const MAX_ASSERTION_LIFETIME_SECONDS = 600;
const CLOCK_TOLERANCE_SECONDS = 30;
const REMOTE_JWKS_CACHE_SIZE = 1000;
/**
 * Active clients are reused this long per replica: a deactivation (or any other change) applies within
 * it on every replica; a new secret applies at once, since a failed comparison looks the client up again.
 */
const CLIENT_CACHE_TTL_MS = 5000;
const CLIENT_CACHE_SIZE = 10000;

/** A client authenticated at an OAuth endpoint. */
export interface AuthenticatedClient {
  client: ClientRecord;
  /** The method it used (what RFC 9700 clients are held to). */
  method: ClientRecord['tokenEndpointAuthMethod'];
}

/**
 * Client authentication at the token, introspection, revocation and PAR endpoints: the registry's
 * secret methods and `none` (ADR 9), and `private_key_jwt` (RFC 7523 §3): an assertion whose iss and
 * sub are the client, audience the tenant's issuer or the endpoint, signed by a key of the client's
 * `jwks` / `jwks_uri` with an allowed asymmetric algorithm, unexpired and short-lived, and whose
 * jti was never used before. Every failure is invalid_client; a tenant named by the request must be
 * the client's.
 */
@Injectable()
export class OAuthClientAuthenticator {
  private readonly remoteKeySets = new Map<string, JWTVerifyGetKey>();
  private readonly clients = new Map<string, { client: ClientRecord; until: number }>();

  constructor(
    private readonly registry: ClientRegistry,
    private readonly replay: ReplayGuard,
    @Inject(AUTH_OAUTH_OPTIONS) private readonly options: AuthOAuthOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * @param tenantHint the `tenant_id` the request names, if any
   * @param endpoint the endpoint's name under the prefixes (`token`, `introspect`, ...), for assertion audiences
   * @param path the request path (an assertion may name the URL it was sent to)
   */
  async authenticate(sources: ClientCredentialSources, tenantHint: string | undefined, endpoint: string, path: string): Promise<AuthenticatedClient> {
    if (tenantHint !== undefined && !isUuid(tenantHint)) throw OAuthErrors.invalidRequest('tenant_id must be a UUID');
    const presented = clientAuthenticationOf(sources);
    if (presented.method !== 'private_key_jwt') {
      const cached = this.clients.has(presented.clientId);
      try {
        return { client: authenticateClient(await this.activeClient(tenantHint, presented.clientId), presented), method: presented.method };
      } catch (error) {
        if (!cached) throw error;
        // The cached record may predate a new secret or method: refuse only what the registry refuses now.
        this.clients.delete(presented.clientId);
        return { client: authenticateClient(await this.activeClient(tenantHint, presented.clientId), presented), method: presented.method };
      }
    }
    const client = await this.verifyAssertion(presented.clientAssertion, presented.clientId, tenantHint, endpoint, path);
    return { client, method: 'private_key_jwt' };
  }

  private async verifyAssertion(assertion: string, clientIdParam: string | undefined, tenantHint: string | undefined, endpoint: string, path: string): Promise<ClientRecord> {
    let unverified: ReturnType<typeof decodeJwt>;
    try {
      unverified = decodeJwt(assertion);
    } catch {
      throw OAuthErrors.invalidClient('the client assertion is not a JWT');
    }
    const clientId = unverified.iss;
    if (typeof clientId !== 'string' || unverified.sub !== clientId) throw OAuthErrors.invalidClient('the client assertion iss and sub must be the client_id');
    if (clientIdParam !== undefined && clientIdParam !== clientId) throw OAuthErrors.invalidClient('client_id differs from the client assertion');
    const client = await this.activeClient(tenantHint, clientId);
    if (!client || client.tokenEndpointAuthMethod !== 'private_key_jwt') throw OAuthErrors.invalidClient();

    const audiences = [
      issuerOf(this.options.publicUrl, client.tenantId),
      publicUrlOf(this.options.publicUrl, path),
      ...underEveryPrefix(endpoint).map((route) => publicUrlOf(this.options.publicUrl, `/${route}`)),
    ];
    let payload: Record<string, unknown>;
    try {
      payload = (
        await jwtVerify(assertion, this.keysOf(client), {
          algorithms: [...CLIENT_ASSERTION_ALGORITHMS],
          issuer: clientId,
          subject: clientId,
          audience: audiences,
          requiredClaims: ['exp', 'jti'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: this.clock(),
        })
      ).payload;
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw OAuthErrors.invalidClient('the client assertion is invalid');
    }
    const nowSeconds = Math.floor(this.clock().getTime() / 1000);
    const exp = payload['exp'] as number;
    if (exp - nowSeconds > MAX_ASSERTION_LIFETIME_SECONDS) throw OAuthErrors.invalidClient(`the client assertion must expire within ${MAX_ASSERTION_LIFETIME_SECONDS} seconds`);
    const jti = payload['jti'];
    if (typeof jti !== 'string' || jti === '') throw OAuthErrors.invalidClient('the client assertion needs a jti');
    if (!(await this.replay.firstUse(`client_assertion:${client.clientId}`, jti, new Date((exp + CLOCK_TOLERANCE_SECONDS) * 1000)))) {
      throw OAuthErrors.invalidClient('the client assertion was used before');
    }
    return client;
  }

  /**
   * The active client a client_id names, of the hinted tenant if one is named. Active clients are
   * cached briefly (the token endpoint's hot path, ADR 11); unknown or inactive ones are always
   * looked up, so the cache holds only registered clients.
   */
  private async activeClient(tenantHint: string | undefined, clientId: string): Promise<ClientRecord | undefined> {
    const now = this.clock().getTime();
    const cached = this.clients.get(clientId);
    let client = cached && cached.until > now ? cached.client : undefined;
    if (!client) {
      client = await this.registry.findActiveByClientId(undefined, clientId);
      if (client) {
        this.clients.delete(clientId);
        if (this.clients.size >= CLIENT_CACHE_SIZE) this.clients.delete(this.clients.keys().next().value as string);
        this.clients.set(clientId, { client, until: now + CLIENT_CACHE_TTL_MS });
      }
    }
    return client && (tenantHint === undefined || client.tenantId === tenantHint.toLowerCase()) ? client : undefined;
  }

  private keysOf(client: ClientRecord): JWTVerifyGetKey {
    if (client.jwks) return createLocalJWKSet(client.jwks as JSONWebKeySet);
    if (!client.jwksUri) throw OAuthErrors.invalidClient('the client has no keys registered');
    const cacheKey = `${client.clientId} ${client.jwksUri}`;
    let keySet = this.remoteKeySets.get(cacheKey);
    if (!keySet) {
      keySet = createRemoteJWKSet(new URL(client.jwksUri), { timeoutDuration: 5000, cooldownDuration: 30000, cacheMaxAge: 600000 });
      if (this.remoteKeySets.size >= REMOTE_JWKS_CACHE_SIZE) this.remoteKeySets.delete(this.remoteKeySets.keys().next().value as string);
      this.remoteKeySets.set(cacheKey, keySet);
    }
    return keySet;
  }
}
