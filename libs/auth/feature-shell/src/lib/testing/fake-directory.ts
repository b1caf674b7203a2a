import type { IdentityClaims, TenantResponse } from '@sigma/shared/contracts-internal';
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** A directory user the fake knows, with the answers its credentials get. */
export interface FakeAccount {
  claims: IdentityClaims;
  password: string;
  totp?: string;
  recoveryCodes?: string[];
  /** The directory's answer for this account regardless of the password. */
  refusal?: { status: number; code: string; retry_after?: number };
}

/**
 * user-directory's internal API as contracts-internal describes it, in memory, for auth-server's
 * tests: tenants by id or `default`, password and second-factor verification, current claims.
 */
export class FakeDirectory {
  readonly defaultTenant: TenantResponse;
  readonly tenants = new Map<string, TenantResponse>();
  readonly accounts: FakeAccount[] = [];
  /** While true, every connection is dropped (the directory is down). */
  down = false;
  readonly calls: string[] = [];
  private server?: Server;

  constructor() {
    this.defaultTenant = this.addTenant('default');
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  addTenant(slug: string, lifetimes = { access_token: 900, refresh_token: 2592000, id_token: 600 }): TenantResponse {
    const tenant: TenantResponse = {
      id: randomUUID(),
      name: slug,
      slug,
      domain: null,
      status: 'active',
      ip_allow_list: [],
      redirect_domains: [],
      rate_limit: { requests_per_minute: null, burst: null },
      token_lifetimes: lifetimes,
    };
    this.tenants.set(tenant.id, tenant);
    return tenant;
  }

  addUser(username: string, password: string, overrides: Partial<IdentityClaims> = {}, extra: Partial<FakeAccount> = {}): FakeAccount {
    const account: FakeAccount = {
      password,
      claims: {
        user_id: randomUUID(),
        tenant_id: this.defaultTenant.id,
        username,
        email: `${username}@example.test`,
        email_verified: true,
        first_name: 'Ada',
        last_name: 'Lovelace',
        is_active: true,
        roles: ['user'],
        permissions: ['profile:read'],
        mfa: { totp: false, webauthn: false },
        last_login: null,
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-02T00:00:00.000Z',
        ...overrides,
      },
      ...extra,
    };
    this.accounts.push(account);
    return account;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.down) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://directory');
    this.calls.push(`${req.method} ${url.pathname}`);
    const body = req.method === 'POST' ? await readBody(req) : {};
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    const refuse = (status: number, code: string, extra: object = {}) =>
      send(status, { error: { code, message: `directory: ${code}`, details: [], request_id: 'fake', timestamp: new Date().toISOString(), ...extra } });

    const tenant = /^\/internal\/v1\/tenants\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && tenant) {
      const key = decodeURIComponent(tenant[1]);
      const found = key === 'default' ? this.defaultTenant : this.tenants.get(key);
      return found ? send(200, found) : refuse(404, 'RESOURCE_NOT_FOUND');
    }
    const claims = /^\/internal\/v1\/users\/([^/]+)\/claims$/.exec(url.pathname);
    if (req.method === 'GET' && claims) {
      const account = this.accounts.find((a) => a.claims.user_id === claims[1] && a.claims.tenant_id === url.searchParams.get('tenant_id'));
      return account ? send(200, { user: account.claims }) : refuse(404, 'RESOURCE_NOT_FOUND');
    }
    if (req.method === 'POST' && url.pathname === '/internal/v1/credentials/password/verify') {
      const tenantId = typeof body['tenant_id'] === 'string' ? body['tenant_id'] : this.defaultTenant.id;
      const account = this.accounts.find((a) => a.claims.tenant_id === tenantId && a.claims.username === String(body['username']).toLowerCase());
      if (account?.refusal) return refuse(account.refusal.status, account.refusal.code, account.refusal.retry_after ? { retry_after: account.refusal.retry_after } : {});
      if (!account || account.password !== body['password']) return refuse(401, 'INVALID_CREDENTIALS');
      return send(200, { user: account.claims });
    }
    if (req.method === 'POST' && url.pathname === '/internal/v1/credentials/second-factor/verify') {
      const account = this.accounts.find((a) => a.claims.user_id === body['user_id'] && a.claims.tenant_id === body['tenant_id']);
      const recovery = account?.recoveryCodes?.indexOf(String(body['recovery_code'])) ?? -1;
      if (account && body['totp_code'] !== undefined && body['totp_code'] === account.totp) return send(200, { user: account.claims });
      if (account && recovery >= 0) {
        account.recoveryCodes?.splice(recovery, 1);
        return send(200, { user: account.claims });
      }
      return refuse(401, 'INVALID_CREDENTIALS');
    }
    refuse(404, 'RESOURCE_NOT_FOUND');
  }
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
}
