import { DistributedSuite, eventually, startDistributedSuite, startTestPostgres, TestKafka, TestPostgres } from '@sigma/shared/testing';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';

jest.setTimeout(240000);

const BOOTSTRAP_PASSWORD = 'e2e-bootstrap-password-1';
const PASSWORD = 'Vx9!kq2#Lm-orbit';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';

interface Tokens {
  access_token: string;
  refresh_token: string;
}
interface RevokedEvent {
  type: string;
  tenant_id: string;
  subject: string;
  data: { session_id: string; user_id: string; reason: string; revoked_at: string };
}
interface AdminSession {
  id: string;
  userId: string;
  userEmail: string | null;
  applicationId: string;
  isActive: boolean;
  deviceInfo: Record<string, string | null>;
  location: Record<string, string | null>;
  revokedReason: string | null;
}
interface AdminList {
  success: boolean;
  sessions: AdminSession[];
  total: number;
  activeCount: number;
  message: string;
}
interface Person {
  id: string;
  email: string;
}
interface TenantFixture {
  id: string;
  admin: Person & { token: string };
  member: Person;
}

/**
 * Sessions as clients meet them through the gateway of the distributed topology (five processes,
 * real PostgreSQL and Kafka): every login's session at session-service, seed 001 and 002 session
 * routes, session.revoked on Kafka for each way a session ends, and refresh refused afterwards.
 */
