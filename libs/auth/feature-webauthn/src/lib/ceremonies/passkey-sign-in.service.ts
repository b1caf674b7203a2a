import { Inject, Injectable } from '@nestjs/common';
import type { CallContext } from '@sigma/auth/data-access';
import { AuthErrors, DIRECT_LOGIN_SCOPE, FIRST_PARTY_CLIENT_ID, resolveDirectLoginClient } from '@sigma/auth/domain';
import { AUTH_TOKENS_OPTIONS, AuthTokensOptions, LoginCompletionService, LoginResponse, TenantLookupService } from '@sigma/auth/feature-tokens';
import type { IdentityClaims, WebauthnCredentialResponse } from '@sigma/shared/contracts-internal';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { LOGGER, Logger } from '@sigma/shared/util-http';
import { AuthenticationResponseJSON, generateAuthenticationOptions, PublicKeyCredentialRequestOptionsJSON, verifyAuthenticationResponse } from '@simplewebauthn/server';
import { WebauthnErrors } from '../webauthn.errors';
import { WEBAUTHN_OPTIONS, WebauthnOptions } from '../webauthn.options';
import { decoyCredentialIdOf } from './decoy-credentials';
import { passkeyAmrOf, userHandleOf } from './user-handle';
import { WebauthnChallengeService } from './webauthn-challenge.service';
import { AssertionOptionsRequest, AssertionResponseRequest } from './webauthn.request.dto';

/** The transports answered with a decoy credential: what a platform passkey usually reports. */
const DECOY_TRANSPORTS = ['internal', 'hybrid'] as const;

/**
 * Signing in with a passkey. Options name the user's passkeys (a username that has none, or does
 * not exist, gets a stable decoy, so the answer does not tell who has an account) or, without a
 * username, let any discoverable passkey of the tenant answer. The result is verified against the
 * stored public key, origin, RP ID, user verification and the challenge; the directory raises the
 * signature counter atomically; then the login completes like every other (session and tokens).
 */
@Injectable()
export class PasskeySignInService {
  constructor(
    private readonly challenges: WebauthnChallengeService,
    private readonly tenants: TenantLookupService,
    private readonly completion: LoginCompletionService,
    @Inject(WEBAUTHN_OPTIONS) private readonly webauthn: WebauthnOptions,
    @Inject(AUTH_TOKENS_OPTIONS) private readonly tokens: AuthTokensOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async requestOptions(request: AssertionOptionsRequest, context: CallContext): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const clientId = resolveDirectLoginClient(request.client_id);
    const tenant = await this.tenants.resolve(request.tenant_id, context);
    const username = request.username?.trim();
    let userId: string | null = null;
    let allowCredentials: Array<{ id: string; transports?: string[] }> = [];
    if (username !== undefined) {
      const known = await this.tokens.directory.webauthnCredentialsOf(tenant.id, { username }, context);
      userId = known.user_id;
      allowCredentials =
        known.credentials.length > 0
          ? known.credentials.map((credential) => ({ id: credential.credential_id, transports: credential.transports }))
          : [{ id: decoyCredentialIdOf(this.webauthn.decoyKey, tenant.id, username), transports: [...DECOY_TRANSPORTS] }];
    }
    const rp = this.webauthn.relyingParty;
    const options = await generateAuthenticationOptions({
      rpID: rp.id,
      allowCredentials,
      userVerification: 'required',
      timeout: rp.timeoutMs,
      challenge: this.challenges.newChallenge(),
    });
    await this.challenges.remember(options.challenge, { ceremony: 'authentication', tenantId: tenant.id, userId, anyUser: username === undefined, clientId });
    return options;
  }

  /** Seed 001's result: a verified assertion completes a direct login (session and tokens). */
  async result(challengeHeader: string | undefined, body: AssertionResponseRequest, context: CallContext): Promise<{ response: LoginResponse; claims: IdentityClaims; clientId: string }> {
    const { claims, amr, clientId } = await this.verify(challengeHeader, body, context);
    const response = await this.completion.complete(claims, { clientId, scope: DIRECT_LOGIN_SCOPE, amr }, context);
    return { response, claims, clientId };
  }

  /**
   * Verifies an assertion against its challenge (used up either way) and the stored passkey, and
   * records the use: the signed-in user's claims, the RFC 8176 methods, and the options' client.
   */
  async verify(challengeHeader: string | undefined, body: AssertionResponseRequest, context: CallContext): Promise<{ claims: IdentityClaims; amr: string[]; clientId: string }> {
    const { challenge, pending } = await this.challenges.consume(challengeHeader, 'authentication');
    const credential = await this.storedCredential(pending.tenantId, body.id, context);
    if (!pending.anyUser && credential.user_id !== pending.userId) return this.refuse(pending.tenantId, 'the passkey is not one of the named user');
    if (body.response.userHandle !== undefined && body.response.userHandle !== userHandleOf(credential.user_id)) {
      return this.refuse(pending.tenantId, 'the user handle is not the passkey owner');
    }
    const rp = this.webauthn.relyingParty;
    let verification: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
    try {
      verification = await verifyAuthenticationResponse({
        response: assertionJsonOf(body),
        expectedChallenge: challenge,
        expectedOrigin: rp.origins,
        expectedRPID: rp.id,
        credential: { id: credential.credential_id, publicKey: new Uint8Array(Buffer.from(credential.public_key, 'base64url')), counter: credential.counter, transports: credential.transports },
        requireUserVerification: true,
      });
    } catch (error) {
      return this.refuse(pending.tenantId, error instanceof Error ? error.message : String(error));
    }
    if (!verification.verified) return this.refuse(pending.tenantId, 'the signature did not verify');
    const info = verification.authenticationInfo;
    let claims: IdentityClaims;
    try {
      ({ user: claims } = await this.tokens.directory.recordWebauthnUse(credential.credential_id, { tenant_id: pending.tenantId, counter: info.newCounter, backed_up: info.credentialBackedUp }, context));
    } catch (error) {
      if (error instanceof DomainError && (error.kind === ErrorKind.CONFLICT || error.kind === ErrorKind.NOT_FOUND)) return this.refuse(pending.tenantId, error.message);
      if (error instanceof DomainError && error.kind === ErrorKind.INSUFFICIENT_PERMISSIONS) throw AuthErrors.accountDisabled();
      throw error;
    }
    return { claims, amr: passkeyAmrOf(info.credentialDeviceType), clientId: pending.clientId ?? FIRST_PARTY_CLIENT_ID };
  }

  private async storedCredential(tenantId: string, credentialId: string, context: CallContext): Promise<WebauthnCredentialResponse> {
    try {
      return await this.tokens.directory.webauthnCredential(tenantId, credentialId, context);
    } catch (error) {
      if (error instanceof DomainError && error.kind === ErrorKind.NOT_FOUND) return this.refuse(tenantId, 'unknown credential');
      throw error;
    }
  }

  /** One answer for every refusal; the precise reason goes to the log only. */
  private refuse(tenantId: string, reason: string): never {
    this.logger.info({ tenant_id: tenantId, reason }, 'passkey sign-in refused');
    throw WebauthnErrors.assertionRefused();
  }
}

function assertionJsonOf(body: AssertionResponseRequest): AuthenticationResponseJSON {
  return {
    id: body.id,
    rawId: body.rawId,
    type: body.type,
    response: { ...body.response },
    clientExtensionResults: body.clientExtensionResults ?? {},
    ...(body.authenticatorAttachment === undefined ? {} : { authenticatorAttachment: body.authenticatorAttachment }),
  };
}
