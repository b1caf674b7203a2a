import express from 'express';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { createServer as createHttpServer, IncomingHttpHeaders, request, Server as HttpServer } from 'node:http';
import pino from 'pino';
import { GatewaySettings } from './gateway.settings';
import { ProxyMiddleware } from './proxy.middleware';

const logger = pino({ level: 'silent' });

const sockets = new Set<Socket>();

function listen(server: Server | HttpServer): Promise<number> {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** A request with exactly these headers (fetch refuses a custom Connection header). */
function post(url: string, headers: Record<string, string>, body: string): Promise<{ status?: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A gateway over real loopback upstreams: one echoing, one hanging, one speaking broken HTTP. */
describe('ProxyMiddleware', () => {
  const servers: Array<Server | HttpServer> = [];
  let gateway: string;
  let seen: { headers: Record<string, unknown>; body: string } | undefined;

  beforeAll(async () => {
    const echo = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen = { headers: req.headers, body };
        res.writeHead(201, { 'content-type': 'application/json', 'x-upstream': 'directory', 'keep-alive': 'timeout=99', connection: 'keep-alive', vary: 'Accept-Encoding, origin' });
        res.end(JSON.stringify({ received: body.length }));
      });
    });
    const hanging = createServer(() => undefined);
    const broken = createServer((socket) => socket.once('data', () => socket.end('NOT HTTP AT ALL\r\n\r\n')));
    servers.push(echo, hanging, broken);
    const [echoPort, hangingPort, brokenPort] = [await listen(echo), await listen(hanging), await listen(broken)];
    const nobody = createServer();
    const closedPort = await listen(nobody);
    await new Promise((resolve) => nobody.close(resolve));
    const settings = Object.assign(new GatewaySettings(), {
      USER_DIRECTORY_URL: `http://127.0.0.1:${echoPort}`,
      AUTH_SERVER_URL: `http://127.0.0.1:${hangingPort}`,
      PRIVACY_WORKER_URL: `http://127.0.0.1:${brokenPort}`,
      SESSION_SERVICE_URL: `http://127.0.0.1:${closedPort}`,
      UPSTREAM_TIMEOUT_MS: 300,
    });
    const proxy = new ProxyMiddleware(settings, logger);
    const app = express();
    // As the enforcement does for a request with an Origin (its CORS headers depend on it).
    app.use((req, res, next) => {
      if (req.headers.origin !== undefined) res.vary('Origin');
      next();
    });
    app.use((req, res, next) => proxy.use(req, res, next));
    app.use((_req, res) => res.status(404).json({ routed: false }));
    const server = createHttpServer(app);
    servers.push(server);
    gateway = `http://127.0.0.1:${await listen(server)}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('streams the request to the owning service and the answer back, without hop-by-hop headers', async () => {
    const body = JSON.stringify({ data: 'x'.repeat(50_000) });
    const answer = await post(
      `${gateway}/api/v1/users?page=2`,
      { 'content-type': 'application/json', 'x-request-id': 'trace-7', 'proxy-authorization': 'secret', 'x-hop': '1', connection: 'keep-alive, x-hop', 'x-forwarded-for': '203.0.113.9' },
      body,
    );
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body)).toEqual({ received: body.length });
    expect(answer.headers['x-upstream']).toBe('directory');
    expect(answer.headers['keep-alive']).not.toBe('timeout=99');
    expect(seen?.headers).toMatchObject({ 'x-request-id': 'trace-7', 'x-forwarded-proto': 'http', 'x-forwarded-for': expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$/) });
    expect(seen?.headers['proxy-authorization']).toBeUndefined();
    expect(seen?.headers['x-hop']).toBeUndefined();
  });

  it("keeps the gateway's Vary: Origin and adds the service's Vary fields once", async () => {
    const withOrigin = await post(`${gateway}/api/v1/users`, { 'content-type': 'application/json', origin: 'https://app.example' }, '{}');
    expect(withOrigin.headers['vary']).toBe('Origin, Accept-Encoding');
    const withoutOrigin = await post(`${gateway}/api/v1/users`, { 'content-type': 'application/json' }, '{}');
    expect(withoutOrigin.headers['vary']).toBe('Accept-Encoding, origin');
  });

  it('answers 504 in the family body when the service is too slow', async () => {
    const answer = await fetch(`${gateway}/oauth/token`, { method: 'POST' });
    expect(answer.status).toBe(504);
    expect((await answer.json()) as object).toEqual({ error: 'temporarily_unavailable', error_description: 'The auth-server did not answer in time' });
  });

  it('answers 502 when the service speaks broken HTTP, and 503 when it refuses connections', async () => {
    const broken = await fetch(`${gateway}/privacy/export`);
    expect(broken.status).toBe(502);
    expect((await broken.json()) as object).toMatchObject({ error: 'temporarily_unavailable' });
    const refused = await fetch(`${gateway}/api/admin/identity/sessions`);
    expect(refused.status).toBe(503);
    expect((await refused.json()) as object).toMatchObject({ success: false, code: 'SERVICE_UNAVAILABLE', error: 'The session-service is not available' });
  });

  it('leaves routes outside the table to the next handler', async () => {
    const answer = await fetch(`${gateway}/metrics`);
    expect((await answer.json()) as object).toEqual({ routed: false });
  });
});
