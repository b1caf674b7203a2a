import { createEnvelope } from '@sigma/shared/contracts-events';
import { SESSION_INTERNAL_ROUTES } from '@sigma/shared/contracts-internal';
import { InMemoryEventBus } from '@sigma/shared/data-access-events';
import { RunningService, startService } from '@sigma/shared/feature-service-host';
import { eventually, freePort, readJson, startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { API_AUDIENCE, issuerOf } from '@sigma/shared/util-auth';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { sessionService } from './session-service.definition';

jest.setTimeout(120000);

const PUBLIC_URL = 'https://iam.example.test';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

interface Status {
  id: string;
  tenant_id: string;
  user_id: string;
  client_id: string;
  active: boolean;
  state: string;
  created_at: string;
  last_activity_at: string;
  expires_at: string;
  idle_expires_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
  amr: string[];
}
interface Envelope {
  id: string;
  type: string;
  tenant_id: string;
  subject: string;
  data: Record<string, string>;
}
interface Feed {
  revocations: Array<{ kind: string; tenant_id: string; user_id: string; session_id: string | null; reason: string; revoked_at: string }>;
  window_start: string;
  generated_at: string;
  next_cursor: string | null;
}

/**
 * session-service as it runs (settings, migrations, consumers, HTTP plumbing, error bodies) over
 * real PostgreSQL and the in-memory event bus, with bearer tokens from a local JWKS.
 */
describe('session-service', () => {
  let postgres: TestPostgres;
  let service: RunningService;
  let jwks: Server;
  let db: Client;
  let base: string;
  let sign: (claims: { tenantId: string; userId?: string; permissions?: string[]; sid?: string }) => Promise<string>;
  const bus = new InMemoryEventBus();
  const events: Envelope[] = [];

  beforeAll(async () => {
    postgres = await startTestPostgres();
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    sign = ({ tenantId, userId, permissions = [], sid }) =>
      new SignJWT({ tid: tenantId, client_id: 'console', scope: 'openid', roles: [], permissions, ...(sid ? { sid } : {}) })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
        .setIssuer(issuerOf(PUBLIC_URL, tenantId))
        .setAudience(API_AUDIENCE)
        .setSubject(userId ?? 'console')
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(privateKey);
    bus.subscribe('test', ['session.created', 'session.revoked'], async (message) => void events.push(JSON.parse(message.value?.toString() ?? '{}')));
    service = await startService(sessionService, {
      bus,
      env: {
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        DATABASE_URL: postgres.url,
        EVENT_TRANSPORT: 'memory',
        OUTBOX_POLL_INTERVAL_MS: '20',
        PUBLIC_URL,
        AUTH_SERVER_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`,
      },
    });
    base = service.url.replace('localhost', '127.0.0.1');
    db = new Client({ connectionString: postgres.url });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await service?.close();
    jwks?.closeAllConnections();
    await new Promise((resolve) => jwks?.close(resolve));
    await postgres?.stop();
  });

  const call = (method: string, path: string, options: { body?: object; token?: string; headers?: Record<string, string> } = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        ...(options.body ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.body ? JSON.stringify(options.body) : undefined,
    });
  const create = async (body: Record<string, unknown>): Promise<Status> => {
    const answer = await call('POST', SESSION_INTERNAL_ROUTES.create, { body });
    expect(answer.status).toBe(201);
    return readJson<Status>(answer);
  };
  const revokedEventOf = (sessionId: string) =>
    eventually(async () => events.find((e) => e.type === 'session.revoked' && e.data['session_id'] === sessionId));
  const feed = async (query = ''): Promise<Feed> => {
    const answer = await call('GET', `${SESSION_INTERNAL_ROUTES.revocations}${query}`);
    expect(answer.status).toBe(200);
    return readJson<Feed>(answer);
  };
  const newUser = () => ({ tenantId: randomUUID(), userId: randomUUID() });

  describe('internal API', () => {
    it('creates a session with device info from the User-Agent and publishes session.created', async () => {
      const { tenantId, userId } = newUser();
      const session = await create({ tenant_id: tenantId, user_id: userId, client_id: 'sigma-iam', ip_address: '203.0.113.9', user_agent: CHROME, amr: ['pwd'] });
      expect(session).toMatchObject({ tenant_id: tenantId, user_id: userId, client_id: 'sigma-iam', active: true, state: 'active', revoked_at: null, amr: ['pwd'] });
      expect(new Date(session.expires_at).getTime() - new Date(session.created_at).getTime()).toBe(604800 * 1000);
      expect(new Date(session.idle_expires_at).getTime() - new Date(session.created_at).getTime()).toBe(86400 * 1000);
      const row = await db.query('SELECT device_type, device_name, browser, os, ip_address FROM session.sessions WHERE id = $1', [session.id]);
      expect(row.rows).toEqual([{ device_type: 'Desktop', device_name: 'Chrome on Windows', browser: 'Chrome', os: 'Windows', ip_address: '203.0.113.9' }]);
      const created = await eventually(async () => events.find((e) => e.type === 'session.created' && e.data['session_id'] === session.id));
      expect(created).toMatchObject({ tenant_id: tenantId, subject: userId, data: { user_id: userId, client_id: 'sigma-iam' } });
    });

    it('gives a remember-me login the remember-me lifetime without a shorter idle timeout', async () => {
      const { tenantId, userId } = newUser();
      const session = await create({ tenant_id: tenantId, user_id: userId, client_id: 'app', remember_me: true });
      expect(new Date(session.expires_at).getTime() - new Date(session.created_at).getTime()).toBe(2592000 * 1000);
      expect(session.idle_expires_at).toBe(session.expires_at);
    });

    it('refuses malformed input with 400 and details, storing nothing', async () => {
      const { tenantId, userId } = newUser();
      const answer = await call('POST', SESSION_INTERNAL_ROUTES.create, { body: { tenant_id: tenantId, user_id: userId, client_id: 'app', ip_address: 'not-an-ip', unexpected: 1 } });
      expect(answer.status).toBe(400);
      const body = await readJson<{ error: { code: string; details: Array<{ field: string }> } }>(answer);
      expect(body.error.code).toBe('VALIDATION_ERROR');
      expect(body.error.details.map((d) => d.field).sort()).toEqual(['ip_address', 'unexpected']);
      expect((await db.query('SELECT 1 FROM session.sessions WHERE tenant_id = $1', [tenantId])).rowCount).toBe(0);
    });

    it('touches an active session, revokes it once (session.revoked, feed entry), then answers it inactive', async () => {
      const { tenantId, userId } = newUser();
      const session = await create({ tenant_id: tenantId, user_id: userId, client_id: 'app' });
      const touched = await readJson<Status>(await call('POST', SESSION_INTERNAL_ROUTES.touch(session.id), { body: { tenant_id: tenantId } }));
      expect(touched.active).toBe(true);
      expect(new Date(touched.last_activity_at).getTime()).toBeGreaterThanOrEqual(new Date(session.last_activity_at).getTime());

      const revoked = await readJson<Status>(await call('POST', SESSION_INTERNAL_ROUTES.revoke(session.id), { body: { tenant_id: tenantId, reason: 'logout' } }));
      expect(revoked).toMatchObject({ active: false, state: 'revoked', revoked_reason: 'logout' });
      const event = await revokedEventOf(session.id);
      expect(event).toMatchObject({ tenant_id: tenantId, subject: userId, data: { user_id: userId, reason: 'logout', revoked_at: revoked.revoked_at } });
      const again = await readJson<Status>(await call('POST', SESSION_INTERNAL_ROUTES.revoke(session.id), { body: { tenant_id: tenantId, reason: 'admin' } }));
      expect(again).toMatchObject({ revoked_reason: 'logout', revoked_at: revoked.revoked_at });
      expect(events.filter((e) => e.type === 'session.revoked' && e.data['session_id'] === session.id)).toHaveLength(1);

      const refused = await readJson<Status>(await call('POST', SESSION_INTERNAL_ROUTES.touch(session.id), { body: { tenant_id: tenantId } }));
      expect(refused).toMatchObject({ active: false, state: 'revoked' });
      const status = await readJson<Status>(await call('GET', `${SESSION_INTERNAL_ROUTES.status(session.id)}?tenant_id=${tenantId}`));
      expect(status).toEqual(refused);
      expect((await feed()).revocations).toContainEqual({ kind: 'session', tenant_id: tenantId, user_id: userId, session_id: session.id, reason: 'logout', revoked_at: revoked.revoked_at });
    });

    it('refuses the touch of an idle or expired session and revokes it with that reason', async () => {
      const { tenantId, userId } = newUser();
      const idle = await create({ tenant_id: tenantId, user_id: userId, client_id: 'app' });
      const expired = await create({ tenant_id: tenantId, user_id: userId, client_id: 'app' });
      await db.query("UPDATE session.sessions SET last_activity_at = now() - interval '2 days' WHERE id = $1", [idle.id]);
      await db.query("UPDATE session.sessions SET expires_at = now() - interval '1 second' WHERE id = $1", [expired.id]);
      const idleAnswer = await readJson<Status>(await call('POST', SESSION_INTERNAL_ROUTES.touch(idle.id), { body: { tenant_id: tenantId } }));
      expect(idleAnswer).toMatchObject({ active: false, state: 'revoked', revoked_reason: 'idle_timeout' });
      const expiredAnswer = await readJson<Status>(await call('POST', SESSION_INTERNAL_ROUTES.touch(expired.id), { body: { tenant_id: tenantId } }));
      expect(expiredAnswer).toMatchObject({ active: false, revoked_reason: 'expired' });
      expect((await revokedEventOf(idle.id)).data['reason']).toBe('idle_timeout');
      expect((await revokedEventOf(expired.id)).data['reason']).toBe('expired');
    });

    it("answers 404 for unknown, malformed and another tenant's session ids", async () => {
      const { tenantId, userId } = newUser();
      const session = await create({ tenant_id: tenantId, user_id: userId, client_id: 'app' });
      for (const [path, body] of [
        [SESSION_INTERNAL_ROUTES.touch(randomUUID()), { tenant_id: tenantId }],
        [SESSION_INTERNAL_ROUTES.touch('not-a-uuid'), { tenant_id: tenantId }],
        [SESSION_INTERNAL_ROUTES.revoke(session.id), { tenant_id: randomUUID(), reason: 'logout' }],
      ] as const) {
        const answer = await call('POST', path, { body });
        expect(answer.status).toBe(404);
        expect((await readJson<{ error: { code: string } }>(answer)).error.code).toBe('RESOURCE_NOT_FOUND');
      }
      expect((await call('GET', `${SESSION_INTERNAL_ROUTES.status(session.id)}?tenant_id=${randomUUID()}`)).status).toBe(404);
      expect((await call('POST', SESSION_INTERNAL_ROUTES.revoke(session.id), { body: { tenant_id: tenantId, reason: 'because' } })).status).toBe(400);
      const status = await readJson<Status>(await call('GET', `${SESSION_INTERNAL_ROUTES.status(session.id)}?tenant_id=${tenantId}`));
      expect(status.active).toBe(true);
    });

    it("evicts the oldest sessions beyond the application's and the tenant's maximum", async () => {
      const { tenantId, userId } = newUser();
      const policy = { application_policy: { max_sessions: 2 } };
      const first = await create({ tenant_id: tenantId, user_id: userId, client_id: 'app', ...policy });
      const second = await create({ tenant_id: tenantId, user_id: userId, client_id: 'app', ...policy });
      const elsewhere = await create({ tenant_id: tenantId, user_id: userId, client_id: 'other' });
      const third = await create({ tenant_id: tenantId, user_id: userId, client_id: 'app', ...policy });
      expect((await revokedEventOf(first.id)).data['reason']).toBe('max_sessions');
      const states = async (ids: string[]) =>
        Promise.all(ids.map(async (id) => (await readJson<Status>(await call('GET', `${SESSION_INTERNAL_ROUTES.status(id)}?tenant_id=${tenantId}`))).state));
      expect(await states([first.id, second.id, elsewhere.id, third.id])).toEqual(['revoked', 'active', 'active', 'active']);

      // The tenant's policy: at most 2 sessions of a user in every application together.
      const admin = await sign({ tenantId, userId: randomUUID(), permissions: ['sessions:*'] });
      const saved = await call('PUT', '/api/admin/identity/sessions/policy', { token: admin, body: { maxSessions: 2, idleTimeout: 3600 } });
      expect(saved.status).toBe(200);
      expect(await saved.json()).toEqual({
        success: true,
        policy: { idleTimeout: 3600, absoluteLifetime: 604800, rememberMeLifetime: 2592000, maxSessions: 2 },
        message: 'Session policy updated successfully',
      });
      const fourth = await create({ tenant_id: tenantId, user_id: userId, client_id: 'other' });
      expect(new Date(fourth.idle_expires_at).getTime() - new Date(fourth.created_at).getTime()).toBe(3600 * 1000);
      expect(await states([second.id, elsewhere.id, third.id, fourth.id])).toEqual(['revoked', 'revoked', 'active', 'active']);
    });

    it('serves the revocation feed from a time, in pages, and refuses malformed queries', async () => {
      const { tenantId, userId } = newUser();
      const since = new Date().toISOString();
      const sessions = await Promise.all([1, 2, 3].map(() => create({ tenant_id: tenantId, user_id: userId, client_id: 'feed' })));
      for (const session of sessions) await call('POST', SESSION_INTERNAL_ROUTES.revoke(session.id), { body: { tenant_id: tenantId, reason: 'admin' } });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Feed = await feed(`?since=${encodeURIComponent(since)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.revocations.length).toBeLessThanOrEqual(2);
        seen.push(...page.revocations.filter((r) => r.tenant_id === tenantId).map((r) => r.session_id ?? ''));
        cursor = page.next_cursor;
      } while (cursor !== null);
      expect(seen.sort()).toEqual(sessions.map((s) => s.id).sort());
      const whole = await feed();
      expect(new Date(whole.generated_at).getTime() - new Date(whole.window_start).getTime()).toBe(86700 * 1000);
      for (const query of ['?since=yesterday', '?limit=0', '?limit=5001', '?cursor=abc', '?since=2026-13-45T00:00:00Z']) {
        expect((await call('GET', `${SESSION_INTERNAL_ROUTES.revocations}${query}`)).status).toBe(400);
      }
    });
  });

  describe('seed 001 routes', () => {
    it("lists the caller's active sessions in the seed's shape, newest first, marking the current one", async () => {
      const { tenantId, userId } = newUser();
      const older = await create({ tenant_id: tenantId, user_id: userId, client_id: 'app', user_agent: CHROME, ip_address: '198.51.100.7' });
      const newer = await create({ tenant_id: tenantId, user_id: userId, client_id: 'app' });
      const ended = await create({ tenant_id: tenantId, user_id: userId, client_id: 'app' });
      await call('POST', SESSION_INTERNAL_ROUTES.revoke(ended.id), { body: { tenant_id: tenantId, reason: 'logout' } });
      await create({ tenant_id: tenantId, user_id: randomUUID(), client_id: 'app' });
      const token = await sign({ tenantId, userId, sid: older.id });
      const answer = await call('GET', `/identity/v2/sessions/active?tenant_id=${tenantId}`, { token });
      expect(answer.status).toBe(200);
      const body = await readJson<{ sessions: Array<Record<string, unknown>> }>(answer);
      expect(body.sessions.map((s) => s['id'])).toEqual([newer.id, older.id]);
      expect(body.sessions[1]).toEqual({
        id: older.id,
        created_at: older.created_at,
        last_activity: older.last_activity_at,
        expires_at: older.expires_at,
        client_id: 'app',
        current: true,
        device_info: { user_agent: CHROME, ip_address: '198.51.100.7', device_type: 'Desktop', device_name: 'Chrome on Windows', browser: 'Chrome', os: 'Windows' },
      });
    });

    it('needs a token (401), a user (403) and the own tenant (403), in the OAuth body', async () => {
      const { tenantId, userId } = newUser();
      const none = await call('GET', '/identity/v2/sessions/active');
      expect(none.status).toBe(401);
      expect(await none.json()).toMatchObject({ error: 'invalid_token' });
      const client = await call('GET', '/identity/v2/sessions/active', { token: await sign({ tenantId }) });
      expect(client.status).toBe(403);
      const other = await call('GET', `/identity/v2/sessions/active?tenant_id=${randomUUID()}`, { token: await sign({ tenantId, userId }) });
      expect(other.status).toBe(403);
      expect(await other.json()).toMatchObject({ error: 'access_denied' });
      expect((await call('GET', '/identity/v2/sessions/active?tenant_id=nope', { token: await sign({ tenantId, userId }) })).status).toBe(400);
    });

    it("revokes one's own session (logout) and, with sessions:write, another's (admin); others get 403, unknown ids 404", async () => {
      const { tenantId, userId } = newUser();
      const mine = await create({ tenant_id: tenantId, user_id: userId, client_id: 'app' });
      const theirs = await create({ tenant_id: tenantId, user_id: randomUUID(), client_id: 'app' });
      const me = await sign({ tenantId, userId });
      const own = await call('POST', `/identity/v2/sessions/${mine.id}/revoke`, { token: me });
      expect(own.status).toBe(200);
      expect(await own.json()).toMatchObject({ session_id: mine.id, revoked: true, reason: 'logout' });
      expect((await revokedEventOf(mine.id)).data['reason']).toBe('logout');

      const forbidden = await call('POST', `/identity/v2/sessions/${theirs.id}/revoke`, { token: me });
      expect(forbidden.status).toBe(403);
      expect((await readJson<Status>(await call('GET', `${SESSION_INTERNAL_ROUTES.status(theirs.id)}?tenant_id=${tenantId}`))).active).toBe(true);
      const admin = await sign({ tenantId, userId: randomUUID(), permissions: ['sessions:write'] });
      expect(await (await call('POST', `/identity/v2/sessions/${theirs.id}/revoke`, { token: admin })).json()).toMatchObject({ reason: 'admin' });

      for (const id of [randomUUID(), 'nope']) {
        const answer = await call('POST', `/identity/v2/sessions/${id}/revoke`, { token: admin });
        expect(answer.status).toBe(404);
        expect(await answer.json()).toMatchObject({ error: 'not_found' });
      }
      const otherTenant = await sign({ tenantId: randomUUID(), userId: randomUUID(), permissions: ['*'] });
      expect((await call('POST', `/identity/v2/sessions/${theirs.id}/revoke`, { token: otherTenant })).status).toBe(404);
    });

    it('revokes a subject: every session, one event each, and the subject in the feed; only admins for others', async () => {
      const { tenantId, userId } = newUser();
      const sessions = await Promise.all([1, 2].map(() => create({ tenant_id: tenantId, user_id: userId, client_id: 'app' })));
      const stranger = await sign({ tenantId, userId: randomUUID() });
      expect((await call('POST', '/identity/v2/subject/revoke', { token: stranger, body: { user_id: userId, tenant_id: tenantId } })).status).toBe(403);
      const admin = await sign({ tenantId, userId: randomUUID(), permissions: ['sessions:write'] });
      expect((await call('POST', '/identity/v2/subject/revoke', { token: admin, body: { user_id: userId, tenant_id: randomUUID() } })).status).toBe(403);
      const bad = await call('POST', '/identity/v2/subject/revoke', { token: admin, body: { user_id: 'x' } });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: 'invalid_request' });

      const answer = await call('POST', '/identity/v2/subject/revoke', { token: admin, body: { user_id: userId, tenant_id: tenantId } });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ user_id: userId, tenant_id: tenantId, revoked_sessions: 2 });
      for (const session of sessions) expect((await revokedEventOf(session.id)).data['reason']).toBe('subject_revoked');
      expect((await feed()).revocations).toContainEqual(expect.objectContaining({ kind: 'subject', tenant_id: tenantId, user_id: userId, session_id: null, reason: 'subject_revoked' }));
    });
  });

  describe('seed 002 admin routes', () => {
    it('lists the tenant\'s sessions with filters, total and activeCount in the envelope', async () => {
      const { tenantId, userId } = newUser();
      const a = await create({ tenant_id: tenantId, user_id: userId, client_id: 'app-a', client_name: 'App A', user_email: 'u@example.test', user_agent: CHROME, ip_address: '192.0.2.1', country: 'US', city: 'New York' });
      const b = await create({ tenant_id: tenantId, user_id: userId, client_id: 'app-b' });
      await create({ tenant_id: tenantId, user_id: randomUUID(), client_id: 'app-a' });
      await call('POST', SESSION_INTERNAL_ROUTES.revoke(b.id), { body: { tenant_id: tenantId, reason: 'logout' } });
      await create({ tenant_id: randomUUID(), user_id: userId, client_id: 'app-a' });
      const admin = await sign({ tenantId, userId: randomUUID(), permissions: ['sessions:read'] });
      const list = async (query: string) => {
        const answer = await call('GET', `/api/admin/identity/sessions${query}`, { token: admin });
        expect(answer.status).toBe(200);
        return readJson<{ success: boolean; sessions: Array<Record<string, unknown>>; total: number; activeCount: number; message: string }>(answer);
      };
      const all = await list('');
      expect(all).toMatchObject({ success: true, total: 3, activeCount: 2, message: 'Sessions retrieved successfully' });
      const mine = await list(`?userId=${userId}`);
      expect([mine.total, mine.activeCount]).toEqual([2, 1]);
      expect((await list(`?userId=${userId}&active=false`)).sessions.map((s) => s['id'])).toEqual([b.id]);
      const inA = await list(`?userId=${userId}&applicationId=app-a&active=true`);
      expect(inA.sessions).toEqual([
        {
          id: a.id,
          userId,
          userEmail: 'u@example.test',
          applicationId: 'app-a',
          applicationName: 'App A',
          isActive: true,
          deviceInfo: { deviceType: 'Desktop', deviceName: 'Chrome on Windows', browser: 'Chrome', os: 'Windows', userAgent: CHROME },
          location: { ipAddress: '192.0.2.1', country: 'US', city: 'New York' },
          createdAt: a.created_at,
          lastActivityAt: a.last_activity_at,
          expiresAt: a.expires_at,
          revokedAt: null,
          revokedReason: null,
        },
      ]);
      const bad = await call('GET', '/api/admin/identity/sessions?userId=nope&active=maybe', { token: admin });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
      expect((await call('GET', '/api/admin/identity/sessions')).status).toBe(401);
      expect((await call('GET', '/api/admin/identity/sessions', { token: await sign({ tenantId, userId }) })).status).toBe(403);
    });

    it('revokes by sessionId or all of a user, refusing ambiguous or empty requests with 400', async () => {
      const { tenantId, userId } = newUser();
      const [one, two, three] = await Promise.all([1, 2, 3].map(() => create({ tenant_id: tenantId, user_id: userId, client_id: 'app' })));
      const admin = await sign({ tenantId, userId: randomUUID(), permissions: ['sessions:write'] });
      const reader = await sign({ tenantId, userId: randomUUID(), permissions: ['sessions:read'] });
      expect((await call('DELETE', `/api/admin/identity/sessions?sessionId=${one.id}`, { token: reader })).status).toBe(403);
      for (const query of ['', `?revokeAll=true`, `?sessionId=${one.id}&userId=${userId}`, `?userId=${userId}&revokeAll=false`, '?sessionId=nope']) {
        const answer = await call('DELETE', `/api/admin/identity/sessions${query}`, { token: admin });
        expect(answer.status).toBe(400);
        expect(await answer.json()).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
      }
      expect((await call('DELETE', `/api/admin/identity/sessions?sessionId=${randomUUID()}`, { token: admin })).status).toBe(404);
      const single = await call('DELETE', `/api/admin/identity/sessions?sessionId=${one.id}`, { token: admin });
      expect(await single.json()).toEqual({ success: true, revokedCount: 1, message: 'Session revoked successfully' });
      expect((await revokedEventOf(one.id)).data['reason']).toBe('admin');
      const all = await call('DELETE', `/api/admin/identity/sessions?userId=${userId}&revokeAll=true`, { token: admin });
      expect(await all.json()).toEqual({ success: true, revokedCount: 2, message: 'Sessions revoked successfully' });
      await revokedEventOf(two.id);
      await revokedEventOf(three.id);
      const otherTenant = await sign({ tenantId: randomUUID(), userId: randomUUID(), permissions: ['*'] });
      expect((await call('DELETE', `/api/admin/identity/sessions?sessionId=${two.id}`, { token: otherTenant })).status).toBe(404);
    });
  });

  describe('user.deleted', () => {
    it("revokes then purges the user's sessions, once per event", async () => {
      const { tenantId, userId } = newUser();
      const sessions = await Promise.all([1, 2].map(() => create({ tenant_id: tenantId, user_id: userId, client_id: 'app' })));
      const keep = await create({ tenant_id: tenantId, user_id: randomUUID(), client_id: 'app' });
      const envelope = createEnvelope({ type: 'user.deleted', tenantId, subject: userId, data: { user_id: userId } });
      const message = { topic: 'user.deleted', key: userId, value: JSON.stringify(envelope), headers: {} };
      await bus.publish([message]);
      for (const session of sessions) expect((await revokedEventOf(session.id)).data['reason']).toBe('user_deleted');
      await eventually(async () => ((await db.query('SELECT 1 FROM session.sessions WHERE user_id = $1', [userId])).rowCount === 0 ? true : undefined));
      await bus.publish([message]);
      const processed = await db.query("SELECT count(*)::int AS n FROM session.processed_events WHERE event_id = $1", [envelope.id]);
      expect(processed.rows).toEqual([{ n: 1 }]);
      expect((await feed()).revocations).toContainEqual(expect.objectContaining({ kind: 'subject', user_id: userId, reason: 'user_deleted' }));
      expect((await readJson<Status>(await call('GET', `${SESSION_INTERNAL_ROUTES.status(keep.id)}?tenant_id=${tenantId}`))).active).toBe(true);
      expect(events.filter((e) => e.type === 'session.revoked' && sessions.some((s) => s.id === e.data['session_id']))).toHaveLength(2);
    });
  });
});
