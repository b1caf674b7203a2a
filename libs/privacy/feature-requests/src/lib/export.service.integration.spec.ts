import 'reflect-metadata';
import { PRIVACY_MIGRATIONS } from '@sigma/privacy/data-access';
import { createEnvelope, TypedEnvelope } from '@sigma/shared/contracts-events';
import { encryptSlice, EVENT_MIGRATIONS, OutboxPublisher } from '@sigma/shared/data-access-events';
import { openServiceDatabase } from '@sigma/shared/data-access-persistence';
import { startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { Caller } from '@sigma/shared/util-auth';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { DirectoryUsersClient } from './directory-users.client';
import { ExportService } from './export.service';
import { Mailer } from './mailer';

jest.setTimeout(60000);

describe('ExportService on real PostgreSQL', () => {
  let postgres: TestPostgres;
  let db: DataSource;
  let service: ExportService;
  const tenantId = randomUUID();
  const known = new Set<string>();

  beforeAll(async () => {
    postgres = await startTestPostgres();
    db = (await openServiceDatabase({ url: postgres.url, schema: 'privacy', poolSize: 4, applicationName: 'export-test', entities: [], migrations: [...EVENT_MIGRATIONS, ...PRIVACY_MIGRATIONS] })).dataSource;
    // The directory's internal claims API, as a contract stand-in: known users of the tenant, 404 otherwise.
    const directory = new DirectoryUsersClient({
      baseUrl: 'http://directory.test',
      timeoutMs: 1000,
      fetchImpl: async (url) => {
        const userId = /users\/([^/]+)\/claims/.exec(String(url))?.[1] ?? '';
        if (!known.has(userId) || !String(url).endsWith(`tenant_id=${tenantId}`)) return new Response('{}', { status: 404 });
        return Response.json({ user: { user_id: userId, tenant_id: tenantId, email: 'jane@example.test', email_verified: true } });
      },
    });
    service = new ExportService(
      db,
      new OutboxPublisher('privacy'),
      { directory, mailer: new Mailer({ mailDir: '/nonexistent', from: 'x@example.test' }), exportTimeoutSeconds: 60, exportRetentionHours: 1, codeTtlSeconds: 600, sweepIntervalMs: 1000 },
      pino({ level: 'silent' }),
    );
  });

  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
  });

  const subject = (): { userId: string; caller: Caller } => {
    const userId = randomUUID();
    known.add(userId);
    return { userId, caller: { tenantId, userId, clientId: 'sigma-iam', tokenId: randomUUID(), scopes: [], roles: [], permissions: [], expiresAt: new Date(Date.now() + 60000) } };
  };
  const outbox = async (topic: string, jobId: string): Promise<Array<Record<string, unknown>>> =>
    (await db.query(`SELECT envelope FROM privacy.outbox_events WHERE topic = $1 AND envelope->'data'->>'job_id' = $2 ORDER BY seq`, [topic, jobId])).map(
      (r: { envelope: Record<string, unknown> }) => r.envelope,
    );

  async function answer(request: Record<string, unknown>, service_: 'user-directory' | 'auth-server' | 'privacy-worker', slice: Record<string, Array<Record<string, unknown>>>): Promise<void> {
    const data = request['data'] as { job_id: string; recipient_key: string };
    const jwe = await encryptSlice(slice, data.recipient_key);
    const half = Math.ceil(jwe.length / 2);
    const chunks = [jwe.slice(0, half), jwe.slice(half)];
    for (const [part, ciphertext] of chunks.entries()) {
      const event = createEnvelope({ type: 'export.part', tenantId, subject: String(request['subject']), data: { job_id: data.job_id, service: service_, part, total_parts: 2, ciphertext } });
      await db.transaction((m) => service.receivePart(event as TypedEnvelope<'export.part'>, m));
    }
  }

  it('assembles the artifact once every service answered, then forgets the key and the parts', async () => {
    const { userId, caller } = subject();
    const job = await service.request(caller, { user_id: userId, tenant_id: tenantId, include_services: ['profile', 'analytics'] });
    expect(job).toMatchObject({ status: 'processing', services: ['user-directory', 'privacy-worker'], not_held: ['analytics'] });
    const [request] = await outbox('export.requested', job.job_id);
    expect(request['data']).toMatchObject({ job_id: job.job_id, user_id: userId, services: ['user-directory', 'privacy-worker'] });

    await answer(request, 'user-directory', { profile: [{ email: 'jane@example.test' }] });
    expect((await service.status(caller, job.job_id)).progress).toMatchObject({ parts_received: 2, parts_expected: 3, services_answered: 1, services_expected: 2 });
    // A part from a service this job did not ask changes nothing.
    await answer(request, 'auth-server', { refresh_token_families: [] });
    expect((await service.status(caller, job.job_id)).status).toBe('processing');

    await answer(request, 'privacy-worker', { export_requests: [{ job_id: job.job_id }] });
    const done = await service.status(caller, job.job_id);
    expect(done).toMatchObject({ status: 'completed', progress: { parts_received: 4, parts_expected: 4 }, download_url: `/privacy/export/${job.job_id}/download` });
    const file = await service.download(caller, job.job_id);
    expect(JSON.parse(file.body.toString('utf8'))).toMatchObject({
      export: { job_id: job.job_id, user_id: userId, not_held: ['analytics'] },
      data: { 'user-directory': { profile: [{ email: 'jane@example.test' }] }, 'privacy-worker': { export_requests: [{ job_id: job.job_id }] } },
    });
    expect((await outbox('export.completed', job.job_id)).map((e) => e['data'])).toEqual([{ job_id: job.job_id, user_id: userId, status: 'completed' }]);
    expect(await db.query('SELECT private_key FROM privacy.export_jobs WHERE id = $1', [job.job_id])).toEqual([{ private_key: null }]);
    // Late redeliveries after completion change nothing.
    await answer(request, 'privacy-worker', { export_requests: [] });
    expect(await outbox('export.completed', job.job_id)).toHaveLength(1);
  });

  it('fails an export past its deadline, naming the silent services, and refuses its download', async () => {
    const { userId, caller } = subject();
    const job = await service.request(caller, { user_id: userId, tenant_id: tenantId });
    const [request] = await outbox('export.requested', job.job_id);
    await answer(request, 'user-directory', { profile: [] });
    await db.query(`UPDATE privacy.export_jobs SET deadline = now() - interval '1 second' WHERE id = $1`, [job.job_id]);
    await service.sweep();
    const failed = await service.status(caller, job.job_id);
    expect(failed).toMatchObject({ status: 'failed', error: 'no answer before the deadline from: auth-server, privacy-worker, session-service' });
    await expect(service.download(caller, job.job_id)).rejects.toMatchObject({ kind: 'CONFLICT' });
    expect((await outbox('export.completed', job.job_id)).map((e) => e['data'])).toEqual([{ job_id: job.job_id, user_id: userId, status: 'failed' }]);
    expect(await db.query('SELECT count(*)::int AS n FROM privacy.export_parts WHERE job_id = $1', [job.job_id])).toEqual([{ n: 0 }]);
  });

  it('refuses unknown users and callers acting for others, recording nothing', async () => {
    const { caller } = subject();
    const before = await db.query('SELECT count(*)::int AS n FROM privacy.export_jobs');
    await expect(service.request(caller, { user_id: randomUUID(), tenant_id: tenantId })).rejects.toMatchObject({ kind: 'INSUFFICIENT_PERMISSIONS' });
    await expect(service.request({ ...caller, permissions: ['privacy:export'] }, { user_id: randomUUID(), tenant_id: tenantId })).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    await expect(service.request({ ...caller, permissions: ['*'] }, { user_id: caller.userId ?? '', tenant_id: randomUUID() })).rejects.toMatchObject({ kind: 'INSUFFICIENT_PERMISSIONS' });
    expect(await db.query('SELECT count(*)::int AS n FROM privacy.export_jobs')).toEqual(before);
  });
});
