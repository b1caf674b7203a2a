// The login section of `npm run bench`: password logins per second through the gateway of the
// embedded mode (`dist/apps/suite/main.js`: every service in one process, its own PostgreSQL),
// against the hash-bound ceiling measured in the same run: cores ÷ the time of one bcrypt verify
// at the directory's cost (BCRYPT_COST, 12 by default).
//
//   BENCH_LOGIN_SECONDS=40 (measured load per endpoint)   BENCH_LOGIN_CONCURRENCY=cores (clients in flight)
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const PASSWORD = 'bench-login-password-1';
const EMAIL = 'admin@sigma-iam.local';
const BCRYPT_COST = Number(process.env.BCRYPT_COST ?? 12);
const VERIFY_SAMPLES = 30;

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

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

/** Median time of one bcrypt compare of the right password at the configured cost, in ms. */
async function bcryptVerifyMs(bcrypt) {
  const hash = await bcrypt.hash(PASSWORD, BCRYPT_COST);
  for (let i = 0; i < 3; i++) await bcrypt.compare(PASSWORD, hash);
  const samples = [];
  for (let i = 0; i < VERIFY_SAMPLES; i++) {
    const started = process.hrtime.bigint();
    if (!(await bcrypt.compare(PASSWORD, hash))) throw new Error('bcrypt compare failed');
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

async function waitHealthy(gateway) {
  const deadline = Date.now() + 120000;
  for (;;) {
    if (Date.now() > deadline) throw new Error('the suite did not become healthy in 120 s');
    try {
      if ((await fetch(`${gateway}/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function login(gateway, path, body) {
  const started = process.hrtime.bigint();
  const answer = await fetch(`${gateway}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await answer.arrayBuffer();
  return { status: answer.status, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

async function load(gateway, path, body, seconds, concurrency) {
  const latencies = [];
  const statuses = new Map();
  const until = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        const { status, ms } = await login(gateway, path, body);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 200) latencies.push(ms);
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p95: percentile(latencies, 95), statuses, count: latencies.length };
}

/** Runs the benchmark and answers the markdown body of its docs/benchmarks.md section. */
export async function benchLogin(root) {
  const cores = cpus().length;
  const seconds = Number(process.env.BENCH_LOGIN_SECONDS ?? 40);
  const concurrency = Number(process.env.BENCH_LOGIN_CONCURRENCY ?? cores);
  execFileSync(process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), 'build', 'suite', '--output-style=static'], {
    cwd: root,
    stdio: 'ignore',
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
  });
  const bcrypt = require(join(root, 'node_modules/bcrypt'));
  const dataDir = mkdtempSync(join(tmpdir(), 'sigma-bench-login-'));
  chmodSync(dataDir, 0o755);
  const env = {
    IAM_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    BCRYPT_COST: String(BCRYPT_COST),
    IAM_BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
    // API.md's login limits (seed 004: 5 per minute per client IP and username; seed 002: 10 per
    // minute per IP) would answer almost every request 429: raised, so that this measures logins.
    RATE_LIMIT_FACTOR: '100000',
    GATEWAY_PORT: String(await freePort()),
    AUTH_SERVER_PORT: String(await freePort()),
    USER_DIRECTORY_PORT: String(await freePort()),
    SESSION_SERVICE_PORT: String(await freePort()),
    PRIVACY_WORKER_PORT: String(await freePort()),
    IAM_POSTGRES_PORT: String(await freePort()),
  };
  const gateway = `http://127.0.0.1:${env.GATEWAY_PORT}`;
  const child = spawn(process.execPath, [join(root, 'dist/apps/suite/main.js')], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await waitHealthy(gateway);
    // Measured while the suite is idle, on the same machine, in this run.
    const loadBefore = loadavg()[0];
    const verifyMs = await bcryptVerifyMs(bcrypt);
    const ceiling = cores / (verifyMs / 1000);
    const scenarios = [
      ['seed 004 `POST /api/v1/auth/login` (JSON)', '/api/v1/auth/login', { username: EMAIL, password: PASSWORD }],
      ['seed 002 `POST /api/admin/identity/auth` (action login)', '/api/admin/identity/auth', { action: 'login', email: EMAIL, password: PASSWORD }],
    ];
    const rows = [];
    for (const [name, path, body] of scenarios) {
      for (let i = 0; i < 5; i++) {
        const warm = await login(gateway, path, body);
        if (warm.status !== 200) throw new Error(`${path} answered ${warm.status} while warming up`);
      }
      const result = await load(gateway, path, body, seconds, concurrency);
      const others = [...result.statuses].filter(([status]) => status !== 200).map(([status, n]) => `${n}× ${status}`);
      rows.push(
        `| ${name} | ${result.perSecond.toFixed(1)} | ${((100 * result.perSecond) / ceiling).toFixed(0)} % | ${result.p50.toFixed(0)} | ${result.p95.toFixed(0)} | ${result.count}${others.length > 0 ? ` (also ${others.join(', ')})` : ''} |`,
      );
    }
    return [
      `Hash-bound ceiling: ${cores} cores ÷ ${verifyMs.toFixed(1)} ms per bcrypt verify (cost ${BCRYPT_COST}, median of ${VERIFY_SAMPLES}, measured in this run) = **${ceiling.toFixed(1)} logins/s**.`,
      '',
      `Successful password logins of one user through the gateway of the embedded mode (all services and PostgreSQL on this machine), ${concurrency} clients`,
      `in flight for ${seconds} s per scenario after 5 warm-up logins. Each login verifies the password (bcrypt), reads the user's claims, starts a session,`,
      'and signs an access and an ID token (ES256). Other statuses are counted beside the logins (503: the directory answered later than',
      'DIRECTORY_TIMEOUT_MS while its bcrypt work queued). The gateway\'s rate limits are raised (`RATE_LIMIT_FACTOR`), so that API.md\'s',
      'login limits (5 or 10 per minute) do not answer instead.',
      '',
      `Machine load (1-minute load average) at the start: ${loadBefore.toFixed(1)}, at the end: ${loadavg()[0].toFixed(1)}; the machine is shared, so a`,
      'load above the core count slows bcrypt and the logins alike (the ratio to the ceiling is the figure to compare).',
      '',
      '| endpoint | logins/s | of the ceiling | p50 (ms) | p95 (ms) | logins |',
      '|---|---|---|---|---|---|',
      ...rows,
    ].join('\n');
  } finally {
    child.kill('SIGINT');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}
