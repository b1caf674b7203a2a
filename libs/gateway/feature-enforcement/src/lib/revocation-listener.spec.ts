import { createEnvelope } from '@sigma/shared/contracts-events';
import { eventually } from '@sigma/shared/testing';
import { InMemoryEventBus, InMemoryEventTransport } from '@sigma/shared/data-access-events';
import { createLogger } from '@sigma/shared/util-http';
import { HealthRegistry, ServiceMetrics } from '@sigma/shared/util-observability';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { DenyList } from './deny-list';
import { RevocationListener } from './revocation-listener.service';

describe('RevocationListener', () => {
  const tenantId = randomUUID();
  let bus: InMemoryEventBus;
  let server: Server;
  let feedUrl: string;
  let feedAnswers: Array<{ status: number; body?: unknown }>;

  beforeEach(async () => {
    bus = new InMemoryEventBus();
    feedAnswers = [];
    server = createServer((_req, res) => {
      const next = feedAnswers.shift() ?? { status: 404 };
      res.writeHead(next.status, { 'content-type': 'application/json' }).end(JSON.stringify(next.body ?? {}));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    bus.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const start = async () => {
    const denyList = new DenyList(3600);
    const health = new HealthRegistry();
    const listener = new RevocationListener(denyList, new InMemoryEventTransport(bus), feedUrl, createLogger('test', 'silent'), new ServiceMetrics('admin-gateway'), health);
    await listener.onApplicationBootstrap();
    return { denyList, health, listener };
  };

  const publish = (type: 'session.revoked' | 'user.deleted', userId: string, data: Record<string, unknown>) => {
    const envelope = createEnvelope({ type, tenantId, subject: userId, data: data as never });
    return bus.publish([{ topic: type, key: userId, value: JSON.stringify(envelope), headers: {} }]);
  };

  it('puts revoked sessions and deleted users on the deny-list as the events arrive, and skips malformed ones', async () => {
    const { denyList, listener } = await start();
    const userId = randomUUID();
    const sessionId = randomUUID();
    await publish('session.revoked', userId, { session_id: sessionId, user_id: userId, reason: 'logout', revoked_at: new Date().toISOString() });
    await bus.publish([{ topic: 'session.revoked', key: 'x', value: '{"not":"an envelope"}', headers: {} }]);
    const deleted = randomUUID();
    await publish('user.deleted', deleted, { user_id: deleted });
    expect(denyList.reasonToRefuse({ sessionId, issuedAt: 0 })).toBe('session_revoked');
    expect(denyList.reasonToRefuse({ userId: deleted, issuedAt: Math.floor(Date.now() / 1000) - 5 })).toBe('subject_revoked');
    expect(denyList.size).toEqual({ sessions: 1, subjects: 1 });
    await listener.beforeApplicationShutdown();
  });

  it('loads the revocation feed page by page; readiness is down until it did', async () => {
    const userId = randomUUID();
    const [first, second] = [randomUUID(), randomUUID()];
    const entry = (sessionId: string | null) => ({ kind: sessionId ? 'session' : 'subject', tenant_id: tenantId, user_id: userId, session_id: sessionId, reason: 'admin', revoked_at: new Date().toISOString() });
    feedAnswers.push(
      { status: 503 },
      { status: 200, body: { revocations: [entry(first)], window_start: '', generated_at: '', next_cursor: '1' } },
      { status: 200, body: { revocations: [entry(second), entry(null)], window_start: '', generated_at: '', next_cursor: null } },
    );
    const { denyList, health, listener } = await start();
    expect((await health.readiness()).checks['revocation-feed']).toBe('down');
    // The first attempt failed (503); the retry (after 1 s) reads both pages.
    await eventually(async () => ((await health.readiness()).checks['revocation-feed'] === 'up' ? true : undefined), 15000, 100);
    expect(denyList.size).toEqual({ sessions: 2, subjects: 1 });
    await listener.beforeApplicationShutdown();
  });
});
