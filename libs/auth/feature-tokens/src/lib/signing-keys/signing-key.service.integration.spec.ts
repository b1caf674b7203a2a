import { AUTH_MIGRATIONS, DirectoryClient, SessionClient } from '@sigma/auth/data-access';
import { openServiceDatabase } from '@sigma/shared/data-access-persistence';
import { startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { SecretBox } from '@sigma/shared/util-crypto';
import { compactVerify, importJWK } from 'jose';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AuthTokensOptions } from '../auth-tokens.options';
import { openSigningKey } from './signing-key-material';
import { SigningKeyService } from './signing-key.service';
import { TokenSignerService } from './token-signer.service';

jest.setTimeout(60000);

const DAY_MS = 86400000;
const MAX_AGE_SECONDS = 90 * 86400;

describe('SigningKeyService on real PostgreSQL', () => {
  let postgres: TestPostgres;
  let db: DataSource;
  const box = new SecretBox(randomBytes(32));
  let now: Date;

  const replica = (overrides: Partial<AuthTokensOptions> = {}) =>
    new SigningKeyService(
      db,
      {
        publicUrl: 'https://iam.example.test',
        algorithm: 'ES256',
        keyMaxAgeSeconds: MAX_AGE_SECONDS,
        secretBox: box,
        directory: new DirectoryClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 100 }),
        sessions: new SessionClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 100 }),
        ...overrides,
      },
      () => now,
    );
  const tenant = () => ({ id: randomUUID(), longestJwtLifetimeSeconds: 900 });
  const rowsOf = async (tenantId: string) =>
    (await db.query('SELECT kid, alg, private_key_sealed, retired_at, publish_until FROM auth.signing_keys WHERE tenant_id = $1 ORDER BY activated_at', [tenantId])) as Array<{
      kid: string;
      alg: string;
      private_key_sealed: string;
      retired_at: Date | null;
      publish_until: Date | null;
    }>;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    db = (await openServiceDatabase({ url: postgres.url, schema: 'auth', poolSize: 8, applicationName: 'auth-test', entities: [], migrations: AUTH_MIGRATIONS })).dataSource;
  });

  beforeEach(() => {
    now = new Date('2026-01-01T00:00:00Z');
  });

  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
  });

  it("creates a tenant's ES256 key at first use and publishes only its public part", async () => {
    const t = tenant();
    const keys = await replica().publishedKeysOf(t);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toEqual({ kty: 'EC', use: 'sig', crv: 'P-256', kid: expect.any(String), x: expect.any(String), y: expect.any(String), alg: 'ES256' });
    const [row] = await rowsOf(t.id);
    expect(row.kid).toBe(keys[0].kid);
    expect(row.private_key_sealed).toMatch(/^v1\./);
    expect(row.private_key_sealed).not.toContain('PRIVATE KEY');
  });

  it('seals private keys for their tenant and kid only', async () => {
    const t = tenant();
    await replica().signingKeyOf(t);
    const [row] = await rowsOf(t.id);
    expect(openSigningKey(t.id, row.kid, 'ES256', row.private_key_sealed, box).asymmetricKeyType).toBe('ec');
    expect(() => openSigningKey(randomUUID(), row.kid, 'ES256', row.private_key_sealed, box)).toThrow('SECRETS_ENCRYPTION_KEY');
    expect(() => openSigningKey(t.id, row.kid, 'ES256', row.private_key_sealed, new SecretBox(randomBytes(32)))).toThrow();
    expect(() => openSigningKey(t.id, row.kid, 'EdDSA', row.private_key_sealed, box)).toThrow('is not an EdDSA key');
  });

  it('agrees on one key when replicas race on a new tenant', async () => {
    const t = tenant();
    const replicas = [replica(), replica(), replica(), replica()];
    const keys = await Promise.all(replicas.flatMap((r) => [r.signingKeyOf(t), r.signingKeyOf(t)]));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    expect(await rowsOf(t.id)).toHaveLength(1);
  });

  it('rotates a key that reached the rotation age and keeps the old one published until its tokens expired', async () => {
    const t = tenant();
    const service = replica();
    const first = await service.signingKeyOf(t);
    now = new Date(now.getTime() + 89 * DAY_MS);
    expect((await service.signingKeyOf(t)).kid).toBe(first.kid);

    now = new Date(now.getTime() + DAY_MS);
    const rotatedAt = now;
    const [second] = await Promise.all([service.signingKeyOf(t), replica().signingKeyOf(t), replica().signingKeyOf(t)]);
    expect(second.kid).not.toBe(first.kid);
    const rows = await rowsOf(t.id);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ kid: first.kid, retired_at: rotatedAt });
    // 900 s (the longest token lifetime) plus 300 s clock tolerance.
    expect(rows[0].publish_until?.getTime()).toBe(rotatedAt.getTime() + 1200 * 1000);

    now = new Date(rotatedAt.getTime() + 1199 * 1000);
    expect((await service.publishedKeysOf(t)).map((k) => k.kid)).toEqual([second.kid, first.kid]);
    now = new Date(rotatedAt.getTime() + 1200 * 1000);
    expect((await service.publishedKeysOf(t)).map((k) => k.kid)).toEqual([second.kid]);
  });

  it('switches to EdDSA (Ed25519) when configured, rotating the existing key', async () => {
    const t = tenant();
    const es256 = await replica().signingKeyOf(t);
    const eddsa = replica({ algorithm: 'EdDSA' });
    const key = await eddsa.signingKeyOf(t);
    expect(key).toMatchObject({ alg: 'EdDSA' });
    expect(key.kid).not.toBe(es256.kid);
    const published = await eddsa.publishedKeysOf(t);
    expect(published[0]).toEqual({ kty: 'OKP', use: 'sig', crv: 'Ed25519', kid: key.kid, x: expect.any(String), alg: 'EdDSA' });
    expect(published.map((k) => k.kid)).toEqual([key.kid, es256.kid]);
  });

  it('signs with the active key; the published key verifies the signature', async () => {
    const t = tenant();
    const service = replica({ algorithm: 'EdDSA' });
    const token = await new TokenSignerService(service).sign(t, { sub: 'x' }, 'at+jwt');
    const [jwk] = await service.publishedKeysOf(t);
    const { protectedHeader } = await compactVerify(token, await importJWK(jwk, 'EdDSA'));
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: jwk.kid, typ: 'at+jwt' });
  });

  it('signs ES256 with a key another replica created and this one opened from storage', async () => {
    const t = tenant();
    await replica().signingKeyOf(t);
    const other = replica();
    const token = await new TokenSignerService(other).sign(t, { sub: 'y', iat: 1 }, 'JWT');
    const [jwk] = await other.publishedKeysOf(t);
    const { protectedHeader, payload } = await compactVerify(token, await importJWK(jwk, 'ES256'));
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: jwk.kid, typ: 'JWT' });
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ sub: 'y', iat: 1 });
  });
});
