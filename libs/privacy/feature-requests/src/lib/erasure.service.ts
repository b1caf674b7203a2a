import { Inject, Injectable } from '@nestjs/common';
import { ErasureRequestRecord, ErasureRequestsRepository, VerificationCodesRepository } from '@sigma/privacy/data-access';
import { OutboxPublisher } from '@sigma/shared/data-access-events';
import { Caller, permits } from '@sigma/shared/util-auth';
import { constantTimeEqual, hashToken, randomToken } from '@sigma/shared/util-crypto';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { LOGGER } from '@sigma/shared/util-http';
import type { Logger } from 'pino';
import { randomInt, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ErasureRequest } from './export.request.dto';
import { assertActsFor } from './export.service';
import { ANSWERING_SERVICES, PRIVACY_OPTIONS, PrivacyOptions } from './privacy-options';

export const ERASE_PERMISSION = 'privacy:erase';
/** Wrong codes accepted before a code is spent and a new one must be requested. */
export const MAX_CODE_ATTEMPTS = 5;
/** Shortest time between two mailed codes for one user. */
const RESEND_AFTER_SECONDS = 30;

export interface VerificationSentView {
  status: 'sent';
  sent_to: string;
  expires_at: string;
  expires_in: number;
}

export interface ErasureView {
  request_id: string;
  status: 'processing' | 'completed';
  tenant_id: string;
  verified_by: 'code' | 'admin';
  created_at: string;
  completed_at: string | null;
  services: Array<{ service: string; status: 'pending' | 'acknowledged'; acknowledged_at: string | null }>;
}

/** The hashed subject an erasure receipt keeps instead of the user id. */
export function subjectHashOf(tenantId: string, userId: string): string {
  return hashToken(`${tenantId}:${userId}`);
}

function codeHashOf(salt: string, userId: string, code: string): string {
  return hashToken(`${salt}:${userId}:${code}`);
}

/** `a***@example.com`: enough for the user to recognise the address, not to learn it. */
function masked(email: string): string {
  const at = email.lastIndexOf('@');
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
}

function refusedCode(): DomainError {
  return new DomainError(ErrorKind.VALIDATION, 'the verification code is wrong or expired; request a new one with POST /privacy/data/verification', { oauthError: 'invalid_grant' });
}

/**
 * The right to erasure: mails a verification code, records the request with the code (or an
 * administrator's privacy:erase), asks the directory through `erasure.requested`, and tracks
 * each service's `erasure.acknowledged` until the receipt is complete.
 */
