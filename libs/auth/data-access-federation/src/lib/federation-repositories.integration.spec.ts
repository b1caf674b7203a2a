import { openServiceDatabase } from '@sigma/shared/data-access-persistence';
import { startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { FederationLoginChallenge1796007331962 } from './federation-login-challenge.migration';
import { CreateFederation1796004300000 } from './federation.migration';
import { SsoLoginRepository, SsoLoginState } from './sso-login.repository';
import { SsoProviderRecord } from './sso-provider.record';
import { isDuplicateProviderKey, SsoProviderRepository } from './sso-provider.repository';

jest.setTimeout(60000);

describe('federation repositories on real PostgreSQL', () => {
  let postgres: TestPostgres;
  let db: DataSource;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    db = (await openServiceDatabase({ url: postgres.url, schema: 'auth', poolSize: 4, applicationName: 'federation-test', entities: [], migrations: [CreateFederation1796004300000, FederationLoginChallenge1796007331962] })).dataSource;
  });

  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
  });

  const provider = (tenantId: string, overrides: Partial<SsoProviderRecord> = {}): SsoProviderRecord => ({
    id: randomUUID(),
    tenantId,
    key: 'google',
    name: 'Google',
    displayName: 'Continue with Google',
    type: 'oidc',
    preset: 'google',
    enabled: true,
    clientId: 'cid',
    clientSecretSealed: 'v1.a.b.c',
    scopes: ['openid', 'email'],
    endpoints: { issuer: 'https://accounts.google.com' },
    tokenEndpointAuthMethod: 'client_secret_basic',
    claims: { subject: 'sub', email: 'email', emailVerified: 'email_verified', name: 'name', givenName: 'given_name', familyName: 'family_name', picture: 'picture' },
    icon: null,
    color: '#4285f4',
    allowSignup: true,
    requireEmailVerified: true,
    autoLinkByEmail: false,
    totalLogins: 0,
    lastLoginAt: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  });

  it('keeps providers per tenant, one per name, replaced in place with their statistics', async () => {
    const tenantA = randomUUID();
    const tenantB = randomUUID();
    const repository = new SsoProviderRepository(db.manager);
    const a = await repository.save(provider(tenantA), false);
    await repository.save(provider(tenantB), false);
    await expect(repository.save(provider(tenantA), false).catch((error: unknown) => isDuplicateProviderKey(error))).resolves.toBe(true);
    await repository.recordLogin(a.id, new Date());
    const replaced = await repository.save({ ...a, clientId: 'new-cid', enabled: false }, true);
    expect(replaced).toMatchObject({ id: a.id, clientId: 'new-cid', enabled: false, totalLogins: 1 });
    expect((await repository.list(tenantA)).map((p) => p.id)).toEqual([a.id]);
    expect(await repository.list(tenantA, true)).toEqual([]);
    expect(await repository.findById(tenantB, a.id)).toBeUndefined();
  });

  it('hands out a pending sign-in once, and never after it expired', async () => {
    const tenantId = randomUUID();
    const saved = await new SsoProviderRepository(db.manager).save(provider(tenantId), false);
    const logins = new SsoLoginRepository(db.manager);
    const now = new Date();
    const state = (hash: string, expiresAt: Date): SsoLoginState => ({
      stateHash: hash,
      tenantId,
      providerId: saved.id,
      flow: 'sso',
      clientId: 'app',
      redirectUri: 'https://app.example/cb',
      appRedirectUri: null,
      appState: null,
      appCodeChallenge: null,
      codeVerifierSealed: 'v1.a.b.c',
      nonce: 'n',
      loginChallengeSealed: null,
      createdAt: now,
      expiresAt,
    });
    await logins.saveState(state('live', new Date(now.getTime() + 60000)));
    await logins.saveState(state('stale', new Date(now.getTime() - 1000)));
    await expect(logins.takeState('live', now)).resolves.toMatchObject({ providerId: saved.id, nonce: 'n', flow: 'sso' });
    await expect(logins.takeState('live', now)).resolves.toBeUndefined();
    await expect(logins.takeState('stale', now)).resolves.toBeUndefined();

    const code = { codeHash: 'c', tenantId, clientId: 'app', redirectUri: 'https://app.example/cb', userId: randomUUID(), providerKey: 'google', codeChallenge: null, amr: [], createdAt: now, expiresAt: new Date(now.getTime() + 60000) };
    await logins.saveCode(code);
    await expect(logins.takeCode('c', now)).resolves.toMatchObject({ userId: code.userId });
    await expect(logins.takeCode('c', now)).resolves.toBeUndefined();
  });
});
