import { Inject, Injectable } from '@nestjs/common';
import { SigningKeyRepository, StoredSigningKey } from '@sigma/auth/data-access';
import { decideSigningKey, publishUntilOf, RotationPolicy } from '@sigma/auth/domain';
import type { SigningAlgorithm } from '@sigma/shared/util-auth';
import type { JWK } from 'jose';
import type { KeyObject } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AUTH_TOKENS_OPTIONS, AuthTokensOptions, Clock, CLOCK } from '../auth-tokens.options';
import { generateSigningKey, openSigningKey, publicMembersOf } from './signing-key-material';

/** The key that signs a tenant's tokens now. */
export interface ActiveSigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
}

/** What key management needs to know about a tenant. */
export interface KeyedTenant {
  id: string;
  /** The longest lifetime of the JWTs its keys sign, in seconds: how long a retired key stays published. */
  longestJwtLifetimeSeconds: number;
}

/** An active key is looked up again at least this often, so a rotation by another replica is seen. */
const ACTIVE_KEY_TTL_MS = 30000;
const MAX_CACHED = 1000;

/**
 * Per-tenant signing keys. A tenant's first key is created at its first use; a key older than the
 * rotation age (or of an algorithm no longer configured) is replaced at its next use, and stays in
 * the tenant's JWKS until the tokens it signed have expired. Creation and rotation run under a
 * per-tenant advisory lock, so replicas racing on the same tenant agree on one key. Private keys
 * are stored sealed (SecretBox, bound to tenant and kid) and kept opened in memory only.
 */
@Injectable()
export class SigningKeyService {
  private readonly active = new Map<string, { key: ActiveSigningKey; until: number }>();
  private readonly opened = new Map<string, KeyObject>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(AUTH_TOKENS_OPTIONS) private readonly options: AuthTokensOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private get policy(): RotationPolicy {
    return { algorithm: this.options.algorithm, maxAgeSeconds: this.options.keyMaxAgeSeconds };
  }

  /** The key to sign the tenant's next token with, created or rotated first when the policy says so. */
  async signingKeyOf(tenant: KeyedTenant): Promise<ActiveSigningKey> {
    const now = this.clock();
    const cached = this.active.get(tenant.id);
    if (cached && cached.until > now.getTime()) return cached.key;

    let stored = await new SigningKeyRepository(this.dataSource.manager).active(tenant.id);
    if (decideSigningKey(stored, this.policy, now) !== 'keep') stored = await this.createOrRotate(tenant, now);
    if (!stored) throw new Error('no signing key after creating one');
    const key: ActiveSigningKey = { kid: stored.kid, alg: stored.alg, privateKey: this.open(stored) };
    const rotationDue = stored.activatedAt.getTime() + this.options.keyMaxAgeSeconds * 1000;
    this.remember(tenant.id, key, Math.min(now.getTime() + ACTIVE_KEY_TTL_MS, rotationDue));
    return key;
  }

  /** The public keys of the tenant's JWKS: the active key (created when there is none) and retired keys still published. */
  async publishedKeysOf(tenant: KeyedTenant): Promise<JWK[]> {
    await this.signingKeyOf(tenant);
    const keys = await new SigningKeyRepository(this.dataSource.manager).published(tenant.id, this.clock());
    return keys.map((key) => publicMembersOf(key.publicJwk));
  }

  private async createOrRotate(tenant: KeyedTenant, now: Date): Promise<StoredSigningKey> {
    return this.dataSource.transaction(async (manager) => {
      const keys = new SigningKeyRepository(manager);
      await keys.lockTenant(tenant.id);
      // Another replica may have done it while this one waited for the lock.
      const current = await keys.active(tenant.id);
      const decision = decideSigningKey(current, this.policy, now);
      if (current && decision === 'keep') return current;
      if (current) await keys.retire(current.kid, now, publishUntilOf(now, tenant.longestJwtLifetimeSeconds));
      const generated = await generateSigningKey(tenant.id, this.options.algorithm, this.options.secretBox);
      const created: StoredSigningKey = {
        kid: generated.kid,
        tenantId: tenant.id,
        alg: generated.alg,
        publicJwk: generated.publicJwk,
        privateKeySealed: generated.privateKeySealed,
        activatedAt: now,
        retiredAt: null,
        publishUntil: null,
      };
      await keys.insert(created);
      this.opened.set(created.kid, generated.privateKey);
      return created;
    });
  }

  private open(stored: StoredSigningKey): KeyObject {
    let opened = this.opened.get(stored.kid);
    if (!opened) {
      opened = openSigningKey(stored.tenantId, stored.kid, stored.alg, stored.privateKeySealed, this.options.secretBox);
      if (this.opened.size >= MAX_CACHED) this.opened.delete(this.opened.keys().next().value as string);
      this.opened.set(stored.kid, opened);
    }
    return opened;
  }

  private remember(tenantId: string, key: ActiveSigningKey, until: number): void {
    this.active.delete(tenantId);
    if (this.active.size >= MAX_CACHED) this.active.delete(this.active.keys().next().value as string);
    this.active.set(tenantId, { key, until });
  }
}
