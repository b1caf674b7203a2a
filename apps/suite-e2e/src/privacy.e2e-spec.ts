import { DistributedSuite, eventually, startDistributedSuite, startTestPostgres, TestKafka, TestPostgres } from '@sigma/shared/testing';
import { strFromU8, unzipSync } from 'fflate';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';

jest.setTimeout(300000);

const BOOTSTRAP_PASSWORD = 'bootstrap super admin password';
const PASSWORD = 'Vx9!kq2#Lm-e2e-privacy';

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
  raw: Buffer;
}
interface OAuthError {
  error: string;
  error_description: string;
}
interface ExportJob {
  job_id: string;
  status: string;
  created_at: string;
  estimated_completion: string;
  completed_at: string | null;
  expires_at: string | null;
  services: string[];
  not_held: string[];
  progress: { parts_received: number; parts_expected: number; services_answered: number; services_expected: number; services: Array<{ service: string; status: string; total_parts: number | null }> };
  error?: string;
  download_url?: string;
}
interface ErasureStatus {
  request_id: string;
  status: string;
  verified_by: string;
  created_at: string;
  completed_at: string | null;
  services: Array<{ service: string; status: string; acknowledged_at: string | null }>;
}
interface ExportDocument {
  export: { job_id: string; user_id: string; tenant_id: string; services: string[]; not_held: string[] };
  data: Record<string, Record<string, Array<Record<string, unknown>>>>;
}
interface Subject {
  id: string;
  email: string;
  token: string;
}

const ANSWERING = ['auth-server', 'privacy-worker', 'session-service', 'user-directory'];

/**
 * Data subject access exports and erasure end to end: the five apps as processes over real
 * PostgreSQL and Kafka, through the gateway, with real logins and the mailed code read from the
 * `.eml` the worker wrote; services killed and the broker stopped mid-request.
 */
