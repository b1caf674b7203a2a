import { Inject, Injectable } from '@nestjs/common';
import type { CallContext } from '@sigma/auth/data-access';
import type { ClientRecord } from '@sigma/auth/data-access-clients';
import { type SsoFlow, type SsoLoginState, SsoLoginRepository, type SsoProviderRecord, SsoProviderRepository } from '@sigma/auth/data-access-federation';
import { recordSignIn } from '@sigma/auth/feature-clients';
import { LoginCompletionService, type LoginResponse } from '@sigma/auth/feature-tokens';
import type { IdentityClaims, TenantResponse } from '@sigma/shared/contracts-internal';
import { hashToken, randomToken } from '@sigma/shared/util-crypto';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import * as oidc from 'openid-client';
import { DataSource } from 'typeorm';
import { FEDERATION_OPTIONS, type FederationOptions, LOGIN_STATE_TTL_SECONDS } from '../federation.options';
import { UpstreamClientService } from '../upstream/upstream-client.service';
import type { UpstreamIdentity } from '../upstream/upstream-identity';

/** Tokens of a federated sign-in carry what direct logins carry. */
export const FEDERATED_SCOPE = 'openid profile email';

export interface SignInStart {
  tenant: TenantResponse;
  providerKey: string;
  /** How the request named the provider (`provider`), for field errors. */
  providerField: string;
  client: ClientRecord;
  flow: SsoFlow;
  /** The redirect_uri sent upstream. */
  redirectUri: string;
  appRedirectUri?: string;
  appState?: string;
  appCodeChallenge?: string;
  /** authorize: the pending OAuth authorization this sign-in finishes. */
  loginChallenge?: string;
}

export interface FinishedSignIn {
  state: SsoLoginState;
  provider: SsoProviderRecord;
  identity: UpstreamIdentity;
  claims: IdentityClaims;
}

function unknownState(field: string): DomainError {
  return new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: [{ field, message: 'is unknown, expired or already used' }] });
}

/**
 * The two halves of a sign-in through an upstream provider: `start` stores the pending
 * authorization (state and nonce random, 256 bits; the PKCE verifier sealed) and answers the
 * provider's authorization URL; `finish` takes it (single use, 10 minutes), lets openid-client
 * redeem the code with every check, and asks the directory which user the identity is.
 */
