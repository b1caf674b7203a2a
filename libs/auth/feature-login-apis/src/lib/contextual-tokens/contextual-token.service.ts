import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ContextualTokenRepository } from '@sigma/auth/data-access';
import { CLOCK, Clock, keyedTenantOf, SigningKeyService, TenantLookupService, TokenSignerService } from '@sigma/auth/feature-tokens';
import { Caller, isUuid, issuerOf, permits, SIGNING_ALGORITHMS } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, JWTPayload } from 'jose';
import { randomUUID } from 'node:crypto';
import { toDataURL } from 'qrcode';
import { DataSource } from 'typeorm';
import { LOGIN_APIS_OPTIONS, LoginApisOptions } from '../login-apis.options';
import { ContextualTokenReason, contextualTokenReasonOf } from './contextual-token.verdict';

/** The JOSE `typ` of contextual tokens: never confused with access (`at+jwt`) or ID tokens. */
export const CONTEXTUAL_TOKEN_TYPE = 'contextual+jwt';
/** Lifetime when the request names none. */
export const DEFAULT_CONTEXTUAL_TOKEN_SECONDS = 300;
/** Every hour, rows of tokens expired more than a day ago are deleted. */
const PURGE_INTERVAL_MS = 3_600_000;
const KEEP_AFTER_EXPIRY_MS = 86_400_000;

export interface ContextualTokenRequest {
  eventId: string;
  location?: string;
  audience: string;
  expiresIn?: number;
  singleUse: boolean;
}

export interface IssuedContextualToken {
  token: string;
  qr_code: string;
  expires_at: string;
}

/** The claims a valid token carries, as validation answers them. */
export interface ContextualTokenClaims {
  jti: string;
  iss: string;
  sub: string;
  aud: string;
  tid: string;
  event_id: string;
  location: string | null;
  single_use: boolean;
  iat: number;
  exp: number;
}

export type ContextualTokenValidation = { valid: true; claims: ContextualTokenClaims } | { valid: false; reason: ContextualTokenReason };

interface ContextualPayload extends JWTPayload {
  tid?: unknown;
  event_id?: unknown;
  location?: unknown;
  single_use?: unknown;
}

/**
 * Seed 001's QR contextual tokens: short-lived JWTs an authenticated user obtains for one event,
 * place and audience (an attendance system, a door), shown as a QR code and validated by the
 * audience. Signed with the tenant's key (`typ: contextual+jwt`), recorded by jti so they can be
 * revoked and, when asked, accepted once.
 */
