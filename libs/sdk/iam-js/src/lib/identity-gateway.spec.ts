import type { FetchLike } from './http-transport';
import { grants, IdentityGateway } from './identity-gateway';
import { MemoryTokenStorage } from './token-storage';

const BASE = 'https://identity.example';
const USER = { id: 'u-1', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', role: 'user', isActive: true, isVerified: true, permissions: ['users:read', 'groups:*'] };

/** Seed 002's auth actions, scripted: tokens rotate; `revoked` ends the session. */
function scripted() {
  const state = { access: 'a-1', refresh: 'r-1', generation: 1, revoked: false, bodies: [] as Array<Record<string, unknown>> };
  const envelope = (status: number, error: string, code: string) =>
    new Response(JSON.stringify({ success: false, error, code, details: {}, timestamp: new Date().toISOString(), requestId: 'req-1' }), { status, headers: { 'content-type': 'application/json' } });
  const ok = (body: unknown) => new Response(JSON.stringify({ success: true, ...(body as object) }), { status: 200, headers: { 'content-type': 'application/json' } });
  const fetch: FetchLike = async (_url, init) => {
    const body = JSON.parse(String(init.body)) as Record<string, unknown>;
    state.bodies.push(body);
    const tokens = () => ({ accessToken: state.access, refreshToken: state.refresh, expiresIn: 900, tokenType: 'Bearer' });
    switch (body['action']) {
      case 'login':
        return body['password'] === 'password123' ? ok({ user: USER, tokens: tokens(), session: { id: 's-1', expiresAt: '2030-01-01T00:00:00Z' } }) : envelope(401, 'Invalid credentials', 'INVALID_CREDENTIALS');
      case 'verify':
        return !state.revoked && body['accessToken'] === state.access ? ok({ valid: true, user: USER }) : envelope(401, 'Invalid token', 'INVALID_TOKEN');
      case 'refresh':
        if (state.revoked || body['refreshToken'] !== state.refresh) return envelope(401, 'Invalid token', 'INVALID_TOKEN');
        state.generation += 1;
        state.access = `a-${state.generation}`;
        state.refresh = `r-${state.generation}`;
        return ok({ tokens: tokens() });
      case 'logout':
        state.revoked = true;
        return ok({ message: 'Logout successful' });
      default:
        return envelope(400, 'Unknown action', 'VALIDATION_ERROR');
    }
  };
  return { fetch, state };
}

describe("IdentityGateway (seed 002's snippet)", () => {
  it('logs in with the application id, answers the current user and permissions from the suite', async () => {
    const suite = scripted();
    const identity = new IdentityGateway({ clientId: 'app-1', baseUrl: BASE, fetch: suite.fetch });
    await expect(identity.login({ email: 'ada@example.com', password: 'password123' })).resolves.toEqual(USER);
    expect(suite.state.bodies[0]).toMatchObject({ action: 'login', clientId: 'app-1', email: 'ada@example.com' });
    await expect(identity.hasPermission('users:read')).resolves.toBe(true);
    await expect(identity.hasPermission('groups:write')).resolves.toBe(true);
    await expect(identity.hasPermission('users:write')).resolves.toBe(false);
    await expect(identity.getCurrentUser()).resolves.toMatchObject({ id: 'u-1' });
    expect(suite.state.bodies.filter((body) => body['action'] === 'verify')).toHaveLength(4);
    await expect(new IdentityGateway({ clientId: 'app-1', baseUrl: BASE, fetch: suite.fetch }).login({ email: 'ada@example.com', password: 'nope' })).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS', status: 401, requestId: 'req-1' });
  });

  it('refreshes once when the access token is refused, and signs out when the session is revoked', async () => {
    const suite = scripted();
    const storage = new MemoryTokenStorage();
    const identity = new IdentityGateway({ clientId: 'app-1', baseUrl: BASE, fetch: suite.fetch, storage });
    await identity.login({ email: 'ada@example.com', password: 'password123' });
    suite.state.access = 'a-rotated-elsewhere';
    // Concurrent calls share one refresh.
    await Promise.all([identity.getCurrentUser(), identity.getCurrentUser(), identity.getCurrentUser()]);
    expect(suite.state.bodies.filter((body) => body['action'] === 'refresh')).toHaveLength(1);
    expect(storage.get()?.refreshToken).toBe('r-2');

    suite.state.revoked = true;
    await expect(identity.getCurrentUser()).rejects.toMatchObject({ code: 'INVALID_TOKEN', status: 401 });
    expect(storage.get()).toBeNull();
    await expect(identity.getCurrentUser()).rejects.toMatchObject({ code: 'AUTHENTICATION_REQUIRED' });
  });

  it("matches permissions as the suite does", () => {
    expect(grants(['*'], 'users:read')).toBe(true);
    expect(grants(['users:*'], 'users:delete')).toBe(true);
    expect(grants(['users:read'], 'users:readx')).toBe(false);
    expect(grants([], 'users:read')).toBe(false);
  });
});