@Injectable()
export class FederatedSignInService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly upstream: UpstreamClientService,
    private readonly completion: LoginCompletionService,
    @Inject(FEDERATION_OPTIONS) private readonly options: FederationOptions,
  ) {}

  /** The tenant's enabled provider of that name, or 400 naming the field. */
  async enabledProvider(tenantId: string, key: string, field: string): Promise<SsoProviderRecord> {
    const provider = /^[a-z0-9][a-z0-9-]{0,62}$/.test(key) ? await new SsoProviderRepository(this.dataSource.manager).findByKey(tenantId, key) : undefined;
    if (!provider?.enabled) {
      throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: [{ field, message: 'names no enabled provider of the tenant' }] });
    }
    return provider;
  }

  async start(input: SignInStart): Promise<{ authUrl: URL; state: string; provider: SsoProviderRecord }> {
    const provider = await this.enabledProvider(input.tenant.id, input.providerKey, input.providerField);
    const state = randomToken();
    const stateHash = hashToken(state);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const nonce = provider.type === 'oidc' ? randomToken() : undefined;
    const authUrl = await this.upstream.authorizationUrl(provider, input.redirectUri, { state, codeVerifier, nonce });
    const now = new Date();
    await new SsoLoginRepository(this.dataSource.manager).saveState({
      stateHash,
      tenantId: input.tenant.id,
      providerId: provider.id,
      flow: input.flow,
      clientId: input.client.clientId,
      redirectUri: input.redirectUri,
      appRedirectUri: input.appRedirectUri ?? null,
      appState: input.appState ?? null,
      appCodeChallenge: input.appCodeChallenge ?? null,
      codeVerifierSealed: this.options.secretBox.seal(codeVerifier, verifierContextOf(stateHash)),
      nonce: nonce ?? null,
      loginChallengeSealed: input.loginChallenge === undefined ? null : this.options.secretBox.seal(input.loginChallenge, challengeContextOf(stateHash)),
      createdAt: now,
      expiresAt: new Date(now.getTime() + LOGIN_STATE_TTL_SECONDS * 1000),
    });
    return { authUrl, state, provider };
  }

  /** Takes the pending sign-in a state names: gone afterwards, so a replayed state fails. 400 naming `field` when unknown, expired or of another flow. */
  async takeState(state: string, flows: readonly SsoFlow[], field: string): Promise<SsoLoginState> {
    const pending = state.length > 0 && state.length <= 512 ? await new SsoLoginRepository(this.dataSource.manager).takeState(hashToken(state), new Date()) : undefined;
    if (!pending || !flows.includes(pending.flow)) throw unknownState(field);
    return pending;
  }

  /** The login challenge of a sign-in started from the login page. */
  loginChallengeOf(pending: SsoLoginState): string | undefined {
    if (pending.loginChallengeSealed === null) return undefined;
    return this.options.secretBox.open(pending.loginChallengeSealed, challengeContextOf(pending.stateHash)).toString('utf8');
  }

  /**
   * Redeems the upstream's answer for a pending sign-in and resolves the user: linked before,
   * linked now by verified email (when the provider allows it), or created (when sign-up is allowed).
   */
  async finish(pending: SsoLoginState, callbackUrl: URL, state: string, context: CallContext): Promise<FinishedSignIn> {
    const provider = await new SsoProviderRepository(this.dataSource.manager).findById(pending.tenantId, pending.providerId);
    if (!provider?.enabled) throw new DomainError(ErrorKind.INVALID_CREDENTIALS, 'the provider is no longer enabled', { oauthError: 'access_denied' });
    const codeVerifier = this.options.secretBox.open(pending.codeVerifierSealed, verifierContextOf(pending.stateHash)).toString('utf8');
    const identity = await this.upstream.identityOf(provider, callbackUrl, { state, codeVerifier, nonce: pending.nonce ?? undefined });
    if (provider.requireEmailVerified && !identity.emailVerified) {
      throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'the provider did not verify the email address', { oauthError: 'access_denied' });
    }
    const { user } = await this.options.directory.federatedLogin(
      {
        tenant_id: pending.tenantId,
        issuer: identity.issuer,
        subject: identity.subject,
        provider: provider.key,
        email: identity.email,
        email_verified: identity.emailVerified,
        first_name: identity.firstName,
        last_name: identity.lastName,
        link_by_email: provider.autoLinkByEmail,
        allow_signup: provider.allowSignup,
      },
      context,
    );
    return { state: pending, provider, identity, claims: user };
  }

  /** A session and tokens for the signed-in user at the client; counts the sign-in for the provider's and the client's statistics. */
  async complete(finished: { claims: IdentityClaims; providerId: string; clientId: string; amr: string[] }, context: CallContext): Promise<LoginResponse> {
    const response = await this.completion.complete(finished.claims, { clientId: finished.clientId, scope: FEDERATED_SCOPE, amr: finished.amr }, context);
    await this.dataSource.transaction(async (manager) => {
      await new SsoProviderRepository(manager).recordLogin(finished.providerId, new Date());
      await recordSignIn(manager, { tenantId: finished.claims.tenant_id, clientId: finished.clientId, userId: finished.claims.user_id });
    });
    return response;
  }
}

/** The login challenge of a pending sign-in opens only for that sign-in. */
function challengeContextOf(stateHash: string): string {
  return `sso-challenge:${stateHash}`;
}

/** The PKCE verifier of a pending sign-in opens only for that sign-in. */
function verifierContextOf(stateHash: string): string {
  return `sso-state:${stateHash}`;
}
