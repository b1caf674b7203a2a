// The privacy section of `npm run bench`: time from request to completion of a data subject
// export and of an erasure, for a user with 1,000 sessions and 1,000 sign-in records, in the
// distributed topology (the five built apps as processes, a throw-away PostgreSQL from
// deploy/local/postgres.mjs, a single-node Kafka from deploy/local/kafka.sh), through the gateway.
//
//   BENCH_PRIVACY_RUNS=5 (per scenario)   BENCH_PRIVACY_ROWS=1000 (rows of each kind per user)
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_PRIVACY_RUNS ?? 5);
const ROWS = Number(process.env.BENCH_PRIVACY_ROWS ?? 1000);
const ADMIN_EMAIL = 'admin@sigma-iam.local';
const ADMIN_PASSWORD = 'bench-privacy-admin-password';
const PASSWORD = 'Vx9!kq2#Lm-orbit-tulip';
const APPS = ['user-directory', 'auth-server', 'session-service', 'privacy-worker', 'admin-gateway'];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function waitLive(url) {
  const deadline = Date.now() + 120000;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`${url} did not start in 120 s`);
    try {
      if ((await fetch(`${url}/health/live`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
}

async function call(gateway, method, path, token, body) {
  const headers = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const answer = await fetch(`${gateway}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await answer.text();
  return { status: answer.status, body: text ? JSON.parse(text) : undefined, bytes: Buffer.byteLength(text) };
}

/** Polls until the status route answers a finished state; the time from `started` in ms. */
async function timeUntil(gateway, token, path, done, started) {
  const deadline = Date.now() + 300000;
  for (;;) {
    const answer = await call(gateway, 'GET', path, token);
    if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}`);
    if (done(answer.body)) return Number(process.hrtime.bigint() - started) / 1e6;
    if (Date.now() > deadline) throw new Error(`${path} did not finish in 300 s: ${JSON.stringify(answer.body)}`);
    await sleep(5);
  }
}

/** A user of the default tenant with `rows` login sessions (refresh-token families, one token each) and sign-in records. */
async function seededUser(gateway, token, db, tenantId, rows) {
  const email = `bench-${randomUUID().slice(0, 8)}@privacy.test`;
  const created = await call(gateway, 'POST', '/api/v1/users', token, { email, password: PASSWORD, first_name: 'Bench', last_name: 'Subject' });
  if (created.status !== 201) throw new Error(`user creation answered ${created.status}: ${JSON.stringify(created.body)}`);
  const userId = created.body.id;
  if (rows > 0) {
    await db.query(
      `WITH families AS (
         INSERT INTO auth.refresh_token_families (id, tenant_id, user_id, client_id, scope, auth_time, amr, created_at)
         SELECT gen_random_uuid(), $1, $2, 'sigma-iam', 'openid profile email', now() - (i || ' minutes')::interval, '{pwd}', now() - (i || ' minutes')::interval
           FROM generate_series(1, $3) AS i
         RETURNING id, created_at)
       INSERT INTO auth.refresh_tokens (id, family_id, token_hash, created_at, expires_at)
       SELECT gen_random_uuid(), id, encode(sha256(gen_random_uuid()::text::bytea), 'hex'), created_at, created_at + interval '30 days' FROM families`,
      [tenantId, userId, rows],
    );
    await db.query(
      `INSERT INTO auth.client_sign_ins (tenant_id, client_id, user_id, signed_in_at) SELECT $1, 'sigma-iam', $2, now() - (i || ' minutes')::interval FROM generate_series(1, $3) AS i`,
      [tenantId, userId, rows],
    );
    await db.query(
      `INSERT INTO session.sessions (id, tenant_id, user_id, client_id, client_name, device_type, browser, os, user_agent, ip_address, amr,
                                     created_at, last_activity_at, expires_at, idle_timeout_seconds)
       SELECT gen_random_uuid(), $1, $2, 'sigma-iam', 'Sigma IAM', 'desktop', 'Firefox', 'Linux', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
              '192.0.2.' || (i % 250 + 1), '{pwd}', now() - (i || ' minutes')::interval, now() - (i || ' seconds')::interval, now() + interval '1 day', 1800
         FROM generate_series(1, $3) AS i`,
      [tenantId, userId, rows],
    );
  }
  return userId;
}

async function measure(gateway, token, db, tenantId, rows) {
  const exports = [];
  const erasures = [];
  let exportBytes = 0;
  let parts = 0;
  for (let i = 0; i < RUNS; i++) {
    const userId = await seededUser(gateway, token, db, tenantId, rows);
    const started = process.hrtime.bigint();
    const job = await call(gateway, 'POST', '/privacy/export', token, { user_id: userId, tenant_id: tenantId, format: 'json' });
    if (job.status !== 202) throw new Error(`export answered ${job.status}`);
    exports.push(await timeUntil(gateway, token, `/privacy/export/${job.body.job_id}`, (b) => b.status === 'completed', started));
    const status = await call(gateway, 'GET', `/privacy/export/${job.body.job_id}`, token);
    parts = status.body.progress.parts_expected;
    exportBytes = (await call(gateway, 'GET', `/privacy/export/${job.body.job_id}/download`, token)).bytes;

    const erasing = process.hrtime.bigint();
    const request = await call(gateway, 'DELETE', '/privacy/data', token, { user_id: userId, tenant_id: tenantId, reason: 'benchmark' });
    if (request.status !== 202) throw new Error(`erasure answered ${request.status}`);
    erasures.push(await timeUntil(gateway, token, `/privacy/data/${request.body.request_id}`, (b) => b.status === 'completed', erasing));
    const left = await db.query(
      'SELECT (SELECT count(*) FROM auth.refresh_token_families WHERE user_id = $1) + (SELECT count(*) FROM auth.client_sign_ins WHERE user_id = $1) + (SELECT count(*) FROM session.sessions WHERE user_id = $1) AS n',
      [userId],
    );
    if (Number(left.rows[0].n) !== 0) throw new Error('the erasure left rows behind');
  }
  return { exports, erasures, exportBytes, parts };
}

/** Runs the benchmark and answers the markdown body of its docs/benchmarks.md section. */
export async function benchPrivacy(root) {
  for (const app of APPS) if (!existsSync(join(root, 'dist/apps', app, 'main.js'))) throw new Error(`dist/apps/${app}/main.js is missing: npm run build first`);
  const dir = mkdtempSync(join(tmpdir(), 'sigma-bench-privacy-'));
  chmodSync(dir, 0o755);
  const pgEnv = { ...process.env, PG_DATA_DIR: join(dir, 'pg'), PG_PORT: String(await freePort()), PG_DATABASE: 'sigma_iam_bench' };
  const kafkaPort = await freePort();
  const kafkaEnv = { ...process.env, KAFKA_PORT: String(kafkaPort), KAFKA_CONTROLLER_PORT: String(await freePort()), KAFKA_STATE_DIR: join(dir, 'kafka-state'), KAFKA_DATA_DIR: join(dir, 'kafka-data') };
  const children = [];
  let db;
  try {
    const { stdout } = await run(process.execPath, [join(root, 'deploy/local/postgres.mjs'), 'start'], { env: pgEnv });
    const databaseUrl = stdout.trim().split('\n').pop();
    await run('bash', [join(root, 'deploy/local/kafka.sh'), 'start'], { env: kafkaEnv, timeout: 300000 });
    const ports = Object.fromEntries(await Promise.all(APPS.map(async (app) => [app, await freePort()])));
    const urlOf = (app) => `http://127.0.0.1:${ports[app]}`;
    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
      EVENT_TRANSPORT: 'kafka',
      LOG_LEVEL: 'warn',
      BCRYPT_COST: '10',
      SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      IAM_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      IAM_MAIL_DIR: join(dir, 'mail'),
      PUBLIC_URL: urlOf('admin-gateway'),
      AUTH_SERVER_URL: urlOf('auth-server'),
      USER_DIRECTORY_URL: urlOf('user-directory'),
      SESSION_SERVICE_URL: urlOf('session-service'),
      PRIVACY_WORKER_URL: urlOf('privacy-worker'),
    };
    for (const app of APPS) {
      const child = spawn(process.execPath, [join(root, 'dist/apps', app, 'main.js')], { env: { ...env, PORT: String(ports[app]), HOST: '127.0.0.1' }, stdio: 'ignore' });
      children.push(child);
    }
    for (const app of APPS) await waitLive(urlOf(app));
    const gateway = urlOf('admin-gateway');
    const login = await fetch(`${gateway}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: ADMIN_EMAIL, password: ADMIN_PASSWORD }) });
    if (login.status !== 200) throw new Error(`admin login answered ${login.status}`);
    const token = (await login.json()).access_token;
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    const tenantId = (await db.query("SELECT id FROM directory.tenants WHERE slug = 'default'")).rows[0].id;

    // One warm-up round (connections, JIT, first consumer fetches), not reported.
    await measure(gateway, token, db, tenantId, 0).catch((error) => {
      throw new Error(`warm-up failed: ${error.message}`);
    });
    const empty = await measure(gateway, token, db, tenantId, 0);
    const loaded = await measure(gateway, token, db, tenantId, ROWS);
    const ms = (values) => `${median(values).toFixed(0)} (${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)})`;
    const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
    return [
      `Through the gateway of the distributed topology (five processes, one PostgreSQL 17, a single-node Kafka 3.9, all on`,
      `this machine), as an administrator with \`privacy:export\`/\`privacy:erase\`; ${RUNS} runs per row, median (min–max) in ms,`,
      `from the request to the first status poll (every 5 ms) that answers \`completed\`. Load average at the end: ${loadavg()[0].toFixed(2)}.`,
      '',
      '| user holds | export (ms) | export size | parts | erasure (ms) |',
      '|---|---|---|---|---|',
      `| profile only | ${ms(empty.exports)} | ${kib(empty.exportBytes)} | ${empty.parts} | ${ms(empty.erasures)} |`,
      `| ${ROWS.toLocaleString('en-US')} sessions (session-service) + ${ROWS.toLocaleString('en-US')} refresh-token families + ${ROWS.toLocaleString('en-US')} sign-in records | ${ms(loaded.exports)} | ${kib(loaded.exportBytes)} | ${loaded.parts} | ${ms(loaded.erasures)} |`,
      '',
      'What the rows are: 1,000 session-service sessions (with device, address and times), and, since the suite keeps no',
      'audit log, 1,000 of auth-server\'s per-client sign-in records stand in for the "audit entries"; auth-server also holds',
      '1,000 refresh-token families (one token each) for the user. An export waits for the four services\' slices; an',
      'erasure for their four acknowledgements (the directory deletes the user and announces `user.deleted`; auth-server',
      'deletes families, tokens and sign-ins; session-service revokes then purges the sessions). Each slice is gzipped and',
      'encrypted to the job key (ADR 18) before it crosses Kafka.',
    ].join('\n');
  } finally {
    await db?.end().catch(() => undefined);
    for (const child of children.reverse()) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(20000)]);
      }
    }
    await run('bash', [join(root, 'deploy/local/kafka.sh'), 'stop'], { env: kafkaEnv, timeout: 60000 }).catch(() => undefined);
    await run(process.execPath, [join(root, 'deploy/local/postgres.mjs'), 'stop'], { env: pgEnv }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
