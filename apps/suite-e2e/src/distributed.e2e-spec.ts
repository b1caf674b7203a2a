import { createEnvelope } from '@sigma/shared/contracts-events';
import { OutboxPublisher } from '@sigma/shared/data-access-events';
import { DistributedSuite, eventually, readJson, startDistributedSuite, startTestPostgres, TestKafka, TestPostgres } from '@sigma/shared/testing';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

jest.setTimeout(180000);

const ADMIN_PASSWORD = 'e2e-bootstrap-password-1';

interface Health {
  status: string;
  checks: Record<string, string>;
}
interface ApiHealth {
  status: string;
  timestamp: string;
  version: string;
  services: Record<string, string>;
  uptime: number;
}
interface OpenApiDocument {
  info: { title: string; description: string };
  paths: Record<string, unknown>;
}
interface SigmaError {
  error: { code: string; message: string; request_id: string };
}
interface OAuthError {
  error: string;
  error_description: string;
}

/** GET with the path sent exactly as given. */
function rawStatus(base: string, path: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const target = new URL(base);
    const req = request({ host: target.hostname, port: target.port, path, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The distributed topology as ops run it: PostgreSQL, a real Kafka broker, and the five apps as
 * separate processes, exercised through the gateway.
 */
describe('distributed suite over real PostgreSQL and Kafka', () => {
  let postgres: TestPostgres;
  let kafka: TestKafka;
  let suite: DistributedSuite;
  let db: Client;
  let gateway: string;
  let tenantId: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    [postgres, kafka] = await Promise.all([startTestPostgres(), TestKafka.start()]);
    suite = await startDistributedSuite(postgres.url, kafka.brokers, { IAM_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD });
    gateway = suite.gateway.url;
    // The gateway checks access tokens on protected routes before they reach a service (ADR 0016).
    // The first login may outlast UPSTREAM_TIMEOUT_MS on a busy machine (the tenant's key is created).
    const tokens = await eventually(async () => {
      const login = await fetch(`${gateway}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin@sigma-iam.local', password: ADMIN_PASSWORD }) });
      return login.status === 200 ? readJson<{ access_token: string }>(login) : undefined;
    }, 60000, 500);
    auth = { authorization: `Bearer ${tokens.access_token}` };
    db = new Client({ connectionString: postgres.url });
    await db.connect();
    tenantId = (await db.query("SELECT id FROM directory.tenants WHERE slug = 'default'")).rows[0].id;
  });

  afterAll(async () => {
    await db?.end();
    await suite?.stop();
    await kafka?.destroy();
    await postgres?.stop();
  });

  const subjectRow = async (userId: string) => (await db.query('SELECT tenant_id, erased_at FROM privacy.data_subjects WHERE user_id = $1', [userId])).rows[0];
  const projected = (userId: string) => eventually(() => subjectRow(userId), 30000, 200);

  describe('the gateway', () => {
    it('reports every service healthy, in the shapes of seeds 004 and 002', async () => {
      const health = await fetch(`${gateway}/health`);
      expect(health.status).toBe(200);
      expect(await readJson<Health>(health)).toEqual({
        status: 'healthy',
        checks: { 'auth-server': 'up', 'user-directory': 'up', 'session-service': 'up', 'privacy-worker': 'up' },
      });
      const api = await fetch(`${gateway}/api/health`);
      const body = await readJson<ApiHealth>(api);
      expect(body).toMatchObject({
        status: 'healthy',
        version: '0.1.0',
        services: { 'auth-server': 'connected', 'user-directory': 'connected', 'session-service': 'connected', 'privacy-worker': 'connected' },
      });
      expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
      expect(typeof body.uptime).toBe('number');
    });

    it('serves Prometheus metrics, the merged OpenAPI document and the API explorer', async () => {
      await fetch(`${gateway}/identity/v2/sessions/active`, { headers: auth });
      const metrics = await (await fetch(`${gateway}/metrics`)).text();
      expect(metrics).toContain('http_requests_total{');
      expect(metrics).toContain('service="admin-gateway"');
      expect(metrics).toMatch(/http_requests_total\{method="GET",route="\/identity\/v2\/sessions\/\*",status="\d+",service="admin-gateway"\}/);
      const document = await readJson<OpenApiDocument>(await fetch(`${gateway}/api/v1/openapi.json`));
      expect(document.info.title).toBe('Sigma IAM API');
      expect(document.info.description).not.toContain('Not included');
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health', '/api/health', '/api/v1/openapi.json']));
      const docs = await fetch(`${gateway}/docs`);
      expect(docs.status).toBe(200);
      expect(await docs.text()).toContain('<title>Sigma IAM API</title>');
    });

    it('answers routes in no family with a JSON 404 and never exposes internal routes', async () => {
      for (const path of ['/nowhere', '/internal/openapi.json', '/api/v1']) {
        const answer = await fetch(`${gateway}${path}`);
        expect(answer.status).toBe(404);
        expect((await readJson<SigmaError>(answer)).error.code).toBe('RESOURCE_NOT_FOUND');
      }
      // Sent as raw paths: fetch would resolve the dot segments before sending.
      // A routed prefix with an unsafe path is refused; a path that matches no prefix is not routed.
      for (const path of ['/api/v1/users/%2e%2e/%2e%2e/internal/openapi.json', '/api/v1/users/../../internal/openapi.json', '/api/v1/users//x']) {
        expect(await rawStatus(gateway, path)).toBe(400);
      }
      expect(await rawStatus(gateway, '/api/v1//users')).toBe(404);
      // The gateway's own readiness: its event consumer and the revocation feed of session-service.
      const own = await readJson<Health>(await fetch(`${gateway}/health/ready`));
      expect(own.checks).toEqual({ events: 'up', 'revocation-feed': expect.stringMatching(/^(up|down)$/) });
    });

    it('keeps the caller X-Request-ID through the gateway and the service, and answers in the family body', async () => {
      const answer = await fetch(`${gateway}/identity/v2/sessions/unknown`, { headers: { ...auth, 'X-Request-ID': 'e2e-trace-42' } });
      expect(answer.status).toBe(404);
      expect(answer.headers.get('x-request-id')).toBe('e2e-trace-42');
      expect(await readJson<OAuthError>(answer)).toEqual({ error: 'not_found', error_description: 'The requested resource does not exist' });
      expect(suite.services['session-service'].log + suite.gateway.log).not.toContain('Cannot GET');
    });

    it('refuses malformed bodies with the family error, never a 500', async () => {
      const sigma = await fetch(`${gateway}/api/v1/users`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"email":' });
      expect(sigma.status).toBe(400);
      expect((await readJson<SigmaError>(sigma)).error).toMatchObject({ code: 'VALIDATION_ERROR', request_id: expect.any(String) });
      const admin = await fetch(`${gateway}/api/admin/users`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '[' });
      expect(admin.status).toBe(400);
      expect(await readJson<object>(admin)).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
      const tooLarge = await fetch(`${gateway}/api/v1/users`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ x: 'y'.repeat(200_000) }) });
      expect(tooLarge.status).toBe(413);
      expect((await readJson<SigmaError>(tooLarge)).error.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('answers 503 in each family body while a service is down, and recovers when it returns', async () => {
      const sessions = suite.services['session-service'];
      expect(await sessions.stop()).toBe(0);
      try {
        const oauth = await fetch(`${gateway}/identity/v2/sessions/active`, { headers: auth });
        expect(oauth.status).toBe(503);
        expect(oauth.headers.get('retry-after')).toBe('5');
        expect((await readJson<OAuthError>(oauth)).error).toBe('temporarily_unavailable');
        const admin = await fetch(`${gateway}/api/admin/identity/sessions`, { headers: auth });
        expect(admin.status).toBe(503);
        expect(await readJson<object>(admin)).toMatchObject({ success: false, code: 'SERVICE_UNAVAILABLE' });
        const health = await fetch(`${gateway}/health`);
        expect(health.status).toBe(503);
        expect((await readJson<Health>(health)).checks['session-service']).toBe('down');
      } finally {
        await sessions.start();
      }
      expect((await fetch(`${gateway}/health`)).status).toBe(200);
    });
  });

  describe('events over the real broker', () => {
    it('carries the bootstrap admin created by user-directory to privacy-worker', async () => {
      const admin = (await db.query('SELECT id FROM directory.users WHERE tenant_id = $1', [tenantId])).rows[0];
      expect(await projected(admin.id)).toEqual({ tenant_id: tenantId, erased_at: null });
      const outbox = await db.query("SELECT sent_at FROM directory.outbox_events WHERE topic = 'user.created' AND key = $1", [admin.id]);
      expect(outbox.rows[0].sent_at).not.toBeNull();
    });

    it('loses no event while the broker is down: the outbox drains after it returns', async () => {
      const directory = new DataSource({ type: 'postgres', url: postgres.url, schema: 'directory' });
      await directory.initialize();
      const publisher = new OutboxPublisher('directory');
      const userIds = [randomUUID(), randomUUID(), randomUUID()];
      await kafka.stop();
      try {
        for (const userId of userIds) {
          await directory.transaction((manager) => publisher.publish(manager, { type: 'user.created', tenantId, subject: userId, data: { user_id: userId } }));
        }
        await new Promise((resolve) => setTimeout(resolve, 3000));
        const pending = await db.query('SELECT count(*)::int AS n FROM directory.outbox_events WHERE sent_at IS NULL');
        expect(pending.rows[0].n).toBeGreaterThanOrEqual(userIds.length);
        const lag = await (await fetch(`${suite.services['user-directory'].url}/metrics`)).text();
        expect(lag).toMatch(/iam_outbox_pending_events\{service="user-directory"\} [1-9]/);
      } finally {
        await kafka.start();
        await directory.destroy();
      }
      for (const userId of userIds) expect(await projected(userId)).toEqual({ tenant_id: tenantId, erased_at: null });
      const left = await db.query('SELECT count(*)::int AS n FROM directory.outbox_events WHERE sent_at IS NULL');
      expect(left.rows[0].n).toBe(0);
    });

    describe('with a Kafka client of the test', () => {
      const client = () => new Kafka({ clientId: 'e2e', brokers: [kafka.brokers], logLevel: logLevel.NOTHING });

      it('applies an event delivered twice only once', async () => {
        const userId = randomUUID();
        const envelope = createEnvelope({ type: 'user.created', tenantId, subject: userId, data: { user_id: userId } });
        const producer = client().producer();
        await producer.connect();
        const message = { key: userId, value: JSON.stringify(envelope) };
        await producer.send({ topic: 'user.created', messages: [message, message] });
        await producer.send({ topic: 'user.created', messages: [message] });
        await producer.disconnect();
        await projected(userId);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const processed = await db.query("SELECT count(*)::int AS n FROM privacy.processed_events WHERE event_id = $1 AND consumer = 'privacy-worker'", [envelope.id]);
        expect(processed.rows[0].n).toBe(1);
        const metrics = await (await fetch(`${suite.services['privacy-worker'].url}/metrics`)).text();
        expect(metrics).toMatch(/iam_events_consumed_total\{topic="user.created",outcome="duplicate",service="privacy-worker"\} [2-9]/);
      });

      it('sends a poison message to the DLQ with its reason, and later messages still flow', async () => {
        const producer = client().producer();
        await producer.connect();
        const poison = `poison-${randomUUID()}`;
        const after = randomUUID();
        await producer.send({ topic: 'user.created', messages: [{ key: after, value: poison }] });
        const valid = createEnvelope({ type: 'user.created', tenantId, subject: after, data: { user_id: after } });
        await producer.send({ topic: 'user.created', messages: [{ key: after, value: JSON.stringify(valid) }] });
        await producer.disconnect();

        expect(await projected(after)).toEqual({ tenant_id: tenantId, erased_at: null });

        const consumer = client().consumer({ groupId: `e2e-dlq-${randomUUID()}` });
        const letters: Array<{ value: string; headers: Record<string, string> }> = [];
        await consumer.connect();
        await consumer.subscribe({ topic: 'user.created.dlq', fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
            letters.push({ value: message.value?.toString() ?? '', headers });
          },
        });
        const letter = await eventually(async () => letters.find((l) => l.value === poison), 30000, 200);
        await consumer.disconnect();
        expect(letter.headers).toMatchObject({ 'dlq-original-topic': 'user.created', 'dlq-consumer': 'privacy-worker', 'dlq-attempts': '0' });
        expect(letter.headers['dlq-reason']).toContain('not JSON');
      });
    });
  });
});
