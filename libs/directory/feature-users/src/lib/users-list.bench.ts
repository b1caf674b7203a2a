/**
 * Benchmark worker for `npm run bench` (scripts/bench-directory.mjs starts it with ts-node):
 * user list and search latency at growing user counts in one tenant, measured through HTTP
 * against the real DirectoryUsersModule (validation, bearer-token verification, repository,
 * roles and permissions query, serialisation) on the PostgreSQL named by DATABASE_URL.
 * Prints one JSON document on stdout. Not part of the service.
 */
import 'reflect-metadata';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DIRECTORY_MIGRATIONS, DirectoryBootstrapRepository } from '@sigma/directory/data-access';
import { DIRECTORY_OPTIONS, DirectoryOptions } from '@sigma/directory/domain';
import { EVENT_MIGRATIONS, OutboxPublisher } from '@sigma/shared/data-access-events';
import { openServiceDatabase } from '@sigma/shared/data-access-persistence';
import { AccessTokenVerifier, API_AUDIENCE, BearerAuthGuard, issuerOf } from '@sigma/shared/util-auth';
import { SecretBox } from '@sigma/shared/util-crypto';
import { createValidationPipe, FamilyExceptionFilter, LOGGER } from '@sigma/shared/util-http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { DirectoryUsersModule } from './directory-users.module';

const PUBLIC_URL = 'https://bench.example.test';
const FIRST_NAMES = ['james', 'mary', 'john', 'patricia', 'robert', 'jennifer', 'michael', 'linda', 'william', 'elizabeth', 'david', 'barbara', 'richard', 'susan', 'joseph', 'jessica', 'thomas', 'sarah', 'charles', 'karen', 'chris', 'nancy', 'daniel', 'lisa', 'matthew', 'betty', 'anthony', 'margaret', 'mark', 'sandra', 'donald', 'ashley', 'steven', 'kimberly', 'paul', 'emily', 'andrew', 'donna', 'joshua', 'michelle', 'kenneth', 'carol', 'kevin', 'amanda', 'brian', 'dorothy', 'george', 'melissa', 'timothy', 'deborah'];
const SURNAME_STARTS = ['ab', 'bel', 'cor', 'dan', 'el', 'fer', 'gar', 'hol', 'ito', 'jen', 'kov', 'lam', 'mor', 'nak', 'ost', 'pel', 'quin', 'ros', 'sat', 'tor'];
const SURNAME_ENDS = ['berg', 'czyk', 'dottir', 'ez', 'field', 'man', 'ovic', 'sson', 'uchi', 'wood'];
/** 200 surnames, each carried by 0.5% of the users. */
const SURNAMES = SURNAME_STARTS.flatMap((start) => SURNAME_ENDS.map((end) => `${start}${end}`));

interface Scenario {
  name: string;
  path: string;
}

interface Measured {
  name: string;
  path: string;
  p50: number;
  p95: number;
  max: number;
  total: number;
  estimated: boolean;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function grow(dataSource: DataSource, tenantId: string, userRoleId: string, from: number, to: number): Promise<void> {
  const chunk = 50_000;
  for (let start = from + 1; start <= to; start += chunk) {
    const end = Math.min(to, start + chunk - 1);
    // Names from small vocabularies, as real directories have: each last name is ~0.5% of users.
    await dataSource.query(
      `WITH inserted AS (
         INSERT INTO directory.users (id, tenant_id, email, username, first_name, last_name, email_verified, is_active, created_at, updated_at, last_login)
         SELECT gen_random_uuid(), $1,
                f.name || '.' || l.name || '.' || i || '@example.com', 'user' || i, initcap(f.name), initcap(l.name),
                i % 2 = 0, i % 3 <> 0,
                timestamptz '2020-01-01' + (i || ' seconds')::interval, timestamptz '2020-01-01' + (i || ' seconds')::interval,
                CASE WHEN i % 4 = 0 THEN NULL ELSE timestamptz '2024-01-01' + ((i::bigint * 7919) % 10000000 || ' seconds')::interval END
           FROM generate_series($2::int, $3::int) AS i
           CROSS JOIN LATERAL (SELECT ($4::text[])[1 + i % $5] AS name) f
           CROSS JOIN LATERAL (SELECT ($6::text[])[1 + (i * 31) % 200] AS name) l
         RETURNING id)
       INSERT INTO directory.user_roles (user_id, role_id) SELECT id, $7 FROM inserted`,
      [tenantId, start, end, FIRST_NAMES, FIRST_NAMES.length, SURNAMES, userRoleId],
    );
  }
  await dataSource.query('VACUUM ANALYZE directory.users');
  await dataSource.query('VACUUM ANALYZE directory.user_roles');
}

async function main(): Promise<void> {
  const sizes = (process.env['BENCH_SIZES'] ?? '100000,1000000').split(',').map(Number);
  const requests = Number(process.env['BENCH_REQUESTS'] ?? 200);
  const url = process.env['DATABASE_URL'];
  if (!url) throw new Error('DATABASE_URL is required');
  const dataSource = (
    await openServiceDatabase({ url, schema: 'directory', poolSize: 10, applicationName: 'users-bench', entities: [], migrations: [...EVENT_MIGRATIONS, ...DIRECTORY_MIGRATIONS] })
  ).dataSource;
  const { tenantId, userRoleId, adminRoleId } = await dataSource.transaction(async (manager) => {
    const repository = new DirectoryBootstrapRepository(manager);
    const id = await repository.createDefaultTenant();
    const roles = await repository.ensureSystemRoles(id);
    return { tenantId: id, userRoleId: roles.get('user') ?? '', adminRoleId: roles.get('admin') ?? '' };
  });

  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' };
  const verifier = new AccessTokenVerifier({ publicUrl: PUBLIC_URL, jwksUrl: () => 'http://jwks.bench', fetch: (async () => Response.json({ keys: [jwk] })) as typeof fetch });
  const token = await new SignJWT({ tid: tenantId, client_id: 'bench', scope: 'openid', roles: ['admin'], permissions: ['users:*'] })
    .setProtectedHeader({ alg: 'ES256', kid: 'bench', typ: 'at+jwt' })
    .setIssuer(issuerOf(PUBLIC_URL, tenantId))
    .setAudience(API_AUDIENCE)
    .setSubject(randomUUID())
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('4h')
    .sign(privateKey);
  const options: DirectoryOptions = { bcryptCost: 10, secretBox: new SecretBox(randomBytes(32)) };
  @Global()
  @Module({
    providers: [
      { provide: DataSource, useValue: dataSource },
      { provide: DIRECTORY_OPTIONS, useValue: options },
      { provide: LOGGER, useValue: pino({ level: 'silent' }) },
      { provide: OutboxPublisher, useValue: new OutboxPublisher('directory') },
      { provide: AccessTokenVerifier, useValue: verifier },
      BearerAuthGuard,
    ],
    exports: [DataSource, DIRECTORY_OPTIONS, LOGGER, OutboxPublisher, AccessTokenVerifier, BearerAuthGuard],
  })
  class BenchInfrastructure {}
  @Module({ imports: [BenchInfrastructure, DirectoryUsersModule] })
  class BenchModule {}
  const app = await NestFactory.create(BenchModule, { logger: false });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new FamilyExceptionFilter(pino({ level: 'silent' })));
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();

