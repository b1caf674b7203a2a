import 'reflect-metadata';
import { ErasureRequestsRepository, PRIVACY_MIGRATIONS } from '@sigma/privacy/data-access';
import { EVENT_MIGRATIONS, OutboxPublisher } from '@sigma/shared/data-access-events';
import { openServiceDatabase } from '@sigma/shared/data-access-persistence';
import { startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { Caller } from '@sigma/shared/util-auth';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { DirectoryUsersClient } from './directory-users.client';
import { ErasureService, subjectHashOf } from './erasure.service';
import { Mailer } from './mailer';

jest.setTimeout(60000);

describe('ErasureService on real PostgreSQL', () => {
  let postgres: TestPostgres;
  let db: DataSource;
  let mailDir: string;
  let service: ErasureService;
  const tenantId = randomUUID();
  const emails = new Map<string, string>();

  beforeAll(async () => {
    postgres = await startTestPostgres();
    mailDir = await mkdtemp(join(tmpdir(), 'sigma-erasure-mail-'));
    db = (await openServiceDatabase({ url: postgres.url, schema: 'privacy', poolSize: 4, applicationName: 'erasure-test', entities: [], migrations: [...EVENT_MIGRATIONS, ...PRIVACY_MIGRATIONS] })).dataSource;
    // The directory's internal claims API, as a contract stand-in.
    const directory = new DirectoryUsersClient({
      baseUrl: 'http://directory.test',
      timeoutMs: 1000,
      fetchImpl: async (url) => {
        const userId = /users\/([^/]+)\/claims/.exec(String(url))?.[1] ?? '';
        const email = emails.get(userId);
        if (email === undefined) return new Response('{}', { status: 404 });
        return Response.json({ user: { user_id: userId, tenant_id: tenantId, email, email_verified: true } });
      },
    });
    service = new ErasureService(
      db,
      new OutboxPublisher('privacy'),
      { directory, mailer: new Mailer({ mailDir, from: 'Sigma IAM <no-reply@sigma-iam.local>' }), exportTimeoutSeconds: 60, exportRetentionHours: 1, codeTtlSeconds: 600, sweepIntervalMs: 1000 },
      pino({ level: 'silent' }),
    );
  });

  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
    await rm(mailDir, { recursive: true, force: true });
  });

  const subject = (): Caller & { userId: string } => {
    const userId = randomUUID();
    emails.set(userId, `${userId.slice(0, 8)}@example.test`);
    return { tenantId, userId, clientId: 'sigma-iam', tokenId: randomUUID(), scopes: [], roles: [], permissions: [], expiresAt: new Date(Date.now() + 60000) };
  };

  async function mailedCode(to: string): Promise<string> {
    for (const file of await readdir(mailDir)) {
      const text = await readFile(join(mailDir, file), 'utf8');
      const code = /verification code is (\d{6})/.exec(text);
      if (text.includes(`To: ${to}`) && code) return code[1];
    }
    throw new Error(`no mail to ${to}`);
  }

  const requests = async (): Promise<number> => (await db.query('SELECT count(*)::int AS n FROM privacy.erasure_requests'))[0].n;

  it('accepts the mailed code once; the receipt completes on the last acknowledgement and keeps only a hash', async () => {
    const me = subject();
    const sent = await service.sendCode(me);
    expect(sent).toMatchObject({ status: 'sent', sent_to: `${me.userId[0]}***@example.test`, expires_in: 600 });
    const code = await mailedCode(emails.get(me.userId) ?? '');
    const stored = await db.query('SELECT code_hash, salt FROM privacy.verification_codes WHERE user_id = $1', [me.userId]);
    expect(JSON.stringify(stored)).not.toContain(code);

    const view = await service.request(me, { user_id: me.userId, tenant_id: tenantId, verification_code: code, reason: 'mine' });
    expect(view).toMatchObject({ status: 'processing', verified_by: 'code', services: [{ status: 'pending' }, { status: 'pending' }, { status: 'pending' }, { status: 'pending' }] });
    const [event] = await db.query(`SELECT envelope FROM privacy.outbox_events WHERE topic = 'erasure.requested' AND key = $1`, [me.userId]);
    expect(event.envelope.data).toEqual({ request_id: view.request_id, user_id: me.userId });
    // A second request while the first runs joins it (the code was spent; an admin asks).
    const again = await service.request({ ...me, userId: randomUUID(), permissions: ['privacy:erase'] }, { user_id: me.userId, tenant_id: tenantId });
    expect(again.request_id).toBe(view.request_id);
    await expect(service.request(me, { user_id: me.userId, tenant_id: tenantId, verification_code: code })).rejects.toMatchObject({ oauthError: 'invalid_grant' });

    for (const name of ['user-directory', 'auth-server', 'session-service', 'privacy-worker']) {
      await db.transaction((m) => new ErasureRequestsRepository(m).acknowledge(view.request_id, name, new Date().toISOString()));
    }
    const receipt = await service.status(me, view.request_id);
    expect(receipt.status).toBe('completed');
    expect(receipt.completed_at).not.toBeNull();
    expect(await db.query('SELECT user_id, subject_hash FROM privacy.erasure_requests WHERE id = $1', [view.request_id])).toEqual([
      { user_id: null, subject_hash: subjectHashOf(tenantId, me.userId) },
    ]);
    await expect(service.status(subject(), view.request_id)).rejects.toMatchObject({ kind: 'NOT_FOUND' });
  });

  it('refuses an expired code and changes nothing', async () => {
    const me = subject();
    await service.sendCode(me);
    const code = await mailedCode(emails.get(me.userId) ?? '');
    await db.query(`UPDATE privacy.verification_codes SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [me.userId]);
    const before = await requests();
    await expect(service.request(me, { user_id: me.userId, tenant_id: tenantId, verification_code: code })).rejects.toMatchObject({ kind: 'VALIDATION', oauthError: 'invalid_grant' });
    expect(await requests()).toBe(before);
  });

  it('refuses a code issued to someone else, a missing code, and resends too soon', async () => {
    const me = subject();
    const other = subject();
    await service.sendCode(other);
    const othersCode = await mailedCode(emails.get(other.userId) ?? '');
    const before = await requests();
    await expect(service.request(me, { user_id: me.userId, tenant_id: tenantId, verification_code: othersCode })).rejects.toMatchObject({ oauthError: 'invalid_grant' });
    await expect(service.request(me, { user_id: me.userId, tenant_id: tenantId })).rejects.toMatchObject({ oauthError: 'invalid_request' });
    await expect(service.sendCode(other)).rejects.toMatchObject({ kind: 'RATE_LIMITED' });
    expect(await requests()).toBe(before);
  });
});
