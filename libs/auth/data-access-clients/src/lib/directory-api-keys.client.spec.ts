import { DIRECTORY_INTERNAL_ROUTES } from '@sigma/shared/contracts-internal';
import { ErrorKind } from '@sigma/shared/util-errors';
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { DirectoryApiKeyClient } from './directory-api-keys.client';

const KEY = 'sk_test_0123456789abcdef';

describe('DirectoryApiKeyClient against a directory stand-in', () => {
  let server: Server;
  let baseUrl: string;
  let respond: (req: IncomingMessage, body: string, res: ServerResponse) => void;
  const received: Array<{ path?: string; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ path: req.url, body });
        respond(req, body, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const client = () => new DirectoryApiKeyClient({ baseUrl, timeoutMs: 300 });

  it('answers the tenant of a valid key, sending the key in the contract body', async () => {
    const tenantId = randomUUID();
    respond = (_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ key_id: 'k1', tenant: { id: tenantId, name: 'Acme', slug: 'acme' } }));
    await expect(client().verify(KEY)).resolves.toEqual({ keyId: 'k1', tenantId, tenantName: 'Acme', tenantSlug: 'acme', ipAllowList: [] });
    expect(received.at(-1)).toEqual({ path: DIRECTORY_INTERNAL_ROUTES.verifyApiKey, body: JSON.stringify({ api_key: KEY }) });
  });

  it.each([404, 401, 400])('turns a directory %i into 401', async (status) => {
    respond = (_req, _body, res) => res.writeHead(status, { 'content-type': 'application/json' }).end('{"error":{}}');
    await expect(client().verify(KEY)).rejects.toMatchObject({ kind: ErrorKind.AUTHENTICATION_REQUIRED });
  });

  it('refuses missing and malformed keys without asking the directory', async () => {
    const before = received.length;
    await expect(client().verify(undefined)).rejects.toMatchObject({ kind: ErrorKind.AUTHENTICATION_REQUIRED });
    await expect(client().verify('short')).rejects.toMatchObject({ kind: ErrorKind.AUTHENTICATION_REQUIRED });
    expect(received.length).toBe(before);
  });

  it('answers 503 when the directory fails, is too slow or is down', async () => {
    respond = (_req, _body, res) => res.writeHead(500).end();
    await expect(client().verify(KEY)).rejects.toMatchObject({ kind: ErrorKind.UNAVAILABLE, retryAfterSeconds: 5 });
    respond = (_req, _body, res) => setTimeout(() => res.writeHead(200).end('{}'), 1000);
    await expect(client().verify(KEY)).rejects.toMatchObject({ kind: ErrorKind.UNAVAILABLE });
    respond = (_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('not json');
    await expect(client().verify(KEY)).rejects.toMatchObject({ kind: ErrorKind.UNAVAILABLE });
    await expect(new DirectoryApiKeyClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 300 }).verify(KEY)).rejects.toMatchObject({ kind: ErrorKind.UNAVAILABLE });
  });
});