describe('privacy: exports and erasure through the gateway', () => {
  let postgres: TestPostgres;
  let kafka: TestKafka;
  let suite: DistributedSuite;
  let db: DataSource;
  let gateway: string;
  let mailDir: string;
  let operator: string;
  let tenantId: string;

  async function call<T = Record<string, unknown>>(method: string, path: string, options: { token?: string; body?: unknown; raw?: string } = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${gateway}${path}`, { method, headers, body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)) });
    const raw = Buffer.from(await response.arrayBuffer());
    let body: unknown = undefined;
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.status, body: body as T, headers: response.headers, raw };
  }

  async function login(username: string, tenant?: string): Promise<string> {
    const answer = await call<{ access_token: string }>('POST', '/api/v1/auth/login', {
      body: { username, password: username === 'admin@sigma-iam.local' ? BOOTSTRAP_PASSWORD : PASSWORD, ...(tenant ? { tenant_id: tenant } : {}) },
    });
    expect([answer.status, typeof answer.body.access_token]).toEqual([200, 'string']);
    return answer.body.access_token;
  }

  async function subject(label: string, tenant?: string): Promise<Subject> {
    const email = `${label}-${randomUUID().slice(0, 8)}@privacy.test`;
    const created = await call<{ id: string }>('POST', '/api/v1/users', {
      token: operator,
      body: { email, password: PASSWORD, first_name: 'Pri', last_name: label, ...(tenant ? { tenant_id: tenant } : {}) },
    });
    expect(created.status).toBe(201);
    return { id: created.body.id, email, token: await login(email, tenant) };
  }

  const rows = async (sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> => db.query(sql, params);
  const count = async (sql: string, params: unknown[] = []): Promise<number> => Number((await rows(sql, params))[0]['n']);

  async function requestExport(token: string, body: Record<string, unknown>): Promise<ExportJob> {
    const answer = await call<ExportJob>('POST', '/privacy/export', { token, body });
    expect(answer.status).toBe(202);
    return answer.body;
  }

  async function finished(token: string, jobId: string, timeoutMs = 60000): Promise<ExportJob> {
    return eventually(
      async () => {
        const answer = await call<ExportJob>('GET', `/privacy/export/${jobId}`, { token });
        expect(answer.status).toBe(200);
        return answer.body.status === 'processing' ? undefined : answer.body;
      },
      timeoutMs,
      250,
    );
  }

  async function erased(token: string, requestId: string, timeoutMs = 60000): Promise<ErasureStatus> {
    return eventually(
      async () => {
        const answer = await call<ErasureStatus>('GET', `/privacy/data/${requestId}`, { token });
        expect(answer.status).toBe(200);
        return answer.body.status === 'completed' ? answer.body : undefined;
      },
      timeoutMs,
      250,
    );
  }

  /** The code in the newest message mailed to `to`, from the `.eml` files the worker wrote. */
  async function mailedCode(to: string): Promise<string> {
    return eventually(async () => {
      const files = (await readdir(mailDir).catch(() => [])).filter((f) => f.endsWith('.eml')).sort();
      for (const file of files.reverse()) {
        const text = await readFile(join(mailDir, file), 'utf8');
        if (!text.includes(`To: ${to}`)) continue;
        const code = /verification code is (\d{6})/.exec(text.replace(/=\r?\n/g, ''));
        if (code) return code[1];
      }
      return undefined;
    });
  }

  const expectOAuthError = (answer: Answer, status: number, error: string): void => {
    expect([answer.status, (answer.body as unknown as OAuthError).error]).toEqual([status, error]);
    expect((answer.body as unknown as OAuthError).error_description).toEqual(expect.any(String));
  };

  beforeAll(async () => {
    mailDir = await mkdtemp(join(tmpdir(), 'sigma-mail-'));
    [postgres, kafka] = await Promise.all([startTestPostgres(), TestKafka.start()]);
    suite = await startDistributedSuite(postgres.url, kafka.brokers, { IAM_BOOTSTRAP_ADMIN_PASSWORD: BOOTSTRAP_PASSWORD, IAM_MAIL_DIR: mailDir });
    gateway = suite.gateway.url;
    db = new DataSource({ type: 'postgres', url: postgres.url });
    await db.initialize();
    tenantId = String((await rows("SELECT id FROM directory.tenants WHERE slug = 'default'"))[0]['id']);
    operator = await login('admin@sigma-iam.local');
  });

  afterAll(async () => {
    await db?.destroy();
    await suite?.stop();
    await kafka?.destroy();
    await postgres?.stop();
    await rm(mailDir, { recursive: true, force: true });
  });

  describe('export (DSAR)', () => {
    it('exports the subject’s own data from every service as JSON; only the subject or an admin reads it', async () => {
      const me = await subject('export');
      const job = await requestExport(me.token, { user_id: me.id, tenant_id: tenantId, format: 'json', include_services: ['identity', 'profile', 'analytics'] });
      expect(job).toMatchObject({ job_id: expect.any(String), status: 'processing', created_at: expect.any(String), estimated_completion: expect.any(String) });
      expect(Date.parse(job.estimated_completion)).toBeGreaterThan(Date.parse(job.created_at));
      // identity and profile select the directory and auth-server; the worker is always asked.
      const asked = ANSWERING.filter((service) => service !== 'session-service');
      expect(job.services.sort()).toEqual(asked);
      expect(job.not_held).toEqual(['analytics']);

      const done = await finished(me.token, job.job_id);
      expect(done).toMatchObject({ status: 'completed', download_url: `/privacy/export/${job.job_id}/download` });
      expect(done.progress.parts_received).toBe(done.progress.parts_expected);
      expect(done.progress).toMatchObject({ services_answered: 3, services_expected: 3 });
      expect(Date.parse(done.expires_at ?? '')).toBeGreaterThan(Date.now());

      const file = await call<ExportDocument>('GET', `/privacy/export/${job.job_id}/download`, { token: me.token });
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toContain('application/json');
      expect(file.headers.get('content-disposition')).toContain(`sigma-iam-export-${job.job_id}.json`);
      const { export: manifest, data } = file.body;
      expect(manifest).toMatchObject({ job_id: job.job_id, user_id: me.id, tenant_id: tenantId, not_held: ['analytics'] });
      expect(Object.keys(data).sort()).toEqual(asked);
      expect(data['user-directory']['profile']).toEqual([expect.objectContaining({ id: me.id, email: me.email, last_name: 'export' })]);
      expect(data['user-directory']['credentials']).toEqual([expect.objectContaining({ type: 'password' })]);
      expect(data['user-directory']['roles']).toEqual([expect.objectContaining({ slug: 'user' })]);
      expect(data['auth-server']['refresh_token_families']).toEqual([expect.objectContaining({ client_id: 'sigma-iam', amr: ['pwd'] })]);
      expect(data['auth-server']['refresh_tokens_issued'].length).toBeGreaterThan(0);
      expect(data['privacy-worker']['export_requests']).toEqual([expect.objectContaining({ job_id: job.job_id, requested_by_subject: true })]);
      // Metadata only: no password hash, refresh-token hash or key material leaves a service.
      const text = file.raw.toString('utf8');
      const secrets = await rows('SELECT hash FROM directory.password_credentials WHERE user_id = $1', [me.id]);
      expect(text).not.toContain(String(secrets[0]['hash']));
      expect(text).not.toMatch(/token_hash|secret|private_key|"hash"/);

      // Only the subject and admins of the tenant read it; a job id of someone else looks absent.
      const other = await subject('other');
      expectOAuthError(await call('GET', `/privacy/export/${job.job_id}`, { token: other.token }), 404, 'not_found');
      expectOAuthError(await call('GET', `/privacy/export/${job.job_id}/download`, { token: other.token }), 404, 'not_found');
      expect((await call('GET', `/privacy/export/${job.job_id}`, { token: operator })).status).toBe(200);
      expect((await call('GET', `/privacy/export/${job.job_id}`)).status).toBe(401);
      // The job's key is gone once assembled; nothing readable is left of the parts.
      expect(await count('SELECT count(*)::int AS n FROM privacy.export_jobs WHERE id = $1 AND private_key IS NULL', [job.job_id])).toBe(1);
      expect(await count('SELECT count(*)::int AS n FROM privacy.export_parts WHERE job_id = $1', [job.job_id])).toBe(0);
    });

    it('puts only ciphertext on the broker: no export.part in an outbox carries the subject’s email', async () => {
      const me = await subject('cipher');
      const job = await finished(me.token, (await requestExport(me.token, { user_id: me.id, tenant_id: tenantId })).job_id);
      expect(job.status).toBe('completed');
      for (const schema of ['directory', 'auth', 'privacy']) {
        const parts = await rows(`SELECT envelope::text AS e FROM "${schema}".outbox_events WHERE topic = 'export.part' AND envelope->'data'->>'job_id' = $1`, [job.job_id]);
        expect(parts.length).toBeGreaterThan(0);
        for (const part of parts) expect(String(part['e'])).not.toContain(me.email);
      }
    });

    it('exports as a zip of CSV tables for an administrator with privacy:export', async () => {
      const me = await subject('csv');
      const job = await requestExport(operator, { user_id: me.id, tenant_id: tenantId, format: 'csv' });
      expect((await finished(operator, job.job_id)).status).toBe('completed');
      const file = await call('GET', `/privacy/export/${job.job_id}/download`, { token: me.token });
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('application/zip');
      const entries = unzipSync(new Uint8Array(file.raw));
      expect(Object.keys(entries)).toEqual(
        expect.arrayContaining(['manifest.json', 'user-directory/profile.csv', 'auth-server/refresh_token_families.csv', 'session-service/sessions.csv', 'privacy-worker/export_requests.csv']),
      );
      // The subject's login made a session-service session; it is in the export with its device.
      expect(strFromU8(entries['session-service/sessions.csv']).split('\r\n').length).toBeGreaterThan(2);
      const profile = strFromU8(entries['user-directory/profile.csv']).split('\r\n');
      expect(profile[0].split(',')).toEqual(expect.arrayContaining(['id', 'email', 'first_name']));
      expect(profile[1]).toContain(me.email);
      expect(JSON.parse(strFromU8(entries['manifest.json']))).toMatchObject({ job_id: job.job_id, format: 'csv' });
    });

    it('refuses bad input in the OAuth body and records nothing', async () => {
      const me = await subject('bad');
      const jobsBefore = await count('SELECT count(*)::int AS n FROM privacy.export_jobs');
      expectOAuthError(await call('POST', '/privacy/export', { token: me.token, body: { user_id: 'user-uuid', tenant_id: tenantId } }), 400, 'invalid_request');
      expectOAuthError(await call('POST', '/privacy/export', { token: me.token, body: { user_id: me.id, tenant_id: tenantId, format: 'xml' } }), 400, 'invalid_request');
      expectOAuthError(await call('POST', '/privacy/export', { token: me.token, raw: '{"user_id":' }), 400, 'invalid_request');
      // Someone else's data without privacy:export; an unknown user; another tenant.
      const other = await subject('bad-other');
      expectOAuthError(await call('POST', '/privacy/export', { token: me.token, body: { user_id: other.id, tenant_id: tenantId } }), 403, 'access_denied');
      expectOAuthError(await call('POST', '/privacy/export', { token: operator, body: { user_id: randomUUID(), tenant_id: tenantId } }), 404, 'not_found');
      expectOAuthError(await call('POST', '/privacy/export', { token: operator, body: { user_id: me.id, tenant_id: randomUUID() } }), 403, 'access_denied');
      const anonymous = await call<OAuthError>('POST', '/privacy/export', { body: { user_id: me.id, tenant_id: tenantId } });
      expect([anonymous.status, typeof anonymous.body.error]).toEqual([401, 'string']);
      expectOAuthError(await call('GET', '/privacy/export/not-a-uuid', { token: me.token }), 400, 'invalid_request');
      expectOAuthError(await call('GET', `/privacy/export/${randomUUID()}`, { token: me.token }), 404, 'not_found');
      expect(await count('SELECT count(*)::int AS n FROM privacy.export_jobs')).toBe(jobsBefore);
    });

    it('isolates tenants: an admin of another tenant neither exports nor reads this tenant’s subjects', async () => {
      const created = await call<{ id: string }>('POST', '/api/v1/tenants', { token: operator, body: { name: `Privacy ${randomUUID().slice(0, 6)}` } });
      expect(created.status).toBe(201);
      const foreign = await subject('foreign', created.body.id);
      const me = await subject('home');
      const job = await requestExport(me.token, { user_id: me.id, tenant_id: tenantId });
      // A user of the other tenant named with this tenant's id is unknown here.
      expectOAuthError(await call('POST', '/privacy/export', { token: operator, body: { user_id: foreign.id, tenant_id: tenantId } }), 404, 'not_found');
      expectOAuthError(await call('POST', '/privacy/export', { token: foreign.token, body: { user_id: me.id, tenant_id: tenantId } }), 403, 'access_denied');
      expectOAuthError(await call('GET', `/privacy/export/${job.job_id}`, { token: foreign.token }), 404, 'not_found');
    });

    it('completes after the broker was stopped during the export', async () => {
      const me = await subject('broker');
      await kafka.stop();
      try {
        const job = await requestExport(me.token, { user_id: me.id, tenant_id: tenantId });
        const status = await call<ExportJob>('GET', `/privacy/export/${job.job_id}`, { token: me.token });
        expect(status.body).toMatchObject({ status: 'processing', progress: { services_answered: 0 } });
        await kafka.start();
        const done = await finished(me.token, job.job_id, 120000);
        expect(done.status).toBe('completed');
      } finally {
        await kafka.start();
      }
    });

    it('completes after a consuming service was SIGKILLed and restarted, each slice once', async () => {
      const me = await subject('kill-export');
      await suite.services['auth-server'].stop('SIGKILL');
      let jobId: string;
      try {
        jobId = (await requestExport(me.token, { user_id: me.id, tenant_id: tenantId })).job_id;
        const waiting = await eventually(async () => {
          const answer = await call<ExportJob>('GET', `/privacy/export/${jobId}`, { token: me.token });
          return answer.body.progress.services_answered === 3 ? answer.body : undefined;
        }, 60000, 250);
        expect(waiting.progress.services.find((s) => s.service === 'auth-server')?.status).toBe('waiting');
      } finally {
        await suite.services['auth-server'].start();
      }
      const done = await finished(operator, jobId, 120000);
      expect(done.status).toBe('completed');
      // auth-server answered once: as many parts in its outbox as the slice has.
      const published = await count(`SELECT count(*)::int AS n FROM auth.outbox_events WHERE topic = 'export.part' AND envelope->'data'->>'job_id' = $1`, [jobId]);
      expect(published).toBe(done.progress.services.find((s) => s.service === 'auth-server')?.total_parts);
    });
  });

  describe('erasure (right to be forgotten)', () => {
    it('mails a code; a wrong or missing one changes nothing; the right one erases the user in every service', async () => {
      const me = await subject('erase');
      // Its export, its refresh tokens and its directory row exist before.
      expect((await finished(me.token, (await requestExport(me.token, { user_id: me.id, tenant_id: tenantId })).job_id)).status).toBe('completed');
      const sent = await call<{ status: string; sent_to: string; expires_in: number }>('POST', '/privacy/data/verification', { token: me.token });
      expect(sent.status).toBe(202);
      expect(sent.body).toMatchObject({ status: 'sent', expires_in: 600 });
      expect(sent.body.sent_to).toMatch(/^e\*\*\*@privacy\.test$/);
      const code = await mailedCode(me.email);
      expect(await count('SELECT count(*)::int AS n FROM privacy.verification_codes WHERE user_id = $1 AND code_hash <> $2', [me.id, code])).toBe(1);

      const requestsBefore = await count('SELECT count(*)::int AS n FROM privacy.erasure_requests');
      const wrong = code === '000000' ? '000001' : '000000';
      expectOAuthError(await call('DELETE', '/privacy/data', { token: me.token, body: { user_id: me.id, tenant_id: tenantId, verification_code: wrong, reason: 'test' } }), 400, 'invalid_grant');
      expectOAuthError(await call('DELETE', '/privacy/data', { token: me.token, body: { user_id: me.id, tenant_id: tenantId, reason: 'no code' } }), 400, 'invalid_request');
      expectOAuthError(await call('DELETE', '/privacy/data', { token: me.token, body: { user_id: me.id, tenant_id: tenantId, verification_code: '12ab56' } }), 400, 'invalid_request');
      expectOAuthError(await call('DELETE', '/privacy/data', { token: me.token, body: { user_id: 'nope', tenant_id: tenantId, verification_code: code } }), 400, 'invalid_request');
      expect(await count('SELECT count(*)::int AS n FROM directory.users WHERE id = $1', [me.id])).toBe(1);
      expect(await count('SELECT count(*)::int AS n FROM privacy.erasure_requests')).toBe(requestsBefore);

      const accepted = await call<ErasureStatus>('DELETE', '/privacy/data', { token: me.token, body: { user_id: me.id, tenant_id: tenantId, verification_code: code, reason: 'User requested account deletion' } });
      expect(accepted.status).toBe(202);
      expect(accepted.body).toMatchObject({ request_id: expect.any(String), status: 'processing', verified_by: 'code' });
      const receipt = await erased(operator, accepted.body.request_id);
      expect(receipt.services.map((s) => [s.service, s.status]).sort()).toEqual(ANSWERING.map((s) => [s, 'acknowledged']));
      expect(Date.parse(receipt.completed_at ?? '')).toBeGreaterThanOrEqual(Date.parse(receipt.created_at));

      expect(await count('SELECT count(*)::int AS n FROM directory.users WHERE id = $1', [me.id])).toBe(0);
      expect(await count('SELECT count(*)::int AS n FROM auth.refresh_token_families WHERE user_id = $1', [me.id])).toBe(0);
      expect(await count('SELECT count(*)::int AS n FROM privacy.export_jobs WHERE user_id = $1', [me.id])).toBe(0);
      expect(await count('SELECT count(*)::int AS n FROM privacy.verification_codes WHERE user_id = $1', [me.id])).toBe(0);
      // The receipt keeps no user id: only a hash of the subject, the tenant and times.
      const stored = await rows('SELECT user_id, subject_hash, tenant_id FROM privacy.erasure_requests WHERE id = $1', [accepted.body.request_id]);
      expect(stored[0]).toEqual({ user_id: null, subject_hash: expect.stringMatching(/^[0-9a-f]{64}$/), tenant_id: tenantId });
      // The same code again: spent.
      expectOAuthError(await call('DELETE', '/privacy/data', { token: operator, body: { user_id: me.id, tenant_id: tenantId, verification_code: code } }), 400, 'invalid_grant');
      // Someone else cannot read the receipt.
      const other = await subject('erase-other');
      expectOAuthError(await call('GET', `/privacy/data/${accepted.body.request_id}`, { token: other.token }), 404, 'not_found');
      expectOAuthError(await call('GET', '/privacy/data/not-a-uuid', { token: operator }), 400, 'invalid_request');
    });

    it('spends a code after five wrong attempts', async () => {
      const me = await subject('attempts');
      expect((await call('POST', '/privacy/data/verification', { token: me.token })).status).toBe(202);
      const code = await mailedCode(me.email);
      const wrong = code === '999999' ? '999998' : '999999';
      for (let i = 0; i < 5; i += 1) {
        expectOAuthError(await call('DELETE', '/privacy/data', { token: me.token, body: { user_id: me.id, tenant_id: tenantId, verification_code: wrong } }), 400, 'invalid_grant');
      }
      expectOAuthError(await call('DELETE', '/privacy/data', { token: me.token, body: { user_id: me.id, tenant_id: tenantId, verification_code: code } }), 400, 'invalid_grant');
      expect(await count('SELECT count(*)::int AS n FROM directory.users WHERE id = $1', [me.id])).toBe(1);
      // Asking again at once is refused with Retry-After; nothing is mailed.
      const again = await call('POST', '/privacy/data/verification', { token: me.token });
      expectOAuthError(again, 429, 'rate_limit_exceeded');
      expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('lets an administrator with privacy:erase erase without a code; refuses unknown and foreign users', async () => {
      const target = await subject('admin-erase');
      expectOAuthError(await call('DELETE', '/privacy/data', { token: operator, body: { user_id: randomUUID(), tenant_id: tenantId, reason: 'x' } }), 404, 'not_found');
      const other = await subject('not-admin');
      expectOAuthError(await call('DELETE', '/privacy/data', { token: other.token, body: { user_id: target.id, tenant_id: tenantId } }), 403, 'access_denied');
      expectOAuthError(await call('DELETE', '/privacy/data', { token: operator, body: { user_id: target.id, tenant_id: randomUUID() } }), 403, 'access_denied');
      expect(await count('SELECT count(*)::int AS n FROM directory.users WHERE id = $1', [target.id])).toBe(1);

      const accepted = await call<ErasureStatus>('DELETE', '/privacy/data', { token: operator, body: { user_id: target.id, tenant_id: tenantId, reason: 'Support ticket 42' } });
      expect(accepted.status).toBe(202);
      expect(accepted.body.verified_by).toBe('admin');
      expect((await erased(operator, accepted.body.request_id)).status).toBe('completed');
      expect(await count('SELECT count(*)::int AS n FROM directory.users WHERE id = $1', [target.id])).toBe(0);
    });

    it('completes after a consuming service was SIGKILLed mid-erasure and restarted', async () => {
      const target = await subject('kill-erase');
      await suite.services['auth-server'].stop('SIGKILL');
      let requestId: string;
      try {
        const accepted = await call<ErasureStatus>('DELETE', '/privacy/data', { token: operator, body: { user_id: target.id, tenant_id: tenantId } });
        expect(accepted.status).toBe(202);
        requestId = accepted.body.request_id;
        const partial = await eventually(async () => {
          const answer = await call<ErasureStatus>('GET', `/privacy/data/${requestId}`, { token: operator });
          return answer.body.services.filter((s) => s.status === 'acknowledged').length === 3 ? answer.body : undefined;
        }, 60000, 250);
        expect(partial.status).toBe('processing');
        expect(partial.services.find((s) => s.service === 'auth-server')?.status).toBe('pending');
        expect(await count('SELECT count(*)::int AS n FROM auth.refresh_token_families WHERE user_id = $1', [target.id])).toBe(1);
      } finally {
        await suite.services['auth-server'].start();
      }
      expect((await erased(operator, requestId, 120000)).status).toBe('completed');
      expect(await count('SELECT count(*)::int AS n FROM auth.refresh_token_families WHERE user_id = $1', [target.id])).toBe(0);
    });

    it('takes a replayed user.deleted (twice, same and new event id) without error or double effect', async () => {
      const target = await subject('replay');
      const accepted = await call<ErasureStatus>('DELETE', '/privacy/data', { token: operator, body: { user_id: target.id, tenant_id: tenantId } });
      const receipt = await erased(operator, accepted.body.request_id);
      const [deleted] = await rows(`SELECT envelope FROM directory.outbox_events WHERE topic = 'user.deleted' AND key = $1`, [target.id]);
      const envelope = deleted['envelope'] as Record<string, unknown>;
      const processed = async (): Promise<number> =>
        count(`SELECT (SELECT count(*) FROM auth.processed_events) + (SELECT count(*) FROM privacy.processed_events) AS n`);
      const before = await processed();
      // A producer of its own, connected now: the broker was restarted by an earlier test.
      const producer = new Kafka({ clientId: 'e2e-privacy-replay', brokers: [kafka.brokers], logLevel: logLevel.NOTHING }).producer();
      await producer.connect();
      try {
        for (const copy of [envelope, envelope, { ...envelope, id: randomUUID() }]) {
          await producer.send({ topic: 'user.deleted', messages: [{ key: target.id, value: JSON.stringify(copy) }] });
        }
      } finally {
        await producer.disconnect();
      }
      // The fresh-id copy is applied once by each consumer (auth-server, privacy-worker); the same-id ones are skipped.
      await eventually(async () => ((await processed()) >= before + 2 ? true : undefined), 30000, 250);
      const again = await call<ErasureStatus>('GET', `/privacy/data/${accepted.body.request_id}`, { token: operator });
      expect(again.body).toEqual(receipt);
      expect(await count(`SELECT count(*)::int AS n FROM privacy.erasure_acknowledgements WHERE request_id = $1`, [accepted.body.request_id])).toBe(4);
      expect(await count(`SELECT count(*)::int AS n FROM privacy.data_subjects WHERE user_id = $1 AND erased_at IS NOT NULL`, [target.id])).toBe(1);
    });
  });
});
