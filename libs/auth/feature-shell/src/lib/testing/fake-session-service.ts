import type { SessionStatusResponse } from '@sigma/shared/contracts-internal';
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** A session the fake keeps, with what auth-server sent when creating it. */
export interface FakeSession {
  status: SessionStatusResponse;
  created: Record<string, unknown>;
}

/**
 * session-service's internal API as contracts-internal describes it, in memory, for auth-server's
 * tests: create, touch (refused once revoked or ended), revoke (idempotent), status, and whether a
 * browser sign-in was signed out (a session it started revoked other than by idling or expiry).
 */
export class FakeSessionService {
  readonly sessions = new Map<string, FakeSession>();
  /** Every revocation that changed a session, in order. */
  readonly revocations: Array<{ sessionId: string; reason: string }> = [];
  /** While true, every connection is dropped (the service is down). */
  down = false;
  private server?: Server;

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  /** Ends a session as session-service would on its own (an admin, an idle timeout). */
  end(sessionId: string, reason: string): void {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`no session ${sessionId}`);
    Object.assign(session.status, { active: false, state: 'revoked', revoked_at: new Date().toISOString(), revoked_reason: reason });
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
    const url = new URL(req.url ?? '/', 'http://sessions');
    const body = req.method === 'POST' ? await readBody(req) : {};
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    const notFound = () => send(404, { error: { code: 'RESOURCE_NOT_FOUND', message: 'session not found', details: [], request_id: 'fake', timestamp: new Date().toISOString() } });

    if (req.method === 'POST' && url.pathname === '/internal/v1/sessions') {
      const now = new Date();
      const id = randomUUID();
      const expires = new Date(now.getTime() + 7 * 86400000).toISOString();
      const status: SessionStatusResponse = {
        id,
        tenant_id: String(body['tenant_id']),
        user_id: String(body['user_id']),
        client_id: String(body['client_id']),
        active: true,
        state: 'active',
        created_at: now.toISOString(),
        last_activity_at: now.toISOString(),
        expires_at: expires,
        idle_expires_at: expires,
        revoked_at: null,
        revoked_reason: null,
        amr: (body['amr'] as string[] | undefined) ?? [],
      };
      this.sessions.set(id, { status, created: body });
      return send(201, status);
    }
    if (req.method === 'POST' && url.pathname === '/internal/v1/sign-in-revocation') {
      const ids = body['session_ids'] as string[];
      const known = ids.flatMap((id) => {
        const status = this.sessions.get(id)?.status;
        return status && status.tenant_id === body['tenant_id'] && status.user_id === body['user_id'] ? [status] : [];
      });
      const revoked = known.find((status) => status.revoked_reason !== null && !['idle_timeout', 'expired'].includes(status.revoked_reason));
      if (revoked) return send(200, { revoked: true, reason: revoked.revoked_reason });
      return send(200, known.length < ids.length ? { revoked: true, reason: 'session_gone' } : { revoked: false, reason: null });
    }
    const action = /^\/internal\/v1\/sessions\/([^/]+)(?:\/(touch|revoke))?$/.exec(url.pathname);
    const tenantId = req.method === 'GET' ? url.searchParams.get('tenant_id') : body['tenant_id'];
    const session = action ? this.sessions.get(action[1]) : undefined;
    if (!action || !session || session.status.tenant_id !== tenantId) return notFound();
    if (req.method === 'POST' && action[2] === 'touch') {
      if (session.status.active) session.status.last_activity_at = new Date().toISOString();
      return send(200, session.status);
    }
    if (req.method === 'POST' && action[2] === 'revoke') {
      if (session.status.active) {
        this.end(action[1], String(body['reason']));
        this.revocations.push({ sessionId: action[1], reason: String(body['reason']) });
      }
      return send(200, session.status);
    }
    if (req.method === 'GET' && action[2] === undefined) return send(200, session.status);
    notFound();
  }
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
}
