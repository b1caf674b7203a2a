import { Global, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DEFAULT_TENANT_SLUG, DIRECTORY_MIGRATIONS, DirectoryBootstrapRepository, MfaRepository } from '@sigma/directory/data-access';
import { DIRECTORY_OPTIONS, DirectoryOptions, generateRecoveryCodes, generateTotpSecret, hashRecoveryCode, totpCodeAt } from '@sigma/directory/domain';
import { DIRECTORY_INTERNAL_ROUTES } from '@sigma/shared/contracts-internal';
import { EVENT_MIGRATIONS, OutboxPublisher } from '@sigma/shared/data-access-events';
import { openServiceDatabase } from '@sigma/shared/data-access-persistence';
import { startTestPostgres, TestPostgres } from '@sigma/shared/testing';
import { ACCESS_TOKEN_TYPE, AccessTokenVerifier, API_AUDIENCE, BearerAuthGuard, issuerOf } from '@sigma/shared/util-auth';
import { SecretBox } from '@sigma/shared/util-crypto';
import { createValidationPipe, FamilyExceptionFilter, LOGGER } from '@sigma/shared/util-http';
import { hash } from 'bcrypt';
import { CryptoKey, exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { AfterQueryEvent, DataSource, EntitySubscriberInterface } from 'typeorm';
import { totpContextOf, unknownSubjectOf } from './credential-verification.service';
import { DirectoryCredentialsModule } from './directory-credentials.module';
import { SignInFailuresPurge } from './sign-in-failures.purge';

jest.setTimeout(120000);

const PUBLIC_URL = 'http://sigma.test';

/** Signs access tokens the way auth-server does, with one key published for every tenant. */
class TestTokens {
  private constructor(
    private readonly privateKey: CryptoKey,
    readonly jwk: JWK,
  ) {}

  static async create(): Promise<TestTokens> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    return new TestTokens(privateKey, { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' });
  }

  verifier(): AccessTokenVerifier {
    const keys = { keys: [this.jwk] };
    return new AccessTokenVerifier({ publicUrl: PUBLIC_URL, jwksUrl: (tenantId) => `http://auth.test/jwks?tenant_id=${tenantId}`, fetch: async () => Response.json(keys) });
  }

  sign(claims: { tenantId: string; userId: string; permissions: string[]; roles?: string[] }): Promise<string> {
    return new SignJWT({ client_id: 'test-client', tid: claims.tenantId, roles: claims.roles ?? [], permissions: claims.permissions })
      .setProtectedHeader({ alg: 'ES256', typ: ACCESS_TOKEN_TYPE, kid: 'test-key' })
      .setIssuer(issuerOf(PUBLIC_URL, claims.tenantId))
      .setAudience(API_AUDIENCE)
      .setSubject(claims.userId)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(this.privateKey);
  }
}

const BCRYPT_COST = 10;
const PASSWORD = 'correct horse battery staple';

describe('internal credential API and MFA enrolment on real PostgreSQL', () => {
  let postgres: TestPostgres;
  let dataSource: DataSource;
  let app: INestApplication;
  let baseUrl: string;
  let defaultTenant: string;
  let userRoleId: string;
  let tokens: TestTokens;
  const secretBox = new SecretBox(randomBytes(32));

  beforeAll(async () => {
    postgres = await startTestPostgres();
    dataSource = (
      await openServiceDatabase({
        url: postgres.url,
        schema: 'directory',
        poolSize: 4,
        applicationName: 'credentials-test',
        entities: [],
        migrations: [...EVENT_MIGRATIONS, ...DIRECTORY_MIGRATIONS],
      })
    ).dataSource;
    await dataSource.transaction(async (manager) => {
      const repository = new DirectoryBootstrapRepository(manager);
      defaultTenant = await repository.createDefaultTenant();
      userRoleId = (await repository.ensureSystemRoles(defaultTenant)).get('user') ?? '';
    });

    const options: DirectoryOptions = { bcryptCost: BCRYPT_COST, secretBox };
    tokens = await TestTokens.create();
    @Global()
    @Module({
      providers: [
        { provide: DataSource, useValue: dataSource },
        { provide: DIRECTORY_OPTIONS, useValue: options },
        { provide: LOGGER, useValue: pino({ level: 'silent' }) },
        { provide: OutboxPublisher, useValue: new OutboxPublisher('directory') },
        { provide: AccessTokenVerifier, useValue: tokens.verifier() },
        BearerAuthGuard,
      ],
      exports: [DataSource, DIRECTORY_OPTIONS, LOGGER, OutboxPublisher, AccessTokenVerifier, BearerAuthGuard],
    })
    class TestInfrastructure {}
    const moduleRef = await Test.createTestingModule({ imports: [TestInfrastructure, DirectoryCredentialsModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalPipes(createValidationPipe());
    app.useGlobalFilters(new FamilyExceptionFilter(pino({ level: 'silent' })));
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    await dataSource?.destroy();
    await postgres?.stop();
  });

  async function createUser(options: { tenantId?: string; email?: string; username?: string; password?: string | null; roleIds?: string[] } = {}): Promise<{ id: string; email: string; tenantId: string }> {
    const tenantId = options.tenantId ?? defaultTenant;
    const email = options.email ?? `user-${randomUUID()}@example.test`;
    const id = randomUUID();
    await dataSource.query('INSERT INTO directory.users (id, tenant_id, email, username, first_name, email_verified) VALUES ($1, $2, $3, $4, $5, true)', [
      id,
      tenantId,
      email,
      options.username ?? email,
      'Ada',
    ]);
    if (options.password !== null) {
      await dataSource.query('INSERT INTO directory.password_credentials (user_id, hash) VALUES ($1, $2)', [id, await hash(options.password ?? PASSWORD, BCRYPT_COST)]);
    }
    for (const roleId of options.roleIds ?? [userRoleId]) await dataSource.query('INSERT INTO directory.user_roles (user_id, role_id) VALUES ($1, $2)', [id, roleId]);
    return { id, email, tenantId };
  }

  async function createTenant(): Promise<string> {
    const id = randomUUID();
    await dataSource.query('INSERT INTO directory.tenants (id, name, slug) VALUES ($1, $2, $3)', [id, 'Other', `other-${id.slice(0, 8)}`]);
    return id;
  }

  type Answer = { status: number; body: Record<string, unknown>; headers: Headers };

  /** An answer without what differs between any two requests (request id, time, the ETag of both): status, every other header, body. */
  function alike(answer: Answer, alsoWithout: string[] = []): unknown {
    // The weak ETag digests the body, request id included; the bodies themselves are compared.
    const varying = ['date', 'x-request-id', 'etag', ...alsoWithout];
    const error = answer.body['error'] as Record<string, unknown> | undefined;
    return {
      status: answer.status,
      headers: [...answer.headers.entries()].filter(([name]) => !varying.includes(name)),
      body: error ? { ...answer.body, error: { ...error, request_id: typeof error['request_id'], timestamp: typeof error['timestamp'] } } : answer.body,
    };
  }

  async function post(path: string, body: unknown): Promise<Answer> {
    const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
  }

  const verifyPassword = (body: Record<string, unknown>) => post(DIRECTORY_INTERNAL_ROUTES.verifyPassword, body);
  const verifySecondFactor = (body: Record<string, unknown>) => post(DIRECTORY_INTERNAL_ROUTES.verifySecondFactor, body);

  async function userRow(id: string): Promise<{ failed_login_count: number; locked_until: Date | null; last_login: Date | null }> {
    const rows: Array<{ failed_login_count: number; locked_until: Date | null; last_login: Date | null }> = await dataSource.query(
      `SELECT COALESCE(f.failure_count, 0) AS failed_login_count, f.locked_until, u.last_login
         FROM directory.users u LEFT JOIN directory.sign_in_failures f ON f.subject = u.id::text WHERE u.id = $1`,
      [id],
    );
    return rows[0];
  }

  /** Ends the lock of a sign-in subject (a user id or an unknown identifier's digest) as if its time had passed. */
  async function endLock(subject: string): Promise<void> {
    await dataSource.query("UPDATE directory.sign_in_failures SET locked_until = now() - interval '1 second' WHERE subject = $1", [subject]);
  }

  /** Every statement the directory runs on the database while `action` runs: its text and the rows it answered or changed. */
  async function statementsDuring(action: () => Promise<unknown>): Promise<Array<{ sql: string; rows: number | null }>> {
    const statements: Array<{ sql: string; rows: number | null }> = [];
    const recorder: EntitySubscriberInterface = {
      afterQuery(event: AfterQueryEvent<unknown>) {
        const raw = event.rawResults as { rowCount?: number | null } | undefined;
        statements.push({ sql: event.query.replace(/\s+/g, ' ').trim(), rows: raw?.rowCount ?? null });
      },
    };
    dataSource.subscribers.push(recorder);
    try {
      await action();
    } finally {
      dataSource.subscribers.splice(dataSource.subscribers.indexOf(recorder), 1);
    }
    return statements;
  }

  async function enrolTotp(userId: string): Promise<{ secret: string; recoveryCodes: string[] }> {
    const secret = generateTotpSecret();
    const recoveryCodes = generateRecoveryCodes();
    await dataSource.transaction((manager) => new MfaRepository(manager).replaceEnrolment(userId, secretBox.seal(secret, totpContextOf(userId)), recoveryCodes.map(hashRecoveryCode)));
    return { secret, recoveryCodes };
  }

  describe('password verification', () => {
    it('answers the identity and claims for the right password, by email or username in any case, in the default tenant', async () => {
      const user = await createUser({ email: 'Grace.Hopper@Example.test', username: 'ghopper' });
      await dataSource.query('INSERT INTO directory.sign_in_failures (subject, failure_count, last_failure_at) VALUES ($1, 3, now())', [user.id]);
      const byEmail = await verifyPassword({ username: 'grace.hopper@example.TEST', password: PASSWORD, client_ip: '203.0.113.7' });
      expect(byEmail.status).toBe(200);
      expect(byEmail.body).toEqual({
        user: {
          user_id: user.id,
          tenant_id: defaultTenant,
          username: 'ghopper',
          email: 'Grace.Hopper@Example.test',
          email_verified: true,
          first_name: 'Ada',
          last_name: null,
          is_active: true,
          roles: ['user'],
          permissions: [],
          mfa: { totp: false, webauthn: false },
          last_login: expect.any(String),
          created_at: expect.any(String),
          updated_at: expect.any(String),
        },
      });
      const row = await userRow(user.id);
      expect(row.failed_login_count).toBe(0);
      expect(row.last_login).not.toBeNull();
      const byUsername = await verifyPassword({ tenant_id: defaultTenant, username: 'GHOPPER', password: PASSWORD });
      expect(byUsername.status).toBe(200);
    });

    it('answers effective permissions of roles and groups', async () => {
      const roleId = randomUUID();
      const groupId = randomUUID();
      await dataSource.query("INSERT INTO directory.roles (id, tenant_id, name, slug, permissions) VALUES ($1, $2, 'Auditor', $3, '{users:read,sessions:read}')", [
        roleId,
        defaultTenant,
        `auditor-${roleId.slice(0, 8)}`,
      ]);
      await dataSource.query("INSERT INTO directory.groups (id, tenant_id, name, slug, permissions) VALUES ($1, $2, 'Ops', $3, '{applications:*}')", [groupId, defaultTenant, `ops-${groupId.slice(0, 8)}`]);
      const user = await createUser({ roleIds: [userRoleId, roleId] });
      await dataSource.query('INSERT INTO directory.user_groups (user_id, group_id) VALUES ($1, $2)', [user.id, groupId]);
      const answer = await verifyPassword({ username: user.email, password: PASSWORD });
      expect(answer.status).toBe(200);
      const claims = answer.body['user'] as { roles: string[]; permissions: string[] };
      expect(claims.roles.sort()).toEqual(['Auditor', 'user']);
      expect(claims.permissions).toEqual(['applications:*', 'sessions:read', 'users:read']);
    });

    it('answers 401 INVALID_CREDENTIALS alike for a wrong password, an unknown user, a user of another tenant and one without a password', async () => {
      const user = await createUser();
      const other = await createTenant();
      const elsewhere = await createUser({ tenantId: other });
      const passwordless = await createUser({ password: null });
      const answers = [
        await verifyPassword({ username: user.email, password: 'wrong password' }),
        await verifyPassword({ username: `nobody-${randomUUID()}@example.test`, password: PASSWORD }),
        await verifyPassword({ username: elsewhere.email, password: PASSWORD }),
        await verifyPassword({ tenant_id: randomUUID(), username: user.email, password: PASSWORD }),
        await verifyPassword({ username: passwordless.email, password: PASSWORD }),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(401);
        expect(answer.body).toMatchObject({ error: { code: 'INVALID_CREDENTIALS', message: 'the credentials are not valid' } });
      }
      expect((await userRow(user.id)).failed_login_count).toBe(1);
      expect((await verifyPassword({ tenant_id: other, username: elsewhere.email, password: PASSWORD })).status).toBe(200);
    });

    it('does the same database work for an unknown user as for a wrong password: same statements, same rows written, same answer', async () => {
      const user = await createUser({ email: `timing-${randomUUID()}@example.test` });
      const ghost = `ghost-${randomUUID()}@example.test`;
      const other = await createTenant();
      let wrongAnswer: Awaited<ReturnType<typeof verifyPassword>> | undefined;
      let unknownAnswer: Awaited<ReturnType<typeof verifyPassword>> | undefined;
      // The first failure of each inserts its count; the second updates it. Both are compared.
      for (let attempt = 0; attempt < 2; attempt++) {
        const wrong = await statementsDuring(async () => (wrongAnswer = await verifyPassword({ username: user.email, password: `wrong ${attempt}`, client_ip: '192.0.2.10' })));
        const unknown = await statementsDuring(async () => (unknownAnswer = await verifyPassword({ username: ghost, password: `wrong ${attempt}`, client_ip: '192.0.2.11' })));
        // Nothing but the statements recorded here ran: the lookup, the lock, the failure count.
        expect(wrong.map((statement) => statement.sql.split(' ').slice(0, 4).join(' '))).toEqual([
          'SELECT u.id, u.tenant_id, u.is_active,',
          'SELECT CEIL(EXTRACT(EPOCH FROM (locked_until',
          'INSERT INTO directory.sign_in_failures AS',
        ]);
        expect(unknown.map((statement) => statement.sql)).toEqual(wrong.map((statement) => statement.sql));
        // The lookup finds one account or none; the lock lookup and the write touch one row each alike.
        expect(unknown.slice(1).map((statement) => statement.rows)).toEqual(wrong.slice(1).map((statement) => statement.rows));
        expect(wrong[2].rows).toBe(1);
        expect(wrongAnswer?.status).toBe(401);
        expect(unknownAnswer && alike(unknownAnswer)).toEqual(wrongAnswer && alike(wrongAnswer));
      }
      // A user of another tenant and a user without a password take the same path too.
      const elsewhere = await createUser({ tenantId: other });
      const passwordless = await createUser({ password: null });
      const shapes = async (body: Record<string, unknown>) => (await statementsDuring(() => verifyPassword(body))).map((statement) => [statement.sql, statement.rows]);
      const reference = await shapes({ username: `ghost-${randomUUID()}@example.test`, password: PASSWORD });
      expect(await shapes({ username: elsewhere.email, password: PASSWORD })).toEqual(reference);
      expect((await shapes({ username: passwordless.email, password: PASSWORD })).slice(1)).toEqual(reference.slice(1));
    });

    it('locks the account after 5 failures (429 with retry_after, even for the right password), doubles the lock, and lets it expire', async () => {
      const user = await createUser();
      for (let i = 0; i < 4; i++) expect((await verifyPassword({ username: user.email, password: 'nope' })).status).toBe(401);
      expect((await userRow(user.id)).locked_until).toBeNull();
      expect((await verifyPassword({ username: user.email, password: 'nope' })).status).toBe(401);
      const locked = await userRow(user.id);
      expect(locked.failed_login_count).toBe(5);
      const lockSeconds = ((locked.locked_until?.getTime() ?? 0) - Date.now()) / 1000;
      expect(lockSeconds).toBeGreaterThan(25);
      expect(lockSeconds).toBeLessThanOrEqual(31);

      const refused = await verifyPassword({ username: user.email, password: PASSWORD });
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ error: { code: 'RATE_LIMIT_EXCEEDED', retry_after: expect.any(Number) } });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await userRow(user.id)).failed_login_count).toBe(5);

      // The lock ends: one more failure locks again, for twice as long.
      await endLock(user.id);
      expect((await verifyPassword({ username: user.email, password: 'nope' })).status).toBe(401);
      const relocked = await userRow(user.id);
      expect(((relocked.locked_until?.getTime() ?? 0) - Date.now()) / 1000).toBeGreaterThan(55);

      await endLock(user.id);
      expect((await verifyPassword({ username: user.email, password: PASSWORD })).status).toBe(200);
      expect(await userRow(user.id)).toMatchObject({ failed_login_count: 0, locked_until: null });
    });

    it('throttles unknown identifiers exactly like real accounts, so a lock does not reveal that an account exists', async () => {
      const user = await createUser();
      const ghost = `Ghost-${randomUUID()}@example.test`;
      const ghostSubject = unknownSubjectOf(undefined, ghost);
      const both = async (password: string) => [await verifyPassword({ username: user.email, password }), await verifyPassword({ username: ghost, password })];
      for (let i = 0; i < 4; i++) expect((await both('nope')).map((answer) => answer.status)).toEqual([401, 401]);
      const fifth = await both('nope');
      expect(fifth.map((answer) => answer.status)).toEqual([401, 401]);
      expect(alike(fifth[1])).toEqual(alike(fifth[0]));
      // Locked: 429 with the same Retry-After and body, even for the right password; the identifier's case does not matter.
      const refused = [await verifyPassword({ username: user.email, password: PASSWORD }), await verifyPassword({ username: ghost.toUpperCase(), password: PASSWORD })];
      expect(refused.map((answer) => answer.status)).toEqual([429, 429]);
      expect(Math.abs(Number(refused[1].headers.get('retry-after')) - Number(refused[0].headers.get('retry-after')))).toBeLessThanOrEqual(1);
      const withoutSeconds = (answer: Answer) => alike({ ...answer, body: { error: { ...(answer.body['error'] as object), retry_after: 0 } } }, ['retry-after']);
      expect(withoutSeconds(refused[1])).toEqual(withoutSeconds(refused[0]));
      // Both counts live in one table, one row each, alike; the identifier itself is not stored.
      const rows: Array<{ subject: string; failure_count: number; locked: boolean }> = await dataSource.query(
        'SELECT subject, failure_count, locked_until > now() AS locked FROM directory.sign_in_failures WHERE subject = ANY($1) ORDER BY subject = $2 DESC',
        [[user.id, ghostSubject], user.id],
      );
      expect(rows).toEqual([
        { subject: user.id, failure_count: 5, locked: true },
        { subject: ghostSubject, failure_count: 5, locked: true },
      ]);
      expect(ghostSubject).not.toContain('ghost');
      // The next failure after the lock doubles it for both.
      await endLock(user.id);
      await endLock(ghostSubject);
      expect((await both('nope')).map((answer) => answer.status)).toEqual([401, 401]);
      const relocked = [await verifyPassword({ username: user.email, password: PASSWORD }), await verifyPassword({ username: ghost, password: PASSWORD })];
      expect(relocked.map((answer) => Number(answer.headers.get('retry-after')))).toEqual([expect.any(Number), expect.any(Number)]);
      for (const answer of relocked) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(55);
    });

    it('forgets failures a day after the last one, and the purge deletes forgotten counts whose lock has ended', async () => {
      const user = await createUser();
      const ghostSubject = unknownSubjectOf(undefined, `ghost-${randomUUID()}@example.test`);
      await dataSource.query(
        "INSERT INTO directory.sign_in_failures (subject, failure_count, last_failure_at, locked_until) VALUES ($1, 7, now() - interval '25 hours', now() - interval '24 hours'), ($2, 4, now() - interval '25 hours', NULL)",
        [user.id, ghostSubject],
      );
      // A forgotten count starts again at one: no lock.
      expect((await verifyPassword({ username: user.email, password: 'nope' })).status).toBe(401);
      expect(await userRow(user.id)).toMatchObject({ failed_login_count: 1, locked_until: null });
      const purge = app.get(SignInFailuresPurge);
      expect((await purge.purge())?.sign_in_failures).toBeGreaterThanOrEqual(1);
      expect(await dataSource.query('SELECT subject FROM directory.sign_in_failures WHERE subject = ANY($1)', [[user.id, ghostSubject]])).toEqual([{ subject: user.id }]);
    });

    it('locks a client IP after 20 failures across accounts, leaving other addresses alone', async () => {
      const user = await createUser();
      const ip = `198.51.100.${Math.floor(Math.random() * 200) + 1}`;
      for (let i = 0; i < 20; i++) {
        expect((await verifyPassword({ username: `spray-${i}-${randomUUID()}@example.test`, password: 'Summer2024!', client_ip: ip })).status).toBe(401);
      }
      const refused = await verifyPassword({ username: user.email, password: PASSWORD, client_ip: ip });
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ error: { code: 'RATE_LIMIT_EXCEEDED', retry_after: expect.any(Number) } });
      expect((await verifyPassword({ username: user.email, password: PASSWORD, client_ip: '192.0.2.1' })).status).toBe(200);
    });

    it('answers 403 for a disabled account only after the right password', async () => {
      const user = await createUser();
      await dataSource.query('UPDATE directory.users SET is_active = false WHERE id = $1', [user.id]);
      expect((await verifyPassword({ username: user.email, password: 'nope' })).status).toBe(401);
      const refused = await verifyPassword({ username: user.email, password: PASSWORD });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: { code: 'INSUFFICIENT_PERMISSIONS' } });
    });

    it('refuses malformed requests with 400 and field details, never echoing the password', async () => {
      const answer = await verifyPassword({ username: 'x', password: 12345678, extra: true });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: { code: 'VALIDATION_ERROR' } });
      const fields = ((answer.body['error'] as { details: Array<{ field: string }> }).details ?? []).map((d) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['password', 'extra']));
      expect(JSON.stringify(answer.body)).not.toContain('12345678');
      expect((await verifyPassword({ tenant_id: 'not-a-uuid', username: 'x', password: 'y' })).status).toBe(400);
    });

    it('reports enrolled second factors and leaves last_login to the second step', async () => {
      const user = await createUser();
      await enrolTotp(user.id);
      const answer = await verifyPassword({ username: user.email, password: PASSWORD });
      expect(answer.status).toBe(200);
      expect(answer.body['user']).toMatchObject({ mfa: { totp: true, webauthn: false }, last_login: null });
    });
  });

  describe('second-factor verification', () => {
    it('accepts a current TOTP code once and refuses its replay and codes of earlier steps', async () => {
      const user = await createUser();
      const { secret } = await enrolTotp(user.id);
      const now = Math.floor(Date.now() / 1000);
      const previous = await totpCodeAt(secret, now - 30);
      const current = await totpCodeAt(secret, now);
      const accepted = await verifySecondFactor({ tenant_id: defaultTenant, user_id: user.id, totp_code: current });
      expect(accepted.status).toBe(200);
      expect(accepted.body['user']).toMatchObject({ user_id: user.id, mfa: { totp: true } });
      expect((await userRow(user.id)).last_login).not.toBeNull();

      const replay = await verifySecondFactor({ tenant_id: defaultTenant, user_id: user.id, totp_code: current });
      expect(replay.status).toBe(401);
      expect(replay.body).toMatchObject({ error: { code: 'INVALID_CREDENTIALS' } });
      if (previous !== current) expect((await verifySecondFactor({ tenant_id: defaultTenant, user_id: user.id, totp_code: previous })).status).toBe(401);
    });

    it('accepts the previous step (clock drift) but not a code two steps old', async () => {
      const user = await createUser();
      const { secret } = await enrolTotp(user.id);
      const now = Math.floor(Date.now() / 1000);
      const stale = await totpCodeAt(secret, now - 75);
      const candidates = new Set([await totpCodeAt(secret, now - 30), await totpCodeAt(secret, now), await totpCodeAt(secret, now + 30)]);
      if (!candidates.has(stale)) expect((await verifySecondFactor({ tenant_id: defaultTenant, user_id: user.id, totp_code: stale })).status).toBe(401);
      expect((await verifySecondFactor({ tenant_id: defaultTenant, user_id: user.id, totp_code: await totpCodeAt(secret, now - 30) })).status).toBe(200);
    });

    it('accepts each recovery code once, in any case and with or without hyphens', async () => {
      const user = await createUser();
      const { recoveryCodes } = await enrolTotp(user.id);
      const first = await verifySecondFactor({ tenant_id: defaultTenant, user_id: user.id, recovery_code: recoveryCodes[0].toUpperCase() });
      expect(first.status).toBe(200);
      const reuse = await verifySecondFactor({ tenant_id: defaultTenant, user_id: user.id, recovery_code: recoveryCodes[0] });
      expect(reuse.status).toBe(401);
      expect((await verifySecondFactor({ tenant_id: defaultTenant, user_id: user.id, recovery_code: recoveryCodes[1].replace(/-/g, '') })).status).toBe(200);
      const used: Array<{ count: string }> = await dataSource.query('SELECT count(*) FROM directory.recovery_codes WHERE user_id = $1 AND used_at IS NOT NULL', [user.id]);
      expect(used[0].count).toBe('2');
    });

    it('refuses wrong codes, users without TOTP and users of another tenant with 401, and locks after 5 failures', async () => {
      const user = await createUser();
      await enrolTotp(user.id);
      const plain = await createUser();
      const other = await createTenant();
      expect((await verifySecondFactor({ tenant_id: defaultTenant, user_id: plain.id, totp_code: '123456' })).status).toBe(401);
      expect((await verifySecondFactor({ tenant_id: other, user_id: user.id, totp_code: '123456' })).status).toBe(401);
      expect((await verifySecondFactor({ tenant_id: defaultTenant, user_id: randomUUID(), recovery_code: 'abcdef-ghijk' })).status).toBe(401);
      for (let i = 0; i < 5; i++) {
        expect((await verifySecondFactor({ tenant_id: defaultTenant, user_id: user.id, recovery_code: `wrong-code-${i}` })).status).toBe(401);
      }
      expect((await verifySecondFactor({ tenant_id: defaultTenant, user_id: user.id, totp_code: '000000' })).status).toBe(429);
    });

    it('needs exactly one of totp_code and recovery_code (400)', async () => {
      const user = await createUser();
      expect((await verifySecondFactor({ tenant_id: defaultTenant, user_id: user.id })).status).toBe(400);
      expect((await verifySecondFactor({ tenant_id: defaultTenant, user_id: user.id, totp_code: '123456', recovery_code: 'abcdefgh' })).status).toBe(400);
      expect((await verifySecondFactor({ tenant_id: defaultTenant, user_id: user.id, totp_code: '12345' })).status).toBe(400);
    });
  });

  describe('claims', () => {
    it("answers a user's claims in its tenant and 404 elsewhere or for unknown and malformed ids", async () => {
      const user = await createUser();
      const answer = await fetch(`${baseUrl}${DIRECTORY_INTERNAL_ROUTES.userClaims(user.id)}?tenant_id=${defaultTenant}`);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ user: { user_id: user.id, tenant_id: defaultTenant, roles: ['user'], mfa: { totp: false, webauthn: false } } });
      const other = await createTenant();
      expect((await fetch(`${baseUrl}${DIRECTORY_INTERNAL_ROUTES.userClaims(user.id)}?tenant_id=${other}`)).status).toBe(404);
      expect((await fetch(`${baseUrl}${DIRECTORY_INTERNAL_ROUTES.userClaims(randomUUID())}?tenant_id=${defaultTenant}`)).status).toBe(404);
      expect((await fetch(`${baseUrl}${DIRECTORY_INTERNAL_ROUTES.userClaims('nope')}?tenant_id=${defaultTenant}`)).status).toBe(404);
      expect((await fetch(`${baseUrl}${DIRECTORY_INTERNAL_ROUTES.userClaims(user.id)}`)).status).toBe(400);
      expect(DEFAULT_TENANT_SLUG).toBe('default');
    });
  });

  describe('federated login', () => {
    const federated = (body: Record<string, unknown>) =>
      post(DIRECTORY_INTERNAL_ROUTES.federatedLogin, { tenant_id: defaultTenant, issuer: 'https://idp.example', provider: 'acme', email_verified: true, link_by_email: false, allow_signup: true, ...body });

    it('creates one user for concurrent first sign-ins of an identity, then signs the same user in (user.created once)', async () => {
      const subject = randomUUID();
      const email = `fed-${subject}@example.test`;
      const answers = await Promise.all([1, 2, 3].map(() => federated({ subject, email, first_name: 'Fed', last_name: 'Erated' })));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      const ids = new Set(answers.map((a) => (a.body['user'] as { user_id: string }).user_id));
      expect(ids.size).toBe(1);
      expect(answers.map((a) => a.body['outcome']).sort()).toEqual(['created', 'existing', 'existing']);
      const [id] = [...ids];
      expect(answers[0].body['user']).toMatchObject({ email, email_verified: true, first_name: 'Fed', roles: ['user'], last_login: expect.any(String) });
      const events: Array<{ n: number }> = await dataSource.query("SELECT count(*)::int AS n FROM directory.outbox_events WHERE topic = 'user.created' AND key = $1", [id]);
      expect(events[0].n).toBe(1);
      // The same subject at another issuer is another identity.
      const elsewhere = await federated({ subject, issuer: 'https://other-idp.example', email: `other-${subject}@example.test` });
      expect((elsewhere.body['user'] as { user_id: string }).user_id).not.toBe(id);
    });

    it('links by email only when allowed and verified; otherwise 409 and nothing linked', async () => {
      const owner = await createUser();
      expect((await federated({ subject: randomUUID(), email: owner.email })).status).toBe(409);
      expect((await federated({ subject: randomUUID(), email: owner.email, link_by_email: true, email_verified: false })).status).toBe(409);
      const linked = await federated({ subject: 'linked-subject', email: owner.email.toUpperCase(), link_by_email: true });
      expect(linked.status).toBe(200);
      expect(linked.body).toMatchObject({ outcome: 'linked', user: { user_id: owner.id } });
      const links: Array<{ n: number }> = await dataSource.query('SELECT count(*)::int AS n FROM directory.external_identities WHERE user_id = $1', [owner.id]);
      expect(links[0].n).toBe(1);
    });

    it('refuses sign-up when disabled (403), disabled accounts (403), identities without email (400) and unknown tenants (404)', async () => {
      expect((await federated({ subject: randomUUID(), email: `nobody-${randomUUID()}@example.test`, allow_signup: false })).status).toBe(403);
      expect((await federated({ subject: randomUUID() })).status).toBe(400);
      const subject = randomUUID();
      const created = await federated({ subject, email: `gone-${subject}@example.test` });
      await dataSource.query('UPDATE directory.users SET is_active = false WHERE id = $1', [(created.body['user'] as { user_id: string }).user_id]);
      expect((await federated({ subject })).status).toBe(403);
      expect((await federated({ subject: randomUUID(), email: 'x@example.test', tenant_id: randomUUID() })).status).toBe(404);
      expect((await federated({ subject: '', email: 'x@example.test' })).status).toBe(400);
      expect((await federated({ subject: 'x', email: 'x@example.test', issuer: 'not a url' })).status).toBe(400);
    });

    it('keeps identities per tenant', async () => {
      const other = await createTenant();
      await dataSource.transaction((manager) => new DirectoryBootstrapRepository(manager).ensureSystemRoles(other));
      const subject = randomUUID();
      const here = await federated({ subject, email: `t-${subject}@example.test` });
      const there = await federated({ subject, email: `t-${subject}@example.test`, tenant_id: other });
      expect([here.status, there.status]).toEqual([200, 200]);
      expect(there.body).toMatchObject({ outcome: 'created', user: { tenant_id: other } });
      expect((there.body['user'] as { user_id: string }).user_id).not.toBe((here.body['user'] as { user_id: string }).user_id);
    });
  });

  describe('MFA enrolment (seed 004)', () => {
    async function call(method: string, path: string, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
      const response = await fetch(`${baseUrl}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    }

    async function mfaEvents(userId: string): Promise<Array<{ changed_fields: string[] }>> {
      const rows: Array<{ envelope: { type: string; data: { user_id: string; changed_fields: string[] } } }> = await dataSource.query(
        "SELECT envelope FROM directory.outbox_events WHERE topic = 'user.updated' AND key = $1 ORDER BY created_at",
        [userId],
      );
      return rows.map((row) => row.envelope.data);
    }

    it('lets a user enrol themself: secret, PNG QR code and 10 recovery codes that the internal API then accepts', async () => {
      const user = await createUser();
      const token = await tokens.sign({ tenantId: defaultTenant, userId: user.id, permissions: [] });
      const answer = await call('POST', `/api/v1/users/${user.id}/mfa/enroll`, token);
      expect(answer.status).toBe(200);
      const enrolment = answer.body as { secret: string; qr_code: string; recovery_codes: string[] };
      expect(Object.keys(enrolment).sort()).toEqual(['qr_code', 'recovery_codes', 'secret']);
      expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(enrolment.qr_code.startsWith('data:image/png;base64,')).toBe(true);
      expect(Buffer.from(enrolment.qr_code.slice('data:image/png;base64,'.length), 'base64').subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(enrolment.recovery_codes).toHaveLength(10);

      const stored: Array<{ secret_sealed: string }> = await dataSource.query('SELECT secret_sealed FROM directory.totp_credentials WHERE user_id = $1', [user.id]);
      expect(stored[0].secret_sealed).not.toContain(enrolment.secret);
      const codes: Array<{ code_hash: string }> = await dataSource.query('SELECT code_hash FROM directory.recovery_codes WHERE user_id = $1', [user.id]);
      expect(codes).toHaveLength(10);
      for (const code of enrolment.recovery_codes) expect(codes.map((c) => c.code_hash)).not.toContain(code);

      expect((await verifyPassword({ username: user.email, password: PASSWORD })).body['user']).toMatchObject({ mfa: { totp: true } });
      const totp = await verifySecondFactor({ tenant_id: defaultTenant, user_id: user.id, totp_code: await totpCodeAt(enrolment.secret, Math.floor(Date.now() / 1000)) });
      expect(totp.status).toBe(200);
      expect((await verifySecondFactor({ tenant_id: defaultTenant, user_id: user.id, recovery_code: enrolment.recovery_codes[3] })).status).toBe(200);
      expect(await mfaEvents(user.id)).toEqual([{ user_id: user.id, changed_fields: ['mfa'] }]);
    });

    it('replaces an earlier enrolment: old recovery codes stop working', async () => {
      const user = await createUser();
      const token = await tokens.sign({ tenantId: defaultTenant, userId: user.id, permissions: [] });
      const first = (await call('POST', `/api/v1/users/${user.id}/mfa/enroll`, token)).body as { recovery_codes: string[]; secret: string };
      const second = (await call('POST', `/api/v1/users/${user.id}/mfa/enroll`, token)).body as { recovery_codes: string[]; secret: string };
      expect(second.secret).not.toBe(first.secret);
      expect((await verifySecondFactor({ tenant_id: defaultTenant, user_id: user.id, recovery_code: first.recovery_codes[0] })).status).toBe(401);
      expect((await verifySecondFactor({ tenant_id: defaultTenant, user_id: user.id, recovery_code: second.recovery_codes[0] })).status).toBe(200);
    });

    it('lets a users:write admin of the same tenant enrol and disable, and refuses others', async () => {
      const user = await createUser();
      const admin = await tokens.sign({ tenantId: defaultTenant, userId: randomUUID(), permissions: ['users:*'] });
      const peer = await tokens.sign({ tenantId: defaultTenant, userId: randomUUID(), permissions: ['users:read'] });
      const other = await createTenant();
      const foreignAdmin = await tokens.sign({ tenantId: other, userId: randomUUID(), permissions: ['*'] });

      expect((await call('POST', `/api/v1/users/${user.id}/mfa/enroll`)).status).toBe(401);
      const forbidden = await call('POST', `/api/v1/users/${user.id}/mfa/enroll`, peer);
      expect(forbidden.status).toBe(403);
      expect(forbidden.body).toMatchObject({ error: { code: 'INSUFFICIENT_PERMISSIONS' } });
      const hidden = await call('POST', `/api/v1/users/${user.id}/mfa/enroll`, foreignAdmin);
      expect(hidden.status).toBe(404);
      expect(hidden.body).toMatchObject({ error: { code: 'RESOURCE_NOT_FOUND' } });
      expect((await call('POST', '/api/v1/users/not-a-uuid/mfa/enroll', admin)).status).toBe(404);
      const none: unknown[] = await dataSource.query('SELECT 1 FROM directory.totp_credentials WHERE user_id = $1', [user.id]);
      expect(none).toHaveLength(0);

      expect((await call('POST', `/api/v1/users/${user.id}/mfa/enroll`, admin)).status).toBe(200);
      expect((await call('DELETE', `/api/v1/users/${user.id}/mfa`, peer)).status).toBe(403);
      expect((await call('DELETE', `/api/v1/users/${user.id}/mfa`, foreignAdmin)).status).toBe(404);
      const disabled = await call('DELETE', `/api/v1/users/${user.id}/mfa`, admin);
      expect(disabled.status).toBe(204);
      const left: unknown[] = await dataSource.query(
        'SELECT 1 FROM directory.totp_credentials WHERE user_id = $1 UNION ALL SELECT 1 FROM directory.recovery_codes WHERE user_id = $1',
        [user.id],
      );
      expect(left).toHaveLength(0);
      expect((await verifyPassword({ username: user.email, password: PASSWORD })).body['user']).toMatchObject({ mfa: { totp: false } });
      expect(await mfaEvents(user.id)).toEqual([
        { user_id: user.id, changed_fields: ['mfa'] },
        { user_id: user.id, changed_fields: ['mfa'] },
      ]);
      // Disabling again changes nothing and publishes nothing.
      expect((await call('DELETE', `/api/v1/users/${user.id}/mfa`, admin)).status).toBe(204);
      expect(await mfaEvents(user.id)).toHaveLength(2);
    });
  });
});