  const results: Array<{ users: number; insertSeconds: number; scenarios: Measured[] }> = [];
  let current = 0;
  for (const size of sizes) {
    const started = Date.now();
    await grow(dataSource, tenantId, userRoleId, current, size);
    current = size;
    // A handful of administrators: a rare role filter.
    await dataSource.query('INSERT INTO directory.user_roles (user_id, role_id) SELECT id, $2 FROM directory.users WHERE tenant_id = $1 AND username IN ($3, $4, $5) ON CONFLICT DO NOTHING', [
      tenantId,
      adminRoleId,
      'user7',
      `user${Math.floor(size / 2)}`,
      `user${size}`,
    ]);
    const insertSeconds = (Date.now() - started) / 1000;
    const middle = Math.floor(size / 2);
    const scenarios: Scenario[] = [
      { name: 'first page, default order (created_at)', path: '/api/v1/users?size=20' },
      { name: 'first page, sort=email:desc', path: '/api/v1/users?size=20&sort=email:desc' },
      { name: 'first page, sort=last_login:desc', path: '/api/v1/users?size=20&sort=last_login:desc' },
      { name: 'page 500 (offset 9,980)', path: '/api/v1/users?size=20&page=500' },
      { name: 'last page', path: `/api/v1/users?size=100&page=${Math.ceil(size / 100)}` },
      { name: 'search a last name (0.5% of users)', path: '/api/v1/users?size=20&filter=search:rosovic' },
      { name: 'search one user by email part', path: `/api/v1/users?size=20&filter=search:.${middle}@` },
      { name: 'search, no match', path: '/api/v1/users?size=20&filter=search:nobody-here' },
      { name: 'search 2 letters (prefix), common', path: '/api/v1/users?size=20&filter=search:ma' },
      { name: 'search 2 letters (prefix), no match', path: '/api/v1/users?size=20&filter=search:zq' },
      { name: 'search a common fragment (3 letters)', path: '/api/v1/users?size=20&filter=search:ill' },
      { name: 'middle page (OFFSET = half the users)', path: `/api/v1/users?size=20&page=${Math.floor(size / 40)}` },
      { name: 'filter is_active:false (33%)', path: '/api/v1/users?size=20&filter=is_active:false' },
      { name: 'filter role:admin (a handful of users)', path: '/api/v1/users?size=20&filter=role:admin' },
      { name: 'filter email (exact)', path: `/api/v1/users?filter=email:${FIRST_NAMES[size % FIRST_NAMES.length]}.${SURNAMES[(size * 31) % SURNAMES.length]}.${size}@example.com` },
      { name: 'seed 002: search=james&isActive=true', path: '/api/admin/users?limit=20&search=james&isActive=true' },
    ];
    const measured: Measured[] = [];
    for (const scenario of scenarios) {
      const timings: number[] = [];
      let total = 0;
      let estimated = false;
      for (let i = 0; i < requests + 10; i++) {
        const t0 = process.hrtime.bigint();
        const response = await fetch(`${base}${scenario.path}`, { headers: { authorization: `Bearer ${token}` } });
        const body = (await response.json()) as { pagination?: { total: number; total_is_estimate?: boolean; totalIsEstimate?: boolean } };
        const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
        if (response.status !== 200) throw new Error(`${scenario.path} answered ${response.status}: ${JSON.stringify(body)}`);
        if (i >= 10) timings.push(elapsed);
        total = body.pagination?.total ?? 0;
        estimated = Boolean(body.pagination?.total_is_estimate ?? body.pagination?.totalIsEstimate);
      }
      timings.sort((x, y) => x - y);
      measured.push({ name: scenario.name, path: scenario.path, p50: percentile(timings, 50), p95: percentile(timings, 95), max: timings[timings.length - 1], total, estimated });
    }
    results.push({ users: size, insertSeconds, scenarios: measured });
  }
  await app.close();
  await dataSource.destroy();
  process.stdout.write(`${JSON.stringify({ requests, results })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
