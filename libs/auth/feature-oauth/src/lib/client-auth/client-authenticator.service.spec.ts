import type { ClientRecord, ClientRegistry } from '@sigma/auth/feature-clients';
import { hashToken } from '@sigma/shared/util-crypto';
import { DomainError } from '@sigma/shared/util-errors';
import { randomUUID } from 'node:crypto';
import type { ReplayGuard } from '../dpop/replay-guard.service';
import { OAuthClientAuthenticator } from './client-authenticator.service';

const TENANT = randomUUID();
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** The registry as PostgreSQL would answer it: the stored row, looked up each time (counted). */
class StoredClients {
  lookups = 0;
  row: ClientRecord = {
    id: randomUUID(),
    tenantId: TENANT,
    clientId: 'bench-client',
    name: 'Bench',
    slug: 'bench',
    description: null,
    clientType: 'confidential',
    appType: 'web',
    status: 'active',
    url: null,
    redirectUris: [],
    postLogoutRedirectUris: [],
    allowedGrantTypes: ['client_credentials'],
    allowedScopes: ['api:read'],
    allowedOrigins: [],
    tokenLifetimes: { accessToken: null, refreshToken: null, idToken: null },
    tokenEndpointAuthMethod: 'client_secret_basic',
    secretHash: hashToken('secret-one'),
    jwks: null,
    jwksUri: null,
    requirePkce: true,
    allowPlainPkce: false,
    dpopBound: false,
    dpopNonceRequired: false,
    requirePar: false,
    fapi2: false,
    allowImplicit: false,
    firstParty: false,
    settings: {} as ClientRecord['settings'],
    branding: {} as ClientRecord['branding'],
    createdAt: new Date('2026-11-01T00:00:00Z'),
    updatedAt: new Date('2026-11-01T00:00:00Z'),
  };

  async findActiveByClientId(tenantId: string | undefined, clientId: string): Promise<ClientRecord | undefined> {
    this.lookups += 1;
    const row = this.row;
    return row.clientId === clientId && row.status === 'active' && (tenantId === undefined || tenantId === row.tenantId) ? { ...row } : undefined;
  }
}

describe('OAuthClientAuthenticator client cache', () => {
  let stored: StoredClients;
  let now: Date;
  let authenticator: OAuthClientAuthenticator;
  const authenticate = (secret: string) => authenticator.authenticate({ authorization: basic('bench-client', secret), body: {} }, undefined, 'token', '/oauth/token');
  const refused = async (secret: string) => {
    const error = await authenticate(secret).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).oauthError).toBe('invalid_client');
  };

  beforeEach(() => {
    stored = new StoredClients();
    now = new Date('2026-11-30T00:00:00Z');
    const options = { publicUrl: 'https://iam.example.test', nonceSecret: Buffer.alloc(32), requireDpopNonce: false };
    authenticator = new OAuthClientAuthenticator(stored as unknown as ClientRegistry, {} as ReplayGuard, options, () => now);
  });

  it('reuses an active client for 5 s, then reads it again', async () => {
    await authenticate('secret-one');
    await authenticate('secret-one');
    expect(stored.lookups).toBe(1);
    now = new Date(now.getTime() + 5001);
    await authenticate('secret-one');
    expect(stored.lookups).toBe(2);
  });

  it('refuses a deactivated client once the 5 s have passed, on a replica that had it cached', async () => {
    expect((await authenticate('secret-one')).client.clientId).toBe('bench-client');
    stored.row = { ...stored.row, status: 'inactive' };
    now = new Date(now.getTime() + 5001);
    await refused('secret-one');
  });

  it('accepts a rotated secret at once and refuses the old one as soon as the new record is read', async () => {
    await authenticate('secret-one');
    stored.row = { ...stored.row, secretHash: hashToken('secret-two') };
    expect((await authenticate('secret-two')).method).toBe('client_secret_basic');
    await refused('secret-one');
  });

  it('refuses a wrong secret after looking the client up again, without caching the refusal', async () => {
    await authenticate('secret-one');
    await refused('not-the-secret');
    expect(stored.lookups).toBe(2);
    await authenticate('secret-one');
    expect(stored.lookups).toBe(2);
  });

  it('never caches unknown clients', async () => {
    stored.row = { ...stored.row, status: 'pending' };
    await refused('secret-one');
    await refused('secret-one');
    expect(stored.lookups).toBe(2);
  });
});
