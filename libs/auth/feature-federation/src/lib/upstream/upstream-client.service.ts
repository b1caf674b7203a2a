import { Inject, Injectable } from '@nestjs/common';
import { clientSecretContextOf, type SsoProviderRecord } from '@sigma/auth/data-access-federation';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { LOGGER, type Logger } from '@sigma/shared/util-http';
import * as oidc from 'openid-client';
import { FEDERATION_OPTIONS, type FederationOptions } from '../federation.options';
import { isLoopbackHost } from '../providers/provider-settings';
import { identityOfClaims, type UpstreamIdentity } from './upstream-identity';

/** Discovered provider metadata is reused this long (a changed provider configuration is seen at once). */
const METADATA_TTL_MS = 3600_000;
/** Seconds an upstream call may take. */
const UPSTREAM_TIMEOUT_SECONDS = 10;
const MAX_CACHED = 500;

interface CachedConfiguration {
  version: number;
  until: number;
  configuration: Promise<oidc.Configuration>;
}

/** The upstream authorization request's secrets, kept server-side with the state. */
export interface UpstreamChecks {
  state: string;
  codeVerifier: string;
  /** OpenID Connect providers only. */
  nonce?: string;
}

function upstreamFailure(message: string, cause: unknown): DomainError {
  return new DomainError(ErrorKind.BAD_GATEWAY, message, { cause, oauthError: 'temporarily_unavailable' });
}

function refused(message: string, cause?: unknown): DomainError {
  return new DomainError(ErrorKind.INVALID_CREDENTIALS, message, { cause, oauthError: 'access_denied' });
}

/**
 * Talks to upstream providers with openid-client: builds authorization URLs (state, PKCE S256,
 * nonce for OpenID Connect), exchanges codes (state, PKCE, ID token signature, issuer, audience,
 * nonce and expiry checked by openid-client), and reads the identity from the ID token and user
 * info, or, for plain OAuth 2.0 providers, from user info (and GitHub-style email lists). Plain
 * http is allowed only toward loopback hosts.
 */
@Injectable()
export class UpstreamClientService {
  private readonly configurations = new Map<string, CachedConfiguration>();