describe('sessions through the gateway', () => {
  let postgres: TestPostgres;
  let kafka: TestKafka;
  let suite: DistributedSuite;
  let db: Client;
  let consumer: Consumer;
  let gateway: string;
  let operator: string;
  let a: TenantFixture;
  let b: TenantFixture;
  const revoked: RevokedEvent[] = [];

  const call = async <T = Record<string, unknown>>(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${gateway}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const login = async (email: string, tenantId: string, userAgent = FIREFOX_LINUX): Promise<Tokens & { sid: string }> => {
    const answer = await call<Tokens>('POST', '/api/v1/auth/login', { body: { username: email, password: PASSWORD, tenant_id: tenantId }, headers: { 'user-agent': userAgent } });
    expect(answer.status).toBe(200);
    const payload = JSON.parse(Buffer.from(answer.body.access_token.split('.')[1], 'base64url').toString('utf8')) as { sid: string };
    return { ...answer.body, sid: payload.sid };
  };
  const refresh = (refreshToken: string) => call<Tokens>('POST', '/api/v1/auth/refresh', { body: { refresh_token: refreshToken } });
  const revokedEvent = (sessionId: string) => eventually(async () => revoked.find((e) => e.data.session_id === sessionId), 20000);
  const adminList = async (token: string, query = ''): Promise<AdminList> => {
    const answer = await call<AdminList>('GET', `/api/admin/identity/sessions${query}`, { token });
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const sessionRow = async (id: string) => (await db.query('SELECT revoked_reason FROM session.sessions WHERE id = $1', [id])).rows[0] as { revoked_reason: string | null } | undefined;

  async function createUser(token: string, tenantId: string, email: string, roles: string[] = []): Promise<Person> {
    const answer = await call<{ id: string }>('POST', '/api/v1/users', { token, body: { email, password: PASSWORD, tenant_id: tenantId, ...(roles.length ? { roles } : {}) } });
    expect(answer.status).toBe(201);
    return { id: answer.body.id, email };
  }

  async function tenantFixture(label: string): Promise<TenantFixture> {
    const created = await call<{ id: string }>('POST', '/api/v1/tenants', { token: operator, body: { name: `Sessions ${label} ${randomUUID().slice(0, 6)}` } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const admin = await createUser(operator, id, `admin-${label}@example.test`, ['admin']);
    const member = await createUser(operator, id, `member-${label}@example.test`);
    return { id, admin: { ...admin, token: (await login(admin.email, id)).access_token }, member };
  }

  beforeAll(async () => {
    [postgres, kafka] = await Promise.all([startTestPostgres(), TestKafka.start()]);
    suite = await startDistributedSuite(postgres.url, kafka.brokers, { IAM_BOOTSTRAP_ADMIN_PASSWORD: BOOTSTRAP_PASSWORD });
    gateway = suite.gateway.url;
    db = new Client({ connectionString: postgres.url });
    await db.connect();
    consumer = new Kafka({ clientId: 'e2e-sessions', brokers: [kafka.brokers], logLevel: logLevel.NOTHING }).consumer({ groupId: `e2e-sessions-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: 'session.revoked', fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void (message.value && revoked.push(JSON.parse(message.value.toString()))) });
    const answer = await call<Tokens>('POST', '/api/v1/auth/login', { body: { username: 'admin@sigma-iam.local', password: BOOTSTRAP_PASSWORD } });
    expect(answer).toMatchObject({ status: 200 });
    operator = answer.body.access_token;
    a = await tenantFixture('a');
    b = await tenantFixture('b');
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await db?.end();
    await suite?.stop();
    await kafka?.destroy();
    await postgres?.stop();
  });

  it('makes each login a session: the caller sees it in /identity/v2/sessions/active, the admin in the tenant list', async () => {
    const session = await login(a.member.email, a.id);
    const member = session.access_token;
    const active = await call<{ sessions: Array<Record<string, unknown>> }>('GET', `/identity/v2/sessions/active?tenant_id=${a.id}`, { token: member });
    expect(active.status).toBe(200);
    const mine = active.body.sessions.find((s) => s['id'] === session.sid);
    expect(mine).toEqual({
      id: session.sid,
      created_at: expect.any(String),
      last_activity: expect.any(String),
      expires_at: expect.any(String),
      client_id: 'sigma-iam',
      current: true,
      device_info: { user_agent: FIREFOX_LINUX, ip_address: expect.any(String), device_type: 'Desktop', device_name: 'Firefox on Linux', browser: 'Firefox', os: 'Linux' },
    });

    const list = await adminList(a.admin.token, `?userId=${a.member.id}&active=true`);
    expect(list).toMatchObject({ success: true, message: 'Sessions retrieved successfully' });
    expect(list.sessions.map((s) => s.id)).toContain(session.sid);
    expect(list.sessions.find((s) => s.id === session.sid)).toMatchObject({ userId: a.member.id, userEmail: a.member.email, applicationId: 'sigma-iam', isActive: true, deviceInfo: { browser: 'Firefox', os: 'Linux' } });
    expect(list.activeCount).toBe(list.total);

    // Refresh keeps the session (and its sid) and records activity.
    const refreshed = await refresh(session.refresh_token);
    expect(refreshed.status).toBe(200);
  });

  it('revokes a session (own, seed 001): session.revoked on Kafka, and its refresh token is refused', async () => {
    const session = await login(a.member.email, a.id);
    const answer = await call('POST', `/identity/v2/sessions/${session.sid}/revoke`, { token: session.access_token });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ session_id: session.sid, revoked: true, reason: 'logout' });
    const event = await revokedEvent(session.sid);
    expect(event).toMatchObject({ type: 'session.revoked', tenant_id: a.id, subject: a.member.id, data: { user_id: a.member.id, reason: 'logout' } });
    const refused = await refresh(session.refresh_token);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: { code: 'INVALID_TOKEN' } });
  });

  it('revokes by admin (seed 002 DELETE with sessionId), and all sessions of a user with revokeAll', async () => {
    const one = await login(a.member.email, a.id);
    const two = await login(a.member.email, a.id);
    const single = await call('DELETE', `/api/admin/identity/sessions?sessionId=${one.sid}`, { token: a.admin.token });
    expect(single).toEqual({ status: 200, body: { success: true, revokedCount: 1, message: 'Session revoked successfully' } });
    expect((await revokedEvent(one.sid)).data.reason).toBe('admin');
    expect((await refresh(one.refresh_token)).status).toBe(401);
    expect((await refresh(two.refresh_token)).status).toBe(200);

    const three = await login(a.member.email, a.id);
    const all = await call<{ revokedCount: number }>('DELETE', `/api/admin/identity/sessions?userId=${a.member.id}&revokeAll=true`, { token: a.admin.token });
    expect(all.status).toBe(200);
    expect(all.body.revokedCount).toBeGreaterThanOrEqual(2);
    expect((await revokedEvent(three.sid)).data.reason).toBe('admin');
    expect((await refresh(three.refresh_token)).status).toBe(401);
    expect((await adminList(a.admin.token, `?userId=${a.member.id}&active=true`)).total).toBe(0);
  });

  it('revokes a subject (seed 001): every session of the user, each on Kafka, refresh refused', async () => {
    const sessions = [await login(a.member.email, a.id), await login(a.member.email, a.id)];
    const answer = await call<{ revoked_sessions: number }>('POST', '/identity/v2/subject/revoke', { token: a.admin.token, body: { user_id: a.member.id, tenant_id: a.id } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ user_id: a.member.id, tenant_id: a.id, revoked_sessions: 2 });
    for (const session of sessions) {
      expect((await revokedEvent(session.sid)).data.reason).toBe('subject_revoked');
      expect((await refresh(session.refresh_token)).status).toBe(401);
    }
  });

  it("evicts the oldest session beyond the tenant's maxSessions", async () => {
    const policy = await call('PUT', '/api/admin/identity/sessions/policy', { token: a.admin.token, body: { maxSessions: 2 } });
    expect(policy.status).toBe(200);
    expect(policy.body).toMatchObject({ success: true, policy: { maxSessions: 2 } });
    const user = await createUser(operator, a.id, `evict-${randomUUID().slice(0, 6)}@example.test`);
    const first = await login(user.email, a.id);
    const second = await login(user.email, a.id);
    const third = await login(user.email, a.id);
    expect((await revokedEvent(first.sid)).data).toMatchObject({ user_id: user.id, reason: 'max_sessions' });
    expect((await refresh(first.refresh_token)).status).toBe(401);
    expect((await refresh(second.refresh_token)).status).toBe(200);
    const list = await adminList(a.admin.token, `?userId=${user.id}`);
    expect([list.total, list.activeCount]).toEqual([3, 2]);
    expect(list.sessions.find((s) => s.id === first.sid)).toMatchObject({ isActive: false, revokedReason: 'max_sessions' });
    expect(list.sessions.filter((s) => s.isActive).map((s) => s.id).sort()).toEqual([second.sid, third.sid].sort());
    await call('PUT', '/api/admin/identity/sessions/policy', { token: a.admin.token, body: {} });
  });

  it('ends the session at logout and on refresh-token reuse, each on Kafka', async () => {
    const out = await login(a.member.email, a.id);
    expect((await call('POST', '/api/v1/auth/logout', { body: { refresh_token: out.refresh_token } })).status).toBe(200);
    expect((await revokedEvent(out.sid)).data.reason).toBe('logout');
    expect(await sessionRow(out.sid)).toEqual({ revoked_reason: 'logout' });

    const reused = await login(a.member.email, a.id);
    expect((await refresh(reused.refresh_token)).status).toBe(200);
    expect((await refresh(reused.refresh_token)).status).toBe(401);
    expect((await revokedEvent(reused.sid)).data.reason).toBe('refresh_token_reuse');
    expect(await sessionRow(reused.sid)).toEqual({ revoked_reason: 'refresh_token_reuse' });
  });

  it('keeps tenants apart on every session route', async () => {
    const session = await login(a.member.email, a.id);
    const other = b.admin.token;
    expect((await adminList(other, `?userId=${a.member.id}`)).total).toBe(0);
    expect((await adminList(other)).sessions.every((s) => s.userId !== a.member.id)).toBe(true);
    expect((await call('DELETE', `/api/admin/identity/sessions?sessionId=${session.sid}`, { token: other })).status).toBe(404);
    const revoke = await call('POST', `/identity/v2/sessions/${session.sid}/revoke`, { token: other });
    expect(revoke.status).toBe(404);
    expect(revoke.body).toMatchObject({ error: 'not_found' });
    const subject = await call('POST', '/identity/v2/subject/revoke', { token: other, body: { user_id: a.member.id, tenant_id: a.id } });
    expect(subject.status).toBe(403);
    expect(subject.body).toMatchObject({ error: 'access_denied' });
    expect((await call('GET', `/identity/v2/sessions/active?tenant_id=${a.id}`, { token: other })).status).toBe(403);
    // Nothing happened to the session.
    expect(await sessionRow(session.sid)).toEqual({ revoked_reason: null });
    expect((await refresh(session.refresh_token)).status).toBe(200);
  });

  it("lets the platform operator act on another tenant's sessions by naming the tenant, and no tenant's admin, both ways (ADR 15)", async () => {
    const [memberA, memberB] = await Promise.all([
      createUser(operator, a.id, `op-a-${randomUUID().slice(0, 6)}@example.test`),
      createUser(operator, b.id, `op-b-${randomUUID().slice(0, 6)}@example.test`),
    ]);
    const superB = await createUser(operator, b.id, `super-b-${randomUUID().slice(0, 6)}@example.test`, ['super-admin']);
    const superBToken = (await login(superB.email, b.id)).access_token;
    const inA = await login(memberA.email, a.id);
    const inB = await login(memberB.email, b.id);

    // Tenant administrators (even a holder of * in its own tenant) never reach another tenant's sessions.
    const refusals: Array<[string, string, string]> = [
      [b.admin.token, a.id, inA.sid],
      [a.admin.token, b.id, inB.sid],
      [superBToken, a.id, inA.sid],
    ];
    for (const [token, tenantId, sid] of refusals) {
      const list = await call('GET', `/api/admin/identity/sessions?tenantId=${tenantId}`, { token });
      expect(list).toMatchObject({ status: 403, body: { success: false, code: 'INSUFFICIENT_PERMISSIONS' } });
      expect((await call('DELETE', `/api/admin/identity/sessions?tenantId=${tenantId}&sessionId=${sid}`, { token })).status).toBe(403);
      expect(await call('POST', `/identity/v2/sessions/${sid}/revoke?tenant_id=${tenantId}`, { token })).toMatchObject({ status: 403, body: { error: 'access_denied' } });
      expect((await call('POST', '/identity/v2/subject/revoke', { token, body: { user_id: tenantId === a.id ? memberA.id : memberB.id, tenant_id: tenantId } })).status).toBe(403);
    }
    expect(await sessionRow(inA.sid)).toEqual({ revoked_reason: null });
    expect(await sessionRow(inB.sid)).toEqual({ revoked_reason: null });

    // The platform operator: its own tenant unless it names another; an unknown tenant is 404.
    expect((await adminList(operator, `?userId=${memberA.id}`)).total).toBe(0);
    const listed = await adminList(operator, `?tenantId=${a.id}&userId=${memberA.id}&active=true`);
    expect(listed.sessions.map((session) => session.id)).toEqual([inA.sid]);
    expect((await call('GET', `/api/admin/identity/sessions?tenantId=${randomUUID()}`, { token: operator })).status).toBe(404);
    const single = await call('DELETE', `/api/admin/identity/sessions?tenantId=${a.id}&sessionId=${inA.sid}`, { token: operator });
    expect(single).toEqual({ status: 200, body: { success: true, revokedCount: 1, message: 'Session revoked successfully' } });
    expect((await revokedEvent(inA.sid)).data).toMatchObject({ user_id: memberA.id, reason: 'admin' });
    const again = await login(memberA.email, a.id);
    expect(await call('POST', `/identity/v2/sessions/${again.sid}/revoke?tenant_id=${a.id}`, { token: operator })).toMatchObject({ status: 200, body: { session_id: again.sid, reason: 'admin' } });
    const subject = await call('POST', '/identity/v2/subject/revoke', { token: operator, body: { user_id: memberB.id, tenant_id: b.id } });
    expect(subject).toEqual({ status: 200, body: { user_id: memberB.id, tenant_id: b.id, revoked_sessions: 1 } });
    expect((await revokedEvent(inB.sid)).data.reason).toBe('subject_revoked');
    expect((await refresh(inB.refresh_token)).status).toBe(401);
  });

  it('answers bad input 400 and unknown sessions 404 in each family body, changing nothing', async () => {
    const session = await login(a.member.email, a.id);
    const badList = await call('GET', '/api/admin/identity/sessions?userId=nope&active=maybe', { token: a.admin.token });
    expect(badList.status).toBe(400);
    expect(badList.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR', requestId: expect.any(String) });
    for (const query of ['', '?revokeAll=true', `?sessionId=${session.sid}&userId=${a.member.id}`, '?sessionId=nope']) {
      const answer = await call('DELETE', `/api/admin/identity/sessions${query}`, { token: a.admin.token });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
    }
    expect((await call('DELETE', `/api/admin/identity/sessions?sessionId=${randomUUID()}`, { token: a.admin.token })).body).toMatchObject({ success: false, code: 'RESOURCE_NOT_FOUND' });
    const unknown = await call('POST', `/identity/v2/sessions/${randomUUID()}/revoke`, { token: a.admin.token });
    expect(unknown).toEqual({ status: 404, body: { error: 'not_found', error_description: expect.any(String) } });
    const badSubject = await call('POST', '/identity/v2/subject/revoke', { token: a.admin.token, body: { user_id: 'someone' } });
    expect(badSubject.status).toBe(400);
    expect(badSubject.body).toMatchObject({ error: 'invalid_request' });
    expect((await call('GET', '/identity/v2/sessions/active')).status).toBe(401);
    expect((await call('GET', '/api/admin/identity/sessions', { token: session.access_token })).status).toBe(403);
    expect(await sessionRow(session.sid)).toEqual({ revoked_reason: null });
  });

  it("revokes then purges a deleted user's sessions", async () => {
    const user = await createUser(operator, a.id, `gone-${randomUUID().slice(0, 6)}@example.test`);
    const session = await login(user.email, a.id);
    expect((await call('DELETE', `/api/v1/users/${user.id}`, { token: a.admin.token })).status).toBe(204);
    expect((await revokedEvent(session.sid)).data).toMatchObject({ user_id: user.id, reason: 'user_deleted' });
    await eventually(async () => ((await sessionRow(session.sid)) === undefined ? true : undefined), 20000);
    expect((await adminList(a.admin.token, `?userId=${user.id}`)).total).toBe(0);
    expect((await refresh(session.refresh_token)).status).toBe(401);
  });

  describe("auth-server's browser session (the login pages' cookie)", () => {
    const REDIRECT = 'https://app.example/cb';
    const VERIFIER = randomBytes(32).toString('base64url');
    const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
    let app: { client_id: string; client_secret: string };
    let user: Person;

    beforeAll(async () => {
      const registered = await call<{ client_id: string; client_secret: string }>('POST', '/api/v1/applications', {
        token: a.admin.token,
        body: { client_name: 'Browser sessions e2e', redirect_uris: [REDIRECT], allowed_grant_types: ['authorization_code', 'refresh_token'], allowed_scopes: ['openid'], first_party: true },
      });
      expect(registered.status).toBe(201);
      app = registered.body;
      user = await createUser(operator, a.id, `browser-${randomUUID().slice(0, 6)}@example.test`);
    });

    /** A browser's cookie jar: sends what auth-server set, follows nothing by itself. */
    const browser = () => {
      const jar = new Map<string, string>();
      return async (url: string, init: RequestInit = {}): Promise<Response> => {
        const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
        const answer = await fetch(new URL(url, gateway), { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
        for (const set of answer.headers.getSetCookie()) {
          const pair = set.split(';')[0];
          jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
        }
        return answer;
      };
    };
    const authorizeUrl = () => `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: app.client_id, redirect_uri: REDIRECT, scope: 'openid', code_challenge: CHALLENGE, code_challenge_method: 'S256' })}`;
    /** Where /authorize sends this browser now: the login page, or back to the application with a code. */
    const authorizeGoesTo = async (go: ReturnType<typeof browser>): Promise<'login' | 'code'> => {
      const location = new URL((await go(authorizeUrl())).headers.get('location') ?? '', gateway);
      if (location.pathname === '/oauth/login') return 'login';
      expect(location.href.startsWith(REDIRECT) && location.searchParams.get('code')).toBeTruthy();
      return 'code';
    };
    /** Signs the user in on the login page and redeems the code; answers the session and the application's tokens. */
    const signIn = async (go: ReturnType<typeof browser>): Promise<Tokens & { sid: string }> => {
      const page = await go(new URL((await go(authorizeUrl())).headers.get('location') ?? '', gateway).href);
      const html = await page.text();
      const hidden = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? '';
      const form = new URLSearchParams({ login_challenge: hidden('login_challenge'), csrf_token: hidden('csrf_token'), username: user.email, password: PASSWORD });
      let answer = await go('/oauth/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
      let callback = new URL(answer.headers.get('location') ?? '', gateway);
      while (!callback.href.startsWith(REDIRECT) && (answer.status === 302 || answer.status === 303)) {
        answer = await go(callback.href);
        callback = new URL(answer.headers.get('location') ?? '', gateway);
      }
      expect(callback.href.startsWith(REDIRECT)).toBe(true);
      const tokens = await fetch(`${gateway}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${app.client_id}:${app.client_secret}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code') ?? '', redirect_uri: REDIRECT, code_verifier: VERIFIER }).toString(),
      });
      expect(tokens.status).toBe(200);
      const body = (await tokens.json()) as Tokens;
      const { sid } = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString('utf8')) as { sid: string };
      return { ...body, sid };
    };

    it.each([
      ['an admin revokes the session (seed 002)', async (sid: string) => call('DELETE', `/api/admin/identity/sessions?sessionId=${sid}`, { token: a.admin.token })],
      ['an admin revokes the subject (seed 001)', async () => call('POST', '/identity/v2/subject/revoke', { token: a.admin.token, body: { user_id: user.id, tenant_id: a.id } })],
      ['the user signs the session out from another device (seed 001)', async (sid: string) => call('POST', `/identity/v2/sessions/${sid}/revoke`, { token: (await login(user.email, a.id)).access_token })],
      [
        'the application logs out by revoking its refresh token (RFC 7009)',
        async (_sid: string, tokens: Tokens) =>
          fetch(`${gateway}/oauth/revoke`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${app.client_id}:${app.client_secret}`).toString('base64')}` },
            body: new URLSearchParams({ token: tokens.refresh_token, token_type_hint: 'refresh_token' }).toString(),
          }).then((answer) => ({ status: answer.status })),
      ],
    ])('shows the login page at the next /authorize once %s', async (_cause, revoke) => {
      const go = browser();
      const tokens = await signIn(go);
      expect(await authorizeGoesTo(go)).toBe('code');
      expect((await revoke(tokens.sid, tokens)).status).toBe(200);
      expect(await sessionRow(tokens.sid)).toEqual({ revoked_reason: expect.any(String) });
      expect(await authorizeGoesTo(go)).toBe('login');
      expect(await authorizeGoesTo(go)).toBe('login');
    });

    it('keeps the browser session when a session it started merely expired', async () => {
      const go = browser();
      const tokens = await signIn(go);
      await db.query("UPDATE session.sessions SET revoked_at = now(), revoked_reason = 'expired' WHERE id = $1", [tokens.sid]);
      expect(await authorizeGoesTo(go)).toBe('code');
    });
  });
});
