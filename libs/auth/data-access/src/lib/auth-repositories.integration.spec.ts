import { openServiceDatabase } from '@sigma/shared/data-access-persistence';
import { startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { hashToken, randomToken } from '@sigma/shared/util-crypto';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AUTH_MIGRATIONS } from '../index';
import { MfaSessionRepository } from './mfa-session.repository';
import { RefreshTokenRepository } from './refresh-token.repository';
import { RevokedAccessTokenRepository, SeenJtiRepository } from './seen-jti.repository';
import { SigningKeyRepository, StoredSigningKey } from './signing-key.repository';

jest.setTimeout(60000);

describe('auth repositories on real PostgreSQL', () => {
  let postgres: TestPostgres;
  let db: DataSource;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    db = (await openServiceDatabase({ url: postgres.url, schema: 'auth', poolSize: 4, applicationName: 'auth-test', entities: [], migrations: AUTH_MIGRATIONS })).dataSource;
  });

  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
  });

  const key = (tenantId: string, overrides: Partial<StoredSigningKey> = {}): StoredSigningKey => ({
    kid: randomUUID(),
    tenantId,
    alg: 'ES256',
    publicJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' },
    privateKeySealed: 'v1.a.b.c',
    activatedAt: new Date(),
    retiredAt: null,
    publishUntil: null,
    ...overrides,
  });

  describe('signing keys', () => {
    it('allows one active key per tenant and lists retired keys only while published', async () => {
      const tenantId = randomUUID();
      const now = new Date();
      const repo = new SigningKeyRepository(db.manager);
      const first = key(tenantId, { activatedAt: new Date(now.getTime() - 10000) });
      await repo.insert(first);
      await expect(repo.insert(key(tenantId))).rejects.toThrow(/signing_keys_one_active/);
      await repo.retire(first.kid, now, new Date(now.getTime() + 60000));
      const second = key(tenantId, { activatedAt: now });
      await repo.insert(second);
      expect((await repo.active(tenantId))?.kid).toBe(second.kid);
      expect((await repo.published(tenantId, now)).map((k) => k.kid)).toEqual([second.kid, first.kid]);
      expect((await repo.published(tenantId, new Date(now.getTime() + 60001))).map((k) => k.kid)).toEqual([second.kid]);
      expect(await repo.purgeUnpublished(new Date(now.getTime() + 60001))).toBe(1);
      expect(await repo.active(randomUUID())).toBeUndefined();
    });

    it('refuses to lock outside a transaction', async () => {
      await expect(new SigningKeyRepository(db.manager).lockTenant(randomUUID())).rejects.toThrow('inside a transaction');
    });
  });

  describe('refresh tokens', () => {
    const family = () => ({ id: randomUUID(), tenantId: randomUUID(), userId: randomUUID(), clientId: 'sigma-iam', scope: 'openid', authTime: new Date(), amr: ['pwd'] });

    it('finds a token by hash with its family, rotates it once and revokes the family once', async () => {
      const repo = new RefreshTokenRepository(db.manager);
      const f = family();
      const now = new Date();
      await repo.createFamily(f, now);
      const token = randomToken();
      const id = randomUUID();
      await repo.insertToken({ id, familyId: f.id, tokenHash: hashToken(token), createdAt: now, expiresAt: new Date(now.getTime() + 60000) });
      const found = await repo.findByHash(hashToken(token), { lock: false });
      expect(found).toMatchObject({ id, rotatedAt: null, family: { id: f.id, userId: f.userId, amr: ['pwd'], revokedAt: null } });
      expect(await repo.findByHash(hashToken(`${token}x`), { lock: false })).toBeUndefined();
      expect(await repo.markRotated(id, now)).toBe(true);
      expect(await repo.markRotated(id, now)).toBe(false);
      expect(await repo.revokeFamily(f.id, now, 'logout')).toBe(true);
      expect(await repo.revokeFamily(f.id, now, 'logout')).toBe(false);
      expect((await repo.findByHash(hashToken(token), { lock: false }))?.family.revokedAt).toBeInstanceOf(Date);
    });

    it('purges families whose tokens all expired', async () => {
      const repo = new RefreshTokenRepository(db.manager);
      const old = family();
      const live = family();
      const past = new Date(Date.now() - 86400000);
      await repo.createFamily(old, past);
      await repo.createFamily(live, past);
      await repo.insertToken({ id: randomUUID(), familyId: old.id, tokenHash: hashToken(randomToken()), createdAt: past, expiresAt: new Date(past.getTime() + 1000) });
      await repo.insertToken({ id: randomUUID(), familyId: live.id, tokenHash: hashToken(randomToken()), createdAt: past, expiresAt: new Date(Date.now() + 86400000) });
      await repo.purgeExpired(new Date());
      const left: Array<{ id: string }> = await db.query('SELECT id FROM auth.refresh_token_families WHERE id = ANY($1)', [[old.id, live.id]]);
      expect(left.map((r) => r.id)).toEqual([live.id]);
    });
  });

  describe('OAuth protocol state', () => {
    it('accepts a jti once per namespace until it expires, even when two uses race', async () => {
      const seen = new SeenJtiRepository(db.manager);
      const now = new Date();
      const until = new Date(now.getTime() + 60000);
      const jti = hashToken(randomUUID());
      const raced = await Promise.all([1, 2].map(() => new SeenJtiRepository(db.manager).firstUse('dpop:key-a', jti, until, now)));
      expect(raced.sort()).toEqual([false, true]);
      expect(await seen.firstUse('dpop:key-b', jti, until, now)).toBe(true);
      expect(await seen.firstUse('dpop:key-a', jti, until, new Date(now.getTime() + 61000))).toBe(true);
      expect(await seen.purgeExpired(new Date(now.getTime() + 3600000))).toBeGreaterThanOrEqual(2);
    });

    it('keeps revoked access token ids until they expire, and binds families to a DPoP key', async () => {
      const revoked = new RevokedAccessTokenRepository(db.manager);
      const jti = randomUUID();
      await revoked.revoke(jti, randomUUID(), new Date(Date.now() + 60000));
      await revoked.revoke(jti, randomUUID(), new Date(Date.now() + 60000));
      expect(await revoked.isRevoked(jti)).toBe(true);
      expect(await revoked.isRevoked(randomUUID())).toBe(false);
      await revoked.purgeExpired(new Date(Date.now() + 120000));
      expect(await revoked.isRevoked(jti)).toBe(false);

      const repository = new RefreshTokenRepository(db.manager);
      const familyId = randomUUID();
      const token = randomToken();
      await repository.createFamily({ id: familyId, tenantId: randomUUID(), userId: randomUUID(), clientId: 'public-app', scope: 'openid', authTime: new Date(), amr: ['pwd'], dpopJkt: 'thumbprint' }, new Date());
      await repository.insertToken({ id: randomUUID(), familyId, tokenHash: hashToken(token), createdAt: new Date(), expiresAt: new Date(Date.now() + 60000) });
      expect((await repository.findByHash(hashToken(token), { lock: false }))?.family.dpopJkt).toBe('thumbprint');
      expect(await repository.isFamilyActive(familyId)).toBe(true);
      await repository.revokeFamily(familyId, new Date(), 'logout');
      expect(await repository.isFamilyActive(familyId)).toBe(false);
    });
  });

  describe('MFA sessions', () => {
    it('are single use, expire, and stop after too many failures', async () => {
      const repo = new MfaSessionRepository(db.manager);
      const now = new Date();
      const make = async () => {
        const idHash = hashToken(randomToken());
        await repo.create({ idHash, tenantId: randomUUID(), userId: randomUUID(), clientId: 'sigma-iam', scope: 'openid', createdAt: now, expiresAt: new Date(now.getTime() + 300000) });
        return idHash;
      };
      const used = await make();
      expect(await repo.findPending(used, now, 5)).toMatchObject({ clientId: 'sigma-iam', failedAttempts: 0 });
      expect(await repo.consume(used, now, 5)).toBe(true);
      expect(await repo.consume(used, now, 5)).toBe(false);
      expect(await repo.findPending(used, now, 5)).toBeUndefined();

      const expired = await make();
      expect(await repo.findPending(expired, new Date(now.getTime() + 300000), 5)).toBeUndefined();

      const guessed = await make();
      for (let i = 0; i < 2; i++) await repo.recordFailure(guessed);
      expect(await repo.findPending(guessed, now, 3)).toMatchObject({ failedAttempts: 2 });
      await repo.recordFailure(guessed);
      expect(await repo.findPending(guessed, now, 3)).toBeUndefined();
      expect(await repo.consume(guessed, now, 3)).toBe(false);
    });
  });
});