@Injectable()
export class ContextualTokenService implements OnModuleInit, OnModuleDestroy {
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantLookupService,
    private readonly keys: SigningKeyService,
    private readonly signer: TokenSignerService,
    @Inject(LOGIN_APIS_OPTIONS) private readonly options: LoginApisOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.purgeTimer = setInterval(() => void this.purge().catch(() => undefined), PURGE_INTERVAL_MS);
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  async issue(caller: Caller, request: ContextualTokenRequest): Promise<IssuedContextualToken> {
    const lifetime = request.expiresIn ?? Math.min(DEFAULT_CONTEXTUAL_TOKEN_SECONDS, this.options.contextualTokenMaxSeconds);
    if (lifetime > this.options.contextualTokenMaxSeconds) {
      throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', {
        details: [{ field: 'expires_in', message: `expires_in must not exceed ${this.options.contextualTokenMaxSeconds} seconds` }],
      });
    }
    const tenant = await this.tenants.resolve(caller.tenantId);
    const now = this.clock();
    const issuedAt = Math.floor(now.getTime() / 1000);
    const jti = randomUUID();
    const subject = caller.userId ?? caller.clientId;
    const claims: ContextualPayload = {
      iss: issuerOf(this.options.publicUrl, tenant.id),
      sub: subject,
      aud: request.audience,
      tid: tenant.id,
      jti,
      iat: issuedAt,
      exp: issuedAt + lifetime,
      event_id: request.eventId,
      ...(request.location === undefined ? {} : { location: request.location }),
      single_use: request.singleUse,
    };
    const expiresAt = new Date((issuedAt + lifetime) * 1000);
    await new ContextualTokenRepository(this.dataSource.manager).insert(
      { jti, tenantId: tenant.id, subject, audience: request.audience, singleUse: request.singleUse, expiresAt },
      now,
    );
    const token = await this.signer.sign(keyedTenantOf(tenant), claims, CONTEXTUAL_TOKEN_TYPE);
    const qrCode = await toDataURL(token, { type: 'image/png', errorCorrectionLevel: 'L', margin: 2 });
    return { token, qr_code: qrCode, expires_at: expiresAt.toISOString() };
  }

  async validate(token: string, audience: string): Promise<ContextualTokenValidation> {
    let payload: ContextualPayload;
    try {
      if (decodeProtectedHeader(token).typ !== CONTEXTUAL_TOKEN_TYPE) return { valid: false, reason: 'malformed' };
      payload = decodeJwt(token);
    } catch {
      return { valid: false, reason: 'malformed' };
    }
    const tenantId = payload.tid;
    if (!isUuid(tenantId) || typeof payload.jti !== 'string' || !isUuid(payload.jti) || typeof payload.exp !== 'number') return { valid: false, reason: 'malformed' };
    const signatureValid = await this.signatureValid(token, tenantId);
    const repository = new ContextualTokenRepository(this.dataSource.manager);
    const record = signatureValid ? await repository.find(tenantId, payload.jti) : undefined;
    const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
    const now = this.clock();
    const facts = {
      signatureValid,
      expiresAt: payload.exp,
      audiences,
      record: record && { revoked: record.revokedAt !== null, used: record.usedAt !== null, singleUse: record.singleUse },
    };
    const reason = contextualTokenReasonOf(facts, audience, Math.floor(now.getTime() / 1000));
    if (reason !== undefined) return { valid: false, reason };
    // A single-use token is claimed atomically: of two concurrent validations one succeeds.
    if (record?.singleUse && !(await repository.markUsed(record.jti, now))) return { valid: false, reason: 'already_used' };
    return { valid: true, claims: claimsOf(payload, tenantId, audience) };
  }

  /** Revokes a token of the caller's tenant: its issuer may, and so may a holder of sessions:write. */
  async revoke(caller: Caller, jti: string): Promise<void> {
    const repository = new ContextualTokenRepository(this.dataSource.manager);
    const record = isUuid(jti) ? await repository.find(caller.tenantId, jti) : undefined;
    if (!record) throw new DomainError(ErrorKind.NOT_FOUND, 'the contextual token does not exist', { oauthError: 'not_found' });
    if (record.subject !== (caller.userId ?? caller.clientId) && !permits(caller.permissions, 'sessions:write')) {
      throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'only the issuer of a contextual token or a holder of sessions:write may revoke it');
    }
    await repository.revoke(caller.tenantId, jti, this.clock());
  }

  private async signatureValid(token: string, tenantId: string): Promise<boolean> {
    let keys;
    try {
      const tenant = await this.tenants.resolve(tenantId);
      keys = await this.keys.publishedKeysOf(keyedTenantOf(tenant));
    } catch (error) {
      // An unknown tenant signs nothing; an unreachable directory is a 503, not a verdict.
      if (error instanceof DomainError && error.kind === ErrorKind.NOT_FOUND) return false;
      throw error;
    }
    try {
      await compactVerify(token, createLocalJWKSet({ keys }), { algorithms: [...SIGNING_ALGORITHMS] });
      return true;
    } catch {
      return false;
    }
  }

  private async purge(): Promise<void> {
    await new ContextualTokenRepository(this.dataSource.manager).purgeExpired(new Date(this.clock().getTime() - KEEP_AFTER_EXPIRY_MS));
  }
}

function claimsOf(payload: ContextualPayload, tenantId: string, audience: string): ContextualTokenClaims {
  return {
    jti: String(payload.jti),
    iss: String(payload.iss),
    sub: String(payload.sub),
    aud: audience,
    tid: tenantId,
    event_id: String(payload.event_id),
    location: typeof payload.location === 'string' ? payload.location : null,
    single_use: payload.single_use === true,
    iat: Number(payload.iat),
    exp: Number(payload.exp),
  };
}