  constructor(
    @Inject(FEDERATION_OPTIONS) private readonly options: FederationOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async authorizationUrl(provider: SsoProviderRecord, redirectUri: string, checks: UpstreamChecks): Promise<URL> {
    const configuration = await this.configurationOf(provider);
    const parameters: Record<string, string> = {
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: provider.scopes.join(' '),
      state: checks.state,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    };
    if (checks.nonce !== undefined) parameters['nonce'] = checks.nonce;
    return oidc.buildAuthorizationUrl(configuration, parameters);
  }

  /**
   * Redeems the upstream's authorization response (the callback URL with code, state and, when the
   * provider sends it, iss) and answers who signed in. Refusals by the provider and failed checks
   * are INVALID_CREDENTIALS; an unreachable or failing provider is BAD_GATEWAY.
   */
  async identityOf(provider: SsoProviderRecord, callbackUrl: URL, checks: UpstreamChecks): Promise<UpstreamIdentity> {
    const configuration = await this.configurationOf(provider);
    const metadata = configuration.serverMetadata();
    if (metadata.authorization_response_iss_parameter_supported === true && !callbackUrl.searchParams.has('iss')) {
      // Seed 002's POST carries no iss; the state is bound to this one provider, which is the mix-up defence there (RFC 9700 §4.4.2).
      callbackUrl.searchParams.set('iss', metadata.issuer);
    }
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: provider.type === 'oidc',
      });
    } catch (error) {
      throw this.failureOf(provider, error, 'the provider did not accept the sign-in');
    }
    if (provider.type === 'oidc') {
      const idClaims = tokens.claims();
      if (!idClaims) throw refused('the provider answered no ID token');
      let claims: Record<string, unknown> = { ...idClaims };
      if (metadata.userinfo_endpoint !== undefined) {
        try {
          const userInfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
          // The ID token's verified claims win over user info's.
          claims = { ...userInfo, ...idClaims };
        } catch (error) {
          throw this.failureOf(provider, error, 'the provider\'s user info could not be read');
        }
      }
      return this.identityOrRefuse(claims, provider, idClaims.iss);
    }
    const userInfoUrl = provider.endpoints.userInfoUrl;
    if (userInfoUrl === undefined) throw refused('the provider has no user-info endpoint');
    const claims = await this.readJson(provider, configuration, tokens.access_token, userInfoUrl);
    if (provider.endpoints.emailsUrl !== undefined) Object.assign(claims, await this.verifiedPrimaryEmail(provider, configuration, tokens.access_token, provider.endpoints.emailsUrl));
    return this.identityOrRefuse(claims, provider, userInfoUrl);
  }

  private identityOrRefuse(claims: Record<string, unknown>, provider: SsoProviderRecord, issuer: string): UpstreamIdentity {
    const identity = identityOfClaims(claims, provider.claims, issuer);
    if (!identity) throw refused(`the provider's answer has no subject (${provider.claims.subject})`);
    return identity;
  }

  private async readJson(provider: SsoProviderRecord, configuration: oidc.Configuration, accessToken: string, url: string): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await oidc.fetchProtectedResource(configuration, accessToken, new URL(url), 'GET', undefined, new Headers({ accept: 'application/json' }));
    } catch (error) {
      throw this.failureOf(provider, error, 'the provider\'s user info could not be read');
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok || body === null || typeof body !== 'object') throw upstreamFailure('the provider\'s user info could not be read', `HTTP ${response.status}`);
    return body as Record<string, unknown>;
  }

  /** GitHub-style `[{email, primary, verified}]`: the primary address and whether it is verified. */
  private async verifiedPrimaryEmail(provider: SsoProviderRecord, configuration: oidc.Configuration, accessToken: string, url: string): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await oidc.fetchProtectedResource(configuration, accessToken, new URL(url), 'GET', undefined, new Headers({ accept: 'application/json' }));
    } catch (error) {
      throw this.failureOf(provider, error, 'the provider\'s email addresses could not be read');
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok || !Array.isArray(body)) return {};
    const primary = body.find((entry: unknown): entry is { email: string; verified?: unknown } => typeof entry === 'object' && entry !== null && (entry as { primary?: unknown }).primary === true && typeof (entry as { email?: unknown }).email === 'string');
    if (!primary) return {};
    const emailField = provider.claims.email;
    const verifiedField = provider.claims.emailVerified ?? 'email_verified';
    return { [emailField]: primary.email, [verifiedField]: primary.verified === true };
  }

  private failureOf(provider: SsoProviderRecord, error: unknown, message: string): DomainError {
    if (error instanceof DomainError) return error;
    const name = error instanceof Error ? error.name : 'unknown';
    const code = (error as { code?: unknown }).code;
    const status = (error as { status?: unknown }).status;
    this.logger.warn({ provider: provider.key, tenant_id: provider.tenantId, error_name: name, error_code: typeof code === 'string' ? code : undefined, status }, message);
    if (name === 'ResponseBodyError' && typeof status === 'number' && status >= 500) return upstreamFailure(message, error);
    if (name === 'ResponseBodyError' || name === 'AuthorizationResponseError' || name === 'WWWAuthenticateChallengeError') return refused(message, error);
    if (name === 'ClientError' && typeof code === 'string' && code.startsWith('OAUTH_') && code !== 'OAUTH_RESPONSE_IS_NOT_CONFORM' && code !== 'OAUTH_RESPONSE_IS_NOT_JSON') {
      return refused(message, error);
    }
    return upstreamFailure(message, error);
  }

  /** The provider's openid-client configuration: from its stored endpoints, or discovered (cached per provider version). */
  private configurationOf(provider: SsoProviderRecord): Promise<oidc.Configuration> {
    const now = Date.now();
    const version = provider.updatedAt.getTime();
    const cached = this.configurations.get(provider.id);
    if (cached && cached.version === version && cached.until > now) return cached.configuration;
    const configuration = this.createConfiguration(provider);
    this.configurations.delete(provider.id);
    if (this.configurations.size >= MAX_CACHED) this.configurations.delete(this.configurations.keys().next().value as string);
    this.configurations.set(provider.id, { version, until: now + METADATA_TTL_MS, configuration });
    configuration.catch(() => this.configurations.delete(provider.id));
    return configuration;
  }

  private async createConfiguration(provider: SsoProviderRecord): Promise<oidc.Configuration> {
    const authentication = this.clientAuthenticationOf(provider);
    const endpoints = provider.endpoints;
    const urls = Object.values(endpoints).filter((value): value is string => typeof value === 'string');
    const insecure = urls.some((url) => new URL(url).protocol === 'http:' && isLoopbackHost(new URL(url).hostname));
    const execute = insecure ? [oidc.allowInsecureRequests] : [];
    const staticallyKnown = endpoints.discoveryUrl === undefined && endpoints.authUrl !== undefined && endpoints.tokenUrl !== undefined && (provider.type === 'oauth2' || endpoints.jwksUri !== undefined);
    let configuration: oidc.Configuration;
    if (staticallyKnown) {
      const server: oidc.ServerMetadata = {
        issuer: endpoints.issuer ?? new URL(endpoints.authUrl ?? '').origin,
        authorization_endpoint: endpoints.authUrl,
        token_endpoint: endpoints.tokenUrl,
        userinfo_endpoint: provider.type === 'oidc' ? endpoints.userInfoUrl : undefined,
        jwks_uri: endpoints.jwksUri,
      };
      configuration = new oidc.Configuration(server, provider.clientId, undefined, authentication);
      for (const step of execute) step(configuration);
    } else {
      const discoveryUrl = endpoints.discoveryUrl ?? endpoints.issuer;
      if (discoveryUrl === undefined) throw refused('the provider has neither endpoints nor an issuer to discover them from');
      try {
        configuration = await oidc.discovery(new URL(discoveryUrl), provider.clientId, undefined, authentication, { execute, timeout: UPSTREAM_TIMEOUT_SECONDS });
      } catch (error) {
        throw this.failureOf(provider, error, 'the provider\'s discovery document could not be read');
      }
    }
    configuration.timeout = UPSTREAM_TIMEOUT_SECONDS;
    return configuration;
  }

  private clientAuthenticationOf(provider: SsoProviderRecord): oidc.ClientAuth {
    if (provider.tokenEndpointAuthMethod === 'none' || provider.clientSecretSealed === null) return oidc.None();
    let secret: string;
    try {
      secret = this.options.secretBox.open(provider.clientSecretSealed, clientSecretContextOf(provider.tenantId, provider.id)).toString('utf8');
    } catch (error) {
      this.logger.error({ provider: provider.key, tenant_id: provider.tenantId }, 'a stored upstream client secret does not open (SECRETS_ENCRYPTION_KEY changed?)');
      throw new DomainError(ErrorKind.INTERNAL, 'the provider\'s client secret cannot be read', { cause: error });
    }
    return provider.tokenEndpointAuthMethod === 'client_secret_post' ? oidc.ClientSecretPost(secret) : oidc.ClientSecretBasic(secret);
  }
}
