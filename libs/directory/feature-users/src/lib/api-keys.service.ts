import { Injectable } from '@nestjs/common';
import { ApiKeyRecord, ApiKeysRepository, TenantScope } from '@sigma/directory/data-access';
import type { ApiKeyTenantResponse } from '@sigma/shared/contracts-internal';
import type { Caller } from '@sigma/shared/util-auth';
import { isUuid } from '@sigma/shared/util-auth';
import { hashToken, matchesTokenHash, randomToken } from '@sigma/shared/util-crypto';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

/** `sk_<key id, 32 hex>_<256 random bits, base64url>`: the id finds the stored hash, the rest is the secret. */
const API_KEY_PATTERN = /^sk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

function idOfHex(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface IssuedApiKey {
  record: ApiKeyRecord;
  /** The key itself: shown once, stored only as its hash. */
  apiKey: string;
}

/**
 * Tenant API keys (seed 003): issued once, stored as SHA-256 hashes (the key is 256 random bits),
 * looked up by the id embedded in the key and compared in constant time, revocable.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly scope: TenantScope,
  ) {}

  /** The tenant whose keys `caller` manages: its own, or any for a platform operator. */
  private async tenantOf(caller: Caller, tenantId: string): Promise<string> {
    if (!isUuid(tenantId)) throw new DomainError(ErrorKind.NOT_FOUND, 'tenant not found');
    return this.scope.resolve(caller, tenantId.toLowerCase());
  }

  async issue(caller: Caller, tenantId: string, name: string | undefined): Promise<IssuedApiKey> {
    const tenant = await this.tenantOf(caller, tenantId);
    const id = randomUUID();
    const hex = id.replace(/-/g, '');
    const apiKey = `sk_${hex}_${randomToken(32)}`;
    const record = await new ApiKeysRepository(this.dataSource.manager).create({ id, tenantId: tenant, name: name ?? null, keyHash: hashToken(apiKey), prefix: `sk_${hex.slice(0, 8)}` });
    return { record, apiKey };
  }

  async list(caller: Caller, tenantId: string): Promise<ApiKeyRecord[]> {
    return new ApiKeysRepository(this.dataSource.manager).list(await this.tenantOf(caller, tenantId));
  }

  async revoke(caller: Caller, tenantId: string, keyId: string): Promise<void> {
    const tenant = await this.tenantOf(caller, tenantId);
    if (!isUuid(keyId) || !(await new ApiKeysRepository(this.dataSource.manager).revoke(tenant, keyId.toLowerCase()))) {
      throw new DomainError(ErrorKind.NOT_FOUND, 'API key not found');
    }
  }

  /**
   * The tenant a presented key belongs to, or undefined for a malformed, unknown or revoked key,
   * or a key of a tenant that is not active. Records the use (last_used_at).
   */
  async verify(apiKey: string): Promise<ApiKeyTenantResponse | undefined> {
    const match = API_KEY_PATTERN.exec(apiKey);
    if (!match) return undefined;
    const repository = new ApiKeysRepository(this.dataSource.manager);
    const credential = await repository.findCredential(idOfHex(match[1]));
    if (!credential || !matchesTokenHash(apiKey, credential.keyHash) || credential.revoked || credential.tenant.status !== 'active') return undefined;
    await repository.touch(credential.id);
    return {
      key_id: credential.id,
      tenant: { id: credential.tenant.id, name: credential.tenant.name, slug: credential.tenant.slug },
      ip_allow_list: credential.tenant.ipAllowList,
    };
  }
}
