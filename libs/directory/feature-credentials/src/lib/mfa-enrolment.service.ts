import { Inject, Injectable } from '@nestjs/common';
import { MfaRepository, TenantScope } from '@sigma/directory/data-access';
import { DIRECTORY_OPTIONS, DirectoryOptions, generateRecoveryCodes, generateTotpSecret, hashRecoveryCode, totpUri } from '@sigma/directory/domain';
import { OutboxPublisher } from '@sigma/shared/data-access-events';
import { Caller, isUuid, permits } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { toDataURL } from 'qrcode';
import { DataSource, EntityManager } from 'typeorm';
import { totpContextOf } from './credential-verification.service';

/** The name authenticator apps show beside the account. */
export const TOTP_ISSUER = 'Sigma IAM';

export interface MfaEnrolment {
  secret: string;
  /** PNG data URL of the otpauth:// URI. */
  qr_code: string;
  /** Shown only here, once; stored hashed. */
  recovery_codes: string[];
}

interface TargetUser {
  id: string;
  tenant_id: string;
  email: string;
}

/**
 * TOTP enrolment: a new secret (sealed at rest, bound to the user) and ten single-use recovery
 * codes, replacing any earlier enrolment; and its removal. Allowed to the user themself, or to a
 * holder of users:write in the user's tenant (a platform operator in any tenant).
 */
@Injectable()
export class MfaEnrolmentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisher,
    private readonly tenantScope: TenantScope,
    @Inject(DIRECTORY_OPTIONS) private readonly options: DirectoryOptions,
  ) {}

  async enrol(caller: Caller, userId: string): Promise<MfaEnrolment> {
    const secret = generateTotpSecret();
    const recoveryCodes = generateRecoveryCodes();
    const user = await this.dataSource.transaction(async (manager) => {
      const target = await this.authorize(manager, caller, userId);
      await new MfaRepository(manager).replaceEnrolment(target.id, this.options.secretBox.seal(secret, totpContextOf(target.id)), recoveryCodes.map(hashRecoveryCode));
      await this.publisher.publish(manager, { type: 'user.updated', tenantId: target.tenant_id, subject: target.id, data: { user_id: target.id, changed_fields: ['mfa'] } });
      return target;
    });
    const qrCode = await toDataURL(totpUri(TOTP_ISSUER, user.email, secret), { type: 'image/png', errorCorrectionLevel: 'M', margin: 2, width: 256 });
    return { secret, qr_code: qrCode, recovery_codes: recoveryCodes };
  }

  /** Removes the TOTP secret and recovery codes; nothing enrolled is not an error. */
  async disable(caller: Caller, userId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const target = await this.authorize(manager, caller, userId);
      if (await new MfaRepository(manager).removeEnrolment(target.id)) {
        await this.publisher.publish(manager, { type: 'user.updated', tenantId: target.tenant_id, subject: target.id, data: { user_id: target.id, changed_fields: ['mfa'] } });
      }
    });
  }

  private async authorize(manager: EntityManager, caller: Caller, userId: string): Promise<TargetUser> {
    const notFound = new DomainError(ErrorKind.NOT_FOUND, 'user not found');
    if (!isUuid(userId)) throw notFound;
    // Locks the user row: concurrent enrolments of one user apply one after the other.
    const rows: TargetUser[] = await manager.query('SELECT id, tenant_id, email FROM directory.users WHERE id = $1 FOR UPDATE', [userId]);
    const target = rows[0];
    // A user of another tenant is answered like an unknown one.
    if (!target || (target.tenant_id !== caller.tenantId && !(await this.tenantScope.isPlatformOperator(caller)))) throw notFound;
    if (caller.userId !== target.id && !permits(caller.permissions, 'users:write')) {
      throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, "only the user themself or a holder of users:write may change a user's second factors");
    }
    return target;
  }
}
