import { Inject, Injectable } from '@nestjs/common';
import type { CallContext } from '@sigma/auth/data-access';
import { AuthErrors } from '@sigma/auth/domain';
import { AUTH_TOKENS_OPTIONS, AuthTokensOptions } from '@sigma/auth/feature-tokens';
import { generateRegistrationOptions, PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON, verifyRegistrationResponse } from '@simplewebauthn/server';
import type { WebauthnCredentialResponse } from '@sigma/shared/contracts-internal';
import type { Caller } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { LOGGER, Logger } from '@sigma/shared/util-http';
import { WebauthnErrors } from '../webauthn.errors';
import { SUPPORTED_ALGORITHMS, WEBAUTHN_OPTIONS, WebauthnOptions } from '../webauthn.options';
import { displayNameOf, namesUser, userHandleBytesOf } from './user-handle';
import { WebauthnChallengeService } from './webauthn-challenge.service';
import { knownTransports, RegistrationOptionsQuery, RegistrationResponseRequest } from './webauthn.request.dto';

/** A passkey as its owner sees it (never the public key or counter). */
export interface OwnPasskey {
  id: string;
  device_type: string | null;
  backed_up: boolean;
  transports: string[];
  created_at: string;
  last_used_at: string | null;
}

export interface RegisteredPasskey {
  verified: true;
  credential: Omit<OwnPasskey, 'last_used_at'>;
}

/**
 * Registering a passkey: only the signed-in user, for their own account (ADR 22). The options
 * exclude the user's existing passkeys, ask for user verification, and their challenge is bound
 * to the user; the verification checks challenge, origin, RP ID, user verification and the
 * algorithm, then stores the credential in the directory.
 */
@Injectable()
export class PasskeyRegistrationService {
  constructor(
    private readonly challenges: WebauthnChallengeService,
    @Inject(WEBAUTHN_OPTIONS) private readonly webauthn: WebauthnOptions,
    @Inject(AUTH_TOKENS_OPTIONS) private readonly tokens: AuthTokensOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async creationOptions(caller: Caller, query: RegistrationOptionsQuery, context: CallContext): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const userId = ownUserOf(caller, query.tenant_id);
    const { user } = await this.tokens.directory.userClaims(userId, caller.tenantId, context);
    if (!user.is_active) throw AuthErrors.accountDisabled();
    if (query.username !== undefined && !namesUser(query.username, user)) throw WebauthnErrors.notTheSignedInUser();
    const existing = await this.tokens.directory.webauthnCredentialsOf(caller.tenantId, { userId }, context);
    const rp = this.webauthn.relyingParty;
    const options = await generateRegistrationOptions({
      rpName: rp.name,
      rpID: rp.id,
      userName: query.username !== undefined && query.username.trim().toLowerCase() === user.email.toLowerCase() ? user.email : user.username,
      userID: userHandleBytesOf(userId),
      userDisplayName: displayNameOf(user),
      challenge: this.challenges.newChallenge(),
      timeout: rp.timeoutMs,
      attestationType: 'none',
      excludeCredentials: existing.credentials.map((credential) => ({ id: credential.credential_id, transports: credential.transports })),
      authenticatorSelection: {
        ...(rp.attachment === 'any' ? {} : { authenticatorAttachment: rp.attachment }),
        residentKey: 'preferred',
        userVerification: 'required',
      },
      supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    });
    await this.challenges.remember(options.challenge, { ceremony: 'registration', tenantId: caller.tenantId, userId, anyUser: false, clientId: null });
    return options;
  }

  /** The signed-in user's passkeys. */
  async listOwn(caller: Caller, context: CallContext): Promise<{ credentials: OwnPasskey[] }> {
    const userId = ownUserOf(caller, undefined);
    const { credentials } = await this.tokens.directory.webauthnCredentialsOf(caller.tenantId, { userId }, context);
    return { credentials: credentials.map(ownPasskeyOf) };
  }

  /** Removes one of the signed-in user's passkeys (a lost device); another user's is unknown (404). */
  async removeOwn(caller: Caller, credentialId: string, context: CallContext): Promise<void> {
    const userId = ownUserOf(caller, undefined);
    await this.tokens.directory.removeWebauthnCredential(caller.tenantId, userId, credentialId, context);
    this.logger.info({ tenant_id: caller.tenantId, user_id: userId }, 'passkey removed by its owner');
  }

  async verify(caller: Caller, challengeHeader: string | undefined, body: RegistrationResponseRequest, context: CallContext): Promise<RegisteredPasskey> {
    const userId = ownUserOf(caller, undefined);
    if (body.userId !== undefined && body.userId.toLowerCase() !== userId) throw WebauthnErrors.notTheSignedInUser();
    const { challenge, pending } = await this.challenges.consume(challengeHeader, 'registration');
    // Another user's (or tenant's) challenge is as good as none to this caller.
    if (pending.tenantId !== caller.tenantId || pending.userId !== userId) throw WebauthnErrors.challengeNotPending();
    const rp = this.webauthn.relyingParty;
    let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      verification = await verifyRegistrationResponse({
        response: registrationJsonOf(body),
        expectedChallenge: challenge,
        expectedOrigin: rp.origins,
        expectedRPID: rp.id,
        requireUserVerification: true,
        supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
      });
    } catch (error) {
      this.logger.info({ tenant_id: caller.tenantId, user_id: userId, reason: error instanceof Error ? error.message : String(error) }, 'passkey registration refused');
      throw WebauthnErrors.registrationRefused();
    }
    if (!verification.verified) throw WebauthnErrors.registrationRefused();
    const info = verification.registrationInfo;
    try {
      const stored = await this.tokens.directory.addWebauthnCredential(
        {
          tenant_id: caller.tenantId,
          user_id: userId,
          credential_id: info.credential.id,
          public_key: Buffer.from(info.credential.publicKey).toString('base64url'),
          counter: info.credential.counter,
          transports: knownTransports(info.credential.transports ?? body.response.transports),
          device_type: info.credentialDeviceType,
          backed_up: info.credentialBackedUp,
        },
        context,
      );
      return {
        verified: true,
        credential: { id: stored.credential_id, device_type: stored.device_type, backed_up: stored.backed_up, transports: stored.transports, created_at: stored.created_at },
      };
    } catch (error) {
      if (error instanceof DomainError && error.kind === ErrorKind.CONFLICT) throw WebauthnErrors.alreadyRegistered();
      throw error;
    }
  }
}

function ownPasskeyOf(credential: WebauthnCredentialResponse): OwnPasskey {
  return {
    id: credential.credential_id,
    device_type: credential.device_type,
    backed_up: credential.backed_up,
    transports: credential.transports,
    created_at: credential.created_at,
    last_used_at: credential.last_used_at,
  };
}

/** The signed-in user a registration is for; client tokens and other tenants are refused. */
function ownUserOf(caller: Caller, tenantId: string | undefined): string {
  if (caller.userId === undefined) throw WebauthnErrors.notTheSignedInUser();
  if (tenantId !== undefined && tenantId.toLowerCase() !== caller.tenantId.toLowerCase()) throw WebauthnErrors.otherTenant();
  return caller.userId;
}

function registrationJsonOf(body: RegistrationResponseRequest): RegistrationResponseJSON {
  return {
    id: body.id,
    rawId: body.rawId,
    type: body.type,
    response: { ...body.response },
    clientExtensionResults: body.clientExtensionResults ?? {},
    ...(body.authenticatorAttachment === undefined ? {} : { authenticatorAttachment: body.authenticatorAttachment }),
  };
}