@Injectable()
export class ErasureService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisher,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async sendCode(caller: Caller, requestId?: string): Promise<VerificationSentView> {
    const userId = caller.userId;
    if (userId === undefined) throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'verification codes are sent to users; this token was issued to a client', { oauthError: 'access_denied' });
    const subject = await this.options.directory.subject(userId, caller.tenantId, requestId);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const salt = randomToken(16);
    const expiresAt = new Date(Date.now() + this.options.codeTtlSeconds * 1000);
    await this.dataSource.transaction(async (manager) => {
      const codes = new VerificationCodesRepository(manager);
      const previous = await codes.lock(userId);
      const wait = previous ? Math.ceil(RESEND_AFTER_SECONDS - (Date.now() - previous.created_at.getTime()) / 1000) : 0;
      if (wait > 0) throw new DomainError(ErrorKind.RATE_LIMITED, `a code was sent moments ago; wait ${wait} s before asking again`, { retryAfterSeconds: wait });
      await codes.issue({ userId, tenantId: caller.tenantId, salt, codeHash: codeHashOf(salt, userId, code), expiresAt });
      // Mailed inside the transaction: a code that could not be sent is not stored.
      await this.options.mailer.send({
        to: subject.email,
        subject: 'Your Sigma IAM account deletion code',
        text:
          `Someone (hopefully you) asked to delete your account and all its data.\n\n` +
          `Your verification code is ${code}. It expires in ${Math.round(this.options.codeTtlSeconds / 60)} minutes.\n\n` +
          `If you did not ask for this, ignore this message; nothing is deleted without the code.\n`,
      });
    });
    this.logger.info({ expires_at: expiresAt.toISOString() }, 'erasure verification code sent');
    return { status: 'sent', sent_to: masked(subject.email), expires_at: expiresAt.toISOString(), expires_in: this.options.codeTtlSeconds };
  }

  async request(caller: Caller, body: ErasureRequest, requestId?: string): Promise<ErasureView> {
    assertActsFor(caller, body.tenant_id, body.user_id, ERASE_PERMISSION);
    const byAdmin = body.verification_code === undefined;
    if (byAdmin && !permits(caller.permissions, ERASE_PERMISSION)) {
      throw new DomainError(ErrorKind.VALIDATION, 'verification_code is required (POST /privacy/data/verification mails one)', {
        oauthError: 'invalid_request',
        details: [{ field: 'verification_code', message: 'is required' }],
      });
    }
    if (body.verification_code !== undefined) await this.checkCode(body.user_id, body.tenant_id, body.verification_code);
    await this.options.directory.subject(body.user_id, body.tenant_id, requestId);
    const id = await this.dataSource.transaction(async (manager) => {
      const requests = new ErasureRequestsRepository(manager);
      // One user's erasure requests are serialised; a second one while the first runs joins it.
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sigma-iam:erasure:${body.user_id}`]);
      const pending = await requests.pendingFor(body.user_id);
      if (pending !== undefined) return pending;
      const created = randomUUID();
      await requests.create({
        id: created,
        tenantId: body.tenant_id,
        subjectHash: subjectHashOf(body.tenant_id, body.user_id),
        userId: body.user_id,
        verifiedBy: byAdmin ? 'admin' : 'code',
        services: [...ANSWERING_SERVICES],
      });
      await new VerificationCodesRepository(manager).delete(body.user_id);
      await this.publisher.publish(manager, { type: 'erasure.requested', tenantId: body.tenant_id, subject: body.user_id, data: { request_id: created, user_id: body.user_id } });
      return created;
    });
    this.logger.info({ erasure_request_id: id, verified_by: byAdmin ? 'admin' : 'code' }, 'erasure requested');
    return this.viewOf(await this.find(id));
  }

  async status(caller: Caller, requestId: string): Promise<ErasureView> {
    const request = await this.find(requestId);
    const readable =
      caller.tenantId === request.tenant_id &&
      (permits(caller.permissions, ERASE_PERMISSION) || (caller.userId !== undefined && constantTimeEqual(subjectHashOf(caller.tenantId, caller.userId), request.subject_hash)));
    if (!readable) throw new DomainError(ErrorKind.NOT_FOUND, 'no such erasure request', { oauthError: 'not_found' });
    return this.viewOf(request);
  }

  /** Checks the mailed code; a wrong one counts against it (committed even though the request fails). */
  private async checkCode(userId: string, tenantId: string, code: string): Promise<void> {
    const accepted = await this.dataSource.transaction(async (manager) => {
      const codes = new VerificationCodesRepository(manager);
      const stored = await codes.lock(userId);
      if (!stored || stored.tenant_id !== tenantId || stored.expires_at.getTime() <= Date.now() || stored.failed_attempts >= MAX_CODE_ATTEMPTS) return false;
      if (constantTimeEqual(codeHashOf(stored.salt, userId, code), stored.code_hash)) return true;
      await codes.recordFailure(userId);
      return false;
    });
    if (!accepted) throw refusedCode();
  }

  private async find(id: string): Promise<ErasureRequestRecord> {
    const request = await new ErasureRequestsRepository(this.dataSource.manager).find(id);
    if (!request) throw new DomainError(ErrorKind.NOT_FOUND, 'no such erasure request', { oauthError: 'not_found' });
    return request;
  }

  private viewOf(request: ErasureRequestRecord): ErasureView {
    const acknowledged = new Map(request.acknowledgements.map((a) => [a.service, a.acknowledged_at]));
    return {
      request_id: request.id,
      status: request.completed_at === null ? 'processing' : 'completed',
      tenant_id: request.tenant_id,
      verified_by: request.verified_by,
      created_at: request.requested_at.toISOString(),
      completed_at: request.completed_at?.toISOString() ?? null,
      services: request.services.map((service) => {
        const at = acknowledged.get(service);
        return { service, status: at === undefined ? 'pending' : 'acknowledged', acknowledged_at: at?.toISOString() ?? null };
      }),
    };
  }
}
