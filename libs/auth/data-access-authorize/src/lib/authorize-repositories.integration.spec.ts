import { openServiceDatabase } from '@sigma/shared/data-access-persistence';
import { startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuthorizationCode, AuthorizationCodeRepository } from './authorization-code.repository';
import type { AuthorizationRequest } from './authorization-request';
import { CreateAuthorizeTables1796004417079 } from './authorize.migration';
import { BrowserSessionRepository } from './browser-session.repository';
import { ConsentRepository } from './consent.repository';
import { DeviceAuthorizationRepository } from './device-authorization.repository';
import { purgeExpiredAuthorizeState } from './purge';
import { PushedRequestRepository } from './pushed-request.repository';

jest.setTimeout(60000);

const REQUEST: AuthorizationRequest = { clientId: 'c1', redirectUri: 'https://app/cb', scope: 'openid', prompt: [], pushed: true };

describe('authorization repositories on real PostgreSQL', () => {
  let postgres: TestPostgres;
  let db: DataSource;
  const tenantId = randomUUID();
  const now = new Date();
  const later = new Date(now.getTime() + 60000);

  beforeAll(async () => {
    postgres = await startTestPostgres();
    db = (await openServiceDatabase({ url: postgres.url, schema: 'auth', poolSize: 4, applicationName: 'authorize-test', entities: [], migrations: [CreateAuthorizeTables1796004417079] })).dataSource;
  });

  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
  });

  it('hands out a pushed request once, only to its client, only before it expires', async () => {
    const pushed = new PushedRequestRepository(db.manager);
    await pushed.insert({ requestUriHash: 'h1', tenantId, clientId: 'c1', request: REQUEST, createdAt: now, expiresAt: later });
    expect(await pushed.consume('h1', 'c2', now)).toBeUndefined();
    expect(await pushed.consume('h1', 'c1', now)).toEqual({ tenantId, request: REQUEST });
    expect(await pushed.consume('h1', 'c1', now)).toBeUndefined();
    await pushed.insert({ requestUriHash: 'h2', tenantId, clientId: 'c1', request: REQUEST, createdAt: now, expiresAt: later });
    expect(await pushed.consume('h2', 'c1', new Date(later.getTime() + 1))).toBeUndefined();
  });

  it('redeems a code once; a second presentation is a replay naming the session the first one started', async () => {
    const code: AuthorizationCode = {
      tenantId,
      clientId: 'c1',
      userId: randomUUID(),
      redirectUri: 'https://app/cb',
      scope: 'openid',
      nonce: null,
      codeChallenge: null,
      codeChallengeMethod: null,
      dpopJkt: null,
      authTime: now,
      amr: ['pwd'],
      browserSessionId: null,
      expiresAt: later,
    };
    await new AuthorizationCodeRepository(db.manager).insert('code-1', code, now);
    const sessionId = randomUUID();
    await db.transaction(async (manager) => {
      expect(await new AuthorizationCodeRepository(manager).redeem('code-1', now)).toMatchObject({ outcome: 'redeemed', code: { clientId: 'c1', amr: ['pwd'] } });
      await new AuthorizationCodeRepository(manager).recordSession('code-1', sessionId);
    });
    expect(await new AuthorizationCodeRepository(db.manager).redeem('code-1', now)).toMatchObject({ outcome: 'replayed', sessionId });
    expect(await new AuthorizationCodeRepository(db.manager).redeem('unknown', now)).toEqual({ outcome: 'invalid' });
  });

  it('keeps user codes unique and decides a device authorization once', async () => {
    const devices = new DeviceAuthorizationRepository(db.manager);
    const device = { tenantId, clientId: 'c1', userCode: 'BCDF-GHJK', scope: 'openid', intervalSeconds: 5, expiresAt: later };
    expect(await devices.insert('d1', device, now)).toBe(true);
    expect(await devices.insert('d2', device, now)).toBe(false);
    expect(await devices.findPendingByUserCode('BCDF-GHJK', now)).toMatchObject({ clientId: 'c1', status: 'pending' });
    expect(await devices.decide('BCDF-GHJK', { approved: false }, now)).toBe(true);
    expect(await devices.decide('BCDF-GHJK', { approved: false }, now)).toBe(false);
    expect(await devices.findPendingByUserCode('BCDF-GHJK', now)).toBeUndefined();
  });

  it('ends a browser session once, answering the login sessions started from it; consents accumulate', async () => {
    const sessions = new BrowserSessionRepository(db.manager);
    const id = randomUUID();
    await sessions.insert({ id, tokenHash: 'cookie-1', tenantId, userId: randomUUID(), authTime: now, amr: ['pwd'], expiresAt: later, createdAt: now });
    expect(await sessions.findActive('cookie-1', now)).toMatchObject({ id, tenantId });
    const sid = randomUUID();
    await sessions.recordLogin(id, sid);
    expect(await sessions.end(id, now)).toEqual([sid]);
    expect(await sessions.end(id, now)).toBeUndefined();
    expect(await sessions.findActive('cookie-1', now)).toBeUndefined();

    const consents = new ConsentRepository(db.manager);
    const userId = randomUUID();
    await consents.remember(tenantId, userId, 'c1', ['openid'], now);
    await consents.remember(tenantId, userId, 'c1', ['email', 'openid'], now);
    expect(await consents.scopesOf(tenantId, userId, 'c1')).toEqual(['email', 'openid']);
    expect(await consents.scopesOf(tenantId, userId, 'c2')).toEqual([]);
  });

  it('purges only what expired before the cut-off', async () => {
    const pushed = new PushedRequestRepository(db.manager);
    await pushed.insert({ requestUriHash: 'old', tenantId, clientId: 'c1', request: REQUEST, createdAt: now, expiresAt: new Date(now.getTime() - 1000) });
    await pushed.insert({ requestUriHash: 'fresh', tenantId, clientId: 'c1', request: REQUEST, createdAt: now, expiresAt: later });
    const counts = await purgeExpiredAuthorizeState(db.manager, now);
    expect(counts.pushed_authorization_requests).toBeGreaterThanOrEqual(1);
    const left: Array<{ request_uri_hash: string }> = await db.query("SELECT request_uri_hash FROM auth.pushed_authorization_requests WHERE request_uri_hash IN ('old', 'fresh')");
    expect(left).toEqual([{ request_uri_hash: 'fresh' }]);
  });
});
