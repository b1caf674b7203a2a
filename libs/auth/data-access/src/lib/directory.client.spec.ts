import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { DirectoryClient } from './directory.client';

const sigmaError = (status: number, code: string, extra: object = {}) =>
  Response.json({ error: { code, message: `directory says ${code}`, details: [], request_id: 'r', timestamp: 't', ...extra } }, { status });

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

describe('DirectoryClient', () => {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const clientAnswering = (answer: () => Response) =>
    new DirectoryClient({
      baseUrl: 'http://directory.internal/',
      timeoutMs: 1000,
      fetch: (async (url: string, init: RequestInit) => {
        calls.push({ url, init });
        return answer();
      }) as typeof fetch,
    });

  beforeEach(() => (calls.length = 0));

  it('posts the contract body to the contract path, with the request id', async () => {
    const user = { user_id: 'u' };
    const client = clientAnswering(() => Response.json({ user }));
    await expect(client.verifyPassword({ username: 'ada', password: 'pw' }, { requestId: 'req-1' })).resolves.toEqual({ user });
    expect(calls[0].url).toBe('http://directory.internal/internal/v1/credentials/password/verify');
    expect(calls[0].init.method).toBe('POST');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ username: 'ada', password: 'pw' });
    expect(calls[0].init.headers).toMatchObject({ 'x-request-id': 'req-1', 'content-type': 'application/json' });
    await client.userClaims('u 1', 't');
    expect(calls[1].url).toBe('http://directory.internal/internal/v1/users/u%201/claims?tenant_id=t');
    await client.tenant('default');
    expect(calls[2].url).toBe('http://directory.internal/internal/v1/tenants/default');
  });

  it('reaches the passkey routes with the tenant, user or username in the query and credential ids escaped', async () => {
    const client = clientAnswering(() => Response.json({ user_id: null, credentials: [] }));
    await client.webauthnCredentialsOf('t', { username: 'Ada Lovelace@example.test' });
    expect(calls[0].url).toBe('http://directory.internal/internal/v1/webauthn/credentials?tenant_id=t&username=Ada+Lovelace%40example.test');
    await client.webauthnCredentialsOf('t', { userId: 'u' });
    expect(calls[1].url).toBe('http://directory.internal/internal/v1/webauthn/credentials?tenant_id=t&user_id=u');
    await client.webauthnCredential('t', 'a/b');
    expect(calls[2].url).toBe('http://directory.internal/internal/v1/webauthn/credentials/a%2Fb?tenant_id=t');
    await client.recordWebauthnUse('abc', { tenant_id: 't', counter: 3, backed_up: false });
    expect([calls[3].url, calls[3].init.method, JSON.parse(String(calls[3].init.body))]).toEqual([
      'http://directory.internal/internal/v1/webauthn/credentials/abc/use',
      'POST',
      { tenant_id: 't', counter: 3, backed_up: false },
    ]);
    const conflict = await failure(clientAnswering(() => sigmaError(409, 'CONFLICT')).recordWebauthnUse('abc', { tenant_id: 't', counter: 3, backed_up: false }));
    expect(conflict.kind).toBe(ErrorKind.CONFLICT);
  });

  it.each([
    [401, 'INVALID_CREDENTIALS', ErrorKind.INVALID_CREDENTIALS],
    [403, 'INSUFFICIENT_PERMISSIONS', ErrorKind.INSUFFICIENT_PERMISSIONS],
    [404, 'RESOURCE_NOT_FOUND', ErrorKind.NOT_FOUND],
    [400, 'VALIDATION_ERROR', ErrorKind.VALIDATION],
  ])('maps a %i %s answer to %s with its message', async (status, code, kind) => {
    const error = await failure(clientAnswering(() => sigmaError(status, code)).verifyPassword({ username: 'a', password: 'b' }));
    expect(error.kind).toBe(kind);
    expect(error.message).toBe(`directory says ${code}`);
  });

  it('keeps field details and the lockout retry_after', async () => {
    const invalid = await failure(clientAnswering(() => sigmaError(400, 'VALIDATION_ERROR', { details: [{ field: 'username', message: 'too long' }] })).tenant('x'));
    expect(invalid.details).toEqual([{ field: 'username', message: 'too long' }]);
    const locked = await failure(clientAnswering(() => sigmaError(429, 'RATE_LIMIT_EXCEEDED', { retry_after: 30 })).verifyPassword({ username: 'a', password: 'b' }));
    expect(locked).toMatchObject({ kind: ErrorKind.RATE_LIMITED, retryAfterSeconds: 30 });
  });

  it('treats 5xx, foreign bodies and refused connections as the directory being unavailable', async () => {
    expect((await failure(clientAnswering(() => sigmaError(500, 'SERVER_ERROR')).tenant('default'))).kind).toBe(ErrorKind.UNAVAILABLE);
    expect((await failure(clientAnswering(() => new Response('<html>', { status: 404 })).tenant('default'))).kind).toBe(ErrorKind.UNAVAILABLE);
    expect((await failure(clientAnswering(() => new Response('not json', { status: 200 })).tenant('default'))).kind).toBe(ErrorKind.UNAVAILABLE);
    const refused = new DirectoryClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 1000 });
    const error = await failure(refused.verifyPassword({ username: 'ada', password: 'S3cret-password' }));
    expect(error).toMatchObject({ kind: ErrorKind.UNAVAILABLE, retryAfterSeconds: 5 });
    expect(error.message).not.toContain('S3cret');
  });

  describe('against a directory that never answers', () => {
    let server: Server;
    beforeAll(async () => {
      server = createServer(() => undefined);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('gives up after the timeout as unavailable', async () => {
      const client = new DirectoryClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timeoutMs: 200 });
      const started = Date.now();
      expect((await failure(client.tenant('default'))).kind).toBe(ErrorKind.UNAVAILABLE);
      expect(Date.now() - started).toBeLessThan(2000);
    });
  });
});
