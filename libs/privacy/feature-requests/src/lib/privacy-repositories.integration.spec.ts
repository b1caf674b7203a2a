import { ErasureRequestsRepository, ExportJobsRepository, PRIVACY_MIGRATIONS, VerificationCodesRepository } from '@sigma/privacy/data-access';
import { openServiceDatabase } from '@sigma/shared/data-access-persistence';
import { startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

jest.setTimeout(60000);

describe('privacy repositories on real PostgreSQL', () => {
  let postgres: TestPostgres;
  let db: DataSource;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    db = (await openServiceDatabase({ url: postgres.url, schema: 'privacy', poolSize: 4, applicationName: 'privacy-test', entities: [], migrations: PRIVACY_MIGRATIONS })).dataSource;
  });

  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
  });

  const newJob = (overrides: { deadline?: Date; services?: string[] } = {}) => ({
    id: randomUUID(),
    tenantId: randomUUID(),
    userId: randomUUID(),
    requestedBy: null,
    requestedByClient: 'sigma-iam',
    format: 'json' as const,
    includeServices: [],
    services: overrides.services ?? ['auth-server', 'user-directory'],
    privateKey: { kty: 'OKP', crv: 'X25519', x: 'x', d: 'd' },
    deadline: overrides.deadline ?? new Date(Date.now() + 60000),
  });

  describe('export jobs', () => {
    it('counts each part once, ignores unexpected services, and knows when every service answered', async () => {
      const job = newJob();
      await db.transaction(async (m) => {
        const jobs = new ExportJobsRepository(m);
        await jobs.create(job);
        const part = { jobId: job.id, service: 'user-directory', part: 0, totalParts: 2, ciphertext: 'a.b' };
        expect(await jobs.addPart(part)).toBe(true);
        expect(await jobs.addPart(part)).toBe(false);
        expect(await jobs.addPart({ ...part, service: 'session-service' })).toBe(false);
        expect(await jobs.addPart({ ...part, part: 5 })).toBe(false);
        expect(await jobs.allAnswered(job.id)).toBe(false);
        expect(await jobs.addPart({ ...part, part: 1, ciphertext: '.c' })).toBe(true);
        expect(await jobs.addPart({ ...part, service: 'auth-server', totalParts: 1, ciphertext: 'x.y' })).toBe(true);
        expect(await jobs.allAnswered(job.id)).toBe(true);
        expect(await jobs.slicesOf(job.id)).toEqual([
          { service: 'auth-server', jwe: 'x.y' },
          { service: 'user-directory', jwe: 'a.b.c' },
        ]);
        const found = await jobs.find(job.id);
        expect(found?.progress.map((p) => [p.service, p.parts_received, p.total_parts])).toEqual([
          ['auth-server', 1, 1],
          ['user-directory', 2, 2],
        ]);
        await jobs.complete(job.id, Buffer.from('{}'), new Date(Date.now() - 1000));
        expect(await jobs.lockProcessing(job.id)).toBeUndefined();
        expect(await jobs.artifactOf(job.id)).toEqual(Buffer.from('{}'));
        expect(await jobs.expireArtifacts()).toBeGreaterThanOrEqual(1);
        expect(await jobs.artifactOf(job.id)).toBeUndefined();
      });
      const [row] = await db.query('SELECT status, private_key, artifact FROM privacy.export_jobs WHERE id = $1', [job.id]);
      expect(row).toEqual({ status: 'expired', private_key: null, artifact: null });
      expect(await db.query('SELECT * FROM privacy.export_parts WHERE job_id = $1', [job.id])).toEqual([]);
    });

    it('finds overdue jobs with the services that stayed silent', async () => {
      const job = newJob({ deadline: new Date(Date.now() - 1000) });
      await db.transaction(async (m) => {
        const jobs = new ExportJobsRepository(m);
        await jobs.create(job);
        await jobs.addPart({ jobId: job.id, service: 'user-directory', part: 0, totalParts: 1, ciphertext: 'a' });
        const overdue = (await jobs.lockOverdue(100)).find((j) => j.id === job.id);
        expect(overdue?.silent).toEqual(['auth-server']);
        await jobs.fail(job.id, 'no answer before the deadline from: auth-server');
        expect((await jobs.lockOverdue(100)).some((j) => j.id === job.id)).toBe(false);
      });
    });
  });

  describe('erasure requests', () => {
    it('completes on the last acknowledgement, forgets the user id, and takes repeats without change', async () => {
      const id = randomUUID();
      const userId = randomUUID();
      await db.transaction(async (m) => {
        const requests = new ErasureRequestsRepository(m);
        await requests.create({ id, tenantId: randomUUID(), subjectHash: 'f'.repeat(64), userId, verifiedBy: 'code', services: ['auth-server', 'user-directory'] });
        expect(await requests.pendingFor(userId)).toBe(id);
        expect(await requests.acknowledge(id, 'auth-server', '2026-11-30T01:00:00.000Z')).toBe(false);
        expect(await requests.acknowledge(id, 'auth-server', '2026-11-30T01:30:00.000Z')).toBe(false);
        expect(await requests.acknowledge(id, 'session-service', '2026-11-30T01:30:00.000Z')).toBe(false);
        expect(await requests.acknowledge(id, 'user-directory', '2026-11-30T02:00:00.000Z')).toBe(true);
        expect(await requests.acknowledge(id, 'user-directory', '2026-11-30T03:00:00.000Z')).toBe(false);
        expect(await requests.pendingFor(userId)).toBeUndefined();
        const found = await requests.find(id);
        expect(found?.completed_at?.toISOString()).toBe('2026-11-30T02:00:00.000Z');
        expect(found?.acknowledgements.map((a) => [a.service, a.acknowledged_at.toISOString()])).toEqual([
          ['auth-server', '2026-11-30T01:00:00.000Z'],
          ['user-directory', '2026-11-30T02:00:00.000Z'],
        ]);
      });
      expect(await db.query('SELECT user_id FROM privacy.erasure_requests WHERE id = $1', [id])).toEqual([{ user_id: null }]);
    });
  });

  describe('verification codes', () => {
    it('keeps one code per user; a new one resets the attempts', async () => {
      const userId = randomUUID();
      const tenantId = randomUUID();
      await db.transaction(async (m) => {
        const codes = new VerificationCodesRepository(m);
        await codes.issue({ userId, tenantId, salt: 's1', codeHash: 'h1', expiresAt: new Date(Date.now() + 60000) });
        await codes.recordFailure(userId);
        expect((await codes.lock(userId))?.failed_attempts).toBe(1);
        await codes.issue({ userId, tenantId, salt: 's2', codeHash: 'h2', expiresAt: new Date(Date.now() + 60000) });
        expect(await codes.lock(userId)).toMatchObject({ salt: 's2', code_hash: 'h2', failed_attempts: 0 });
        await codes.delete(userId);
        expect(await codes.lock(userId)).toBeUndefined();
      });
    });
  });
});
