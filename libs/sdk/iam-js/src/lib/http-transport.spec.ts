import { FetchLike, HttpTransport, TransportOptions } from './http-transport';
import { IAMError } from './iam-error';

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

describe('HttpTransport', () => {
  let waits: number[];
  let calls: Array<{ url: string; init: RequestInit }>;
  const transport = (answers: Array<() => Promise<Response>>, options: Partial<TransportOptions> = {}): HttpTransport => {
    const fetch: FetchLike = async (url, init) => {
      calls.push({ url, init });
      const next = answers.shift();
      if (!next) throw new Error('no more answers scripted');
      return next();
    };
    return new HttpTransport({ baseUrl: 'https://iam.example/', timeoutMs: 1000, retries: 2, retryDelayMs: 100, maxRetryDelayMs: 2000, fetch, sleep: async (ms) => void waits.push(ms), random: () => 1, ...options });
  };

  beforeEach(() => {
    waits = [];
    calls = [];
  });

  it('retries an idempotent call after 503 and a network error, backing off exponentially', async () => {
    const http = transport([async () => json(503, { error: { code: 'SERVICE_UNAVAILABLE', message: 'down' } }), async () => Promise.reject(new TypeError('fetch failed')), async () => json(200, { ok: true })]);
    await expect(http.send({ method: 'GET', path: '/api/v1/me' })).resolves.toEqual({ ok: true });
    expect(calls).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  it('gives up after the configured retries with the last error', async () => {
    const http = transport([async () => json(502, {}), async () => json(502, {}), async () => json(504, {})]);
    await expect(http.send({ method: 'DELETE', path: '/api/v1/x' })).rejects.toMatchObject({ code: 'SERVER_ERROR', status: 504 });
    expect(calls).toHaveLength(3);
  });

  it('never retries POST or PATCH: they may have been applied', async () => {
    for (const method of ['POST', 'PATCH'] as const) {
      calls = [];
      const http = transport([async () => json(503, { error: { code: 'SERVICE_UNAVAILABLE', message: 'down' } }), async () => json(200, {})]);
      await expect(http.send({ method, path: '/api/v1/applications', json: { client_name: 'x' } })).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
      expect(calls).toHaveLength(1);
    }
    const failing = transport([async () => Promise.reject(new TypeError('fetch failed')), async () => json(200, {})]);
    await expect(failing.send({ method: 'POST', path: '/api/v1/auth/login' })).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
    expect(waits).toEqual([]);
  });

  it('does not retry client errors', async () => {
    const http = transport([async () => json(404, { error: { code: 'RESOURCE_NOT_FOUND', message: 'no' } }), async () => json(200, {})]);
    await expect(http.send({ method: 'GET', path: '/api/v1/users/1' })).rejects.toMatchObject({ code: 'RESOURCE_NOT_FOUND' });
    expect(calls).toHaveLength(1);
  });

  it('waits as long as Retry-After asks, and not at all when that is longer than the longest wait', async () => {
    const http = transport([async () => json(429, { error: { code: 'RATE_LIMIT_EXCEEDED', message: 'slow', retry_after: 1 } }), async () => json(200, { ok: 1 })]);
    await expect(http.send({ method: 'GET', path: '/api/v1/me' })).resolves.toEqual({ ok: 1 });
    expect(waits).toEqual([1000]);
    const impatient = transport([async () => json(429, { error: { code: 'RATE_LIMIT_EXCEEDED', message: 'slow' } }, { 'retry-after': '60' }), async () => json(200, {})]);
    await expect(impatient.send({ method: 'GET', path: '/api/v1/me' })).rejects.toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', retryAfter: 60 });
    expect(waits).toEqual([1000]);
  });

  it('aborts an attempt that takes longer than the timeout', async () => {
    const fetch: FetchLike = (url, init) => {
      calls.push({ url, init });
      return new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    };
    const slow = new HttpTransport({ baseUrl: 'https://iam.example', timeoutMs: 20, retries: 1, retryDelayMs: 1, maxRetryDelayMs: 1, fetch, sleep: async () => undefined, random: () => 1 });
    await expect(slow.send({ method: 'GET', path: '/api/v1/me' })).rejects.toMatchObject({ code: 'TIMEOUT', status: 0 });
    expect(calls).toHaveLength(2);
  });

  it('sends JSON or forms, joins paths to the base URL and keeps query values', async () => {
    const http = transport([async () => new Response(null, { status: 204 }), async () => json(200, { a: 1 })]);
    await expect(http.send({ method: 'POST', path: '/oauth/v1/revoke', form: { token: 't', token_type_hint: undefined } })).resolves.toBeUndefined();
    await http.send({ method: 'PUT', path: 'api/v1/x', query: { tenant_id: 't 1', skip: undefined }, json: { b: 2 } });
    expect(calls.map((call) => call.url)).toEqual(['https://iam.example/oauth/v1/revoke', 'https://iam.example/api/v1/x?tenant_id=t+1']);
    expect(calls[0].init.body).toBe('token=t');
    expect(calls[0].init.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded' });
    expect(calls[1].init.body).toBe('{"b":2}');
  });

  it('refuses a success answer that is not the JSON it claims to be', async () => {
    const http = transport([async () => new Response('{oops', { status: 200, headers: { 'content-type': 'application/json' } })]);
    const error = await http.send({ method: 'POST', path: '/api/v1/me' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IAMError);
    expect(error).toMatchObject({ code: 'INVALID_RESPONSE' });
  });
});
