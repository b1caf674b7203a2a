import { Inject, Injectable } from '@nestjs/common';
import { CredentialsRepository, WebauthnCredentialRecord, WebauthnCredentialsRepository } from '@sigma/directory/data-access';
import type {
  AddWebauthnCredentialRequest,
  IdentityResponse,
  RecordWebauthnUseRequest,
  WebauthnCredentialListResponse,
  WebauthnCredentialResponse,
  WebauthnDeviceType,
  WebauthnTransport,
} from '@sigma/shared/contracts-internal';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { LOGGER, Logger } from '@sigma/shared/util-http';
import { DataSource } from 'typeorm';
import { identityResponseOf } from './identity-claims';

const CREDENTIAL_NOT_FOUND = 'credential not found';

/** The nil UUID: no user has it, so the credential query for an unknown user finds nothing, like for a user without passkeys. */
const NOBODY = '00000000-0000-0000-0000-000000000000';

/**
 * Passkeys for auth-server: auth-server runs the WebAuthn ceremonies; the directory keeps the
 * credentials with the user, answers them by user or by credential id within a tenant, and owns
 * the signature counter (raised atomically, so a cloned authenticator replaying an old counter is
 * refused even when two sign-ins race).
 */
@Injectable()
export class WebauthnCredentialsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async add(request: AddWebauthnCredentialRequest): Promise<WebauthnCredentialResponse> {
    return this.dataSource.transaction(async (manager) => {
      const account = await new CredentialsRepository(manager).findAccount(request.tenant_id, request.user_id);
      if (!account) throw new DomainError(ErrorKind.NOT_FOUND, 'user not found');
      const credentials = new WebauthnCredentialsRepository(manager);
      const added = await credentials.add({
        credentialId: request.credential_id,
        userId: request.user_id,
        tenantId: request.tenant_id,
        publicKey: Buffer.from(request.public_key, 'base64url'),
        counter: request.counter,
        transports: request.transports,
        deviceType: request.device_type,
        backedUp: request.backed_up,
        name: request.name ?? null,
      });
      if (!added) throw new DomainError(ErrorKind.CONFLICT, 'this credential is registered already');
      const stored = await credentials.find(request.tenant_id, request.credential_id);
      if (!stored) throw new DomainError(ErrorKind.NOT_FOUND, CREDENTIAL_NOT_FOUND);
      return credentialResponseOf(stored);
    });
  }

  /**
   * The credentials of the user an id or a username (email or username) names; none for an unknown
   * user. The credential query runs either way (for nobody's id when the user is unknown), so an
   * unknown username costs what a user without passkeys costs (ADR 30).
   */
  async list(tenantId: string, who: { userId?: string; username?: string }): Promise<WebauthnCredentialListResponse> {
    const manager = this.dataSource.manager;
    const accounts = new CredentialsRepository(manager);
    const account =
      who.userId !== undefined ? await accounts.findAccount(tenantId, who.userId) : who.username !== undefined ? await accounts.findLoginAccount(tenantId, who.username) : undefined;
    const credentials = await new WebauthnCredentialsRepository(manager).listOfUser(tenantId, account?.userId ?? NOBODY);
    return { user_id: account?.userId ?? null, credentials: credentials.map(credentialResponseOf) };
  }

  async find(tenantId: string, credentialId: string): Promise<WebauthnCredentialResponse> {
    const stored = await new WebauthnCredentialsRepository(this.dataSource.manager).find(tenantId, credentialId);
    if (!stored) throw new DomainError(ErrorKind.NOT_FOUND, CREDENTIAL_NOT_FOUND);
    return credentialResponseOf(stored);
  }

  async remove(tenantId: string, userId: string, credentialId: string): Promise<WebauthnCredentialResponse> {
    const removed = await new WebauthnCredentialsRepository(this.dataSource.manager).remove(tenantId, userId, credentialId);
    if (!removed) throw new DomainError(ErrorKind.NOT_FOUND, CREDENTIAL_NOT_FOUND);
    return credentialResponseOf(removed);
  }

  async recordUse(credentialId: string, request: RecordWebauthnUseRequest): Promise<IdentityResponse> {
    return this.dataSource.transaction(async (manager) => {
      const credentials = new WebauthnCredentialsRepository(manager);
      const stored = await credentials.find(request.tenant_id, credentialId);
      if (!stored) throw new DomainError(ErrorKind.NOT_FOUND, CREDENTIAL_NOT_FOUND);
      const accounts = new CredentialsRepository(manager);
      const account = await accounts.findAccount(request.tenant_id, stored.userId);
      if (!account) throw new DomainError(ErrorKind.NOT_FOUND, CREDENTIAL_NOT_FOUND);
      if (!account.isActive) throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'the account is disabled');
      if (!account.tenantActive) throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'the tenant is suspended');
      const update = await credentials.recordUse(request.tenant_id, credentialId, request.counter, request.backed_up);
      if (update.outcome === 'unknown') throw new DomainError(ErrorKind.NOT_FOUND, CREDENTIAL_NOT_FOUND);
      if (update.outcome === 'not_raised') {
        this.logger.warn(
          { tenant_id: request.tenant_id, user_id: stored.userId, stored_counter: stored.counter, presented_counter: request.counter },
          'a passkey presented a signature counter that did not increase: the authenticator may be cloned',
        );
        throw new DomainError(ErrorKind.CONFLICT, 'the signature counter did not increase');
      }
      await credentials.recordSignIn(stored.userId);
      const identity = await accounts.identityOf(request.tenant_id, stored.userId);
      if (!identity) throw new DomainError(ErrorKind.NOT_FOUND, CREDENTIAL_NOT_FOUND);
      return identityResponseOf(identity);
    });
  }
}

export function credentialResponseOf(record: WebauthnCredentialRecord): WebauthnCredentialResponse {
  return {
    credential_id: record.credentialId,
    user_id: record.userId,
    tenant_id: record.tenantId,
    public_key: record.publicKey.toString('base64url'),
    counter: record.counter,
    transports: record.transports as WebauthnTransport[],
    device_type: record.deviceType as WebauthnDeviceType | null,
    backed_up: record.backedUp,
    name: record.name,
    created_at: record.createdAt.toISOString(),
    last_used_at: record.lastUsedAt === null ? null : record.lastUsedAt.toISOString(),
  };
}
