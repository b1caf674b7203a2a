// The directory-users section of `npm run bench`: user list and search latency (p50/p95) with
// 100k and 1M users in one tenant. A throw-away PostgreSQL (deploy/local/postgres.mjs, default
// settings) and the worker libs/directory/feature-users/src/lib/users-list.bench.ts, run with
// ts-node, which serves the real DirectoryUsersModule over HTTP and times requests against it.
//
//   BENCH_SIZES=100000,1000000 (default)   BENCH_REQUESTS=200 (per scenario, after 10 warm-up)
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const TARGET_P95_MS = 50;

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

const ms = (value) => value.toFixed(1);

function table(result) {
  const rows = result.scenarios.map((s) => {
    const mark = s.p95 <= TARGET_P95_MS ? '' : ' ⚠';
    return `| ${s.name} | \`${s.path.replace(/\|/g, '\\|')}\` | ${ms(s.p50)} | ${ms(s.p95)}${mark} | ${s.total.toLocaleString('en-US')}${s.estimated ? ' (estimate)' : ''} |`;
  });
  return [
    `**${result.users.toLocaleString('en-US')} users** in one tenant (loaded in ${result.insertSeconds.toFixed(0)} s with their role memberships):`,
    '',
    '| scenario | request | p50 (ms) | p95 (ms) | total answered |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** Runs the benchmark and answers the markdown body of its docs/benchmarks.md section. */
export async function benchDirectoryUsers(root) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sigma-bench-pg-'));
  chmodSync(dataDir, 0o755);
  const env = { ...process.env, PG_DATA_DIR: dataDir, PG_PORT: String(await freePort()), PG_DATABASE: 'sigma_iam_bench' };
  const script = join(root, 'deploy/local/postgres.mjs');
  const { stdout } = await run(process.execPath, [script, 'start'], { env });
  const url = stdout.trim().split('\n').pop();
  try {
    const worker = await run(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(root, 'libs/directory/feature-users/src/lib/users-list.bench.ts')],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: url, TS_NODE_PROJECT: join(root, 'tsconfig.base.json'), TS_NODE_TRANSPILE_ONLY: 'true' },
        maxBuffer: 16 * 1024 * 1024,
        timeout: 3 * 60 * 60 * 1000,
      },
    );
    const { requests, results } = JSON.parse(worker.stdout.trim().split('\n').pop());
    return [
      `Through HTTP against the real directory users module (validation, bearer-token verification, list query, roles and`,
      `permissions of each listed user, JSON) on a local PostgreSQL 17 with default settings (shared_buffers 128 MB), one`,
      `request at a time; ${requests} requests per scenario after 10 warm-up requests. Target: p95 < ${TARGET_P95_MS} ms (⚠ marks a miss).`,
      '',
      ...results.flatMap((result) => [table(result), '']),
      'How: an unfiltered list reads its exact total from `directory.tenant_user_counts` (kept by statement-level triggers on',
      'insert and delete) and reads a page past the middle backwards from the end, so the last page costs what the first does.',
      'Filtered lists count exactly in tenants of up to 20,000 users; in larger tenants they count up to 1,000 matches and',
      "answer the planner's estimate beyond that, flagged `total_is_estimate: true` (`totalIsEstimate` in seed 002's body;",
      'close for flags, within about a factor of 2 for searches);',
      'a short page tells its total without counting. Each sortable field has an index within the tenant; search terms of',
      '3+ characters use the pg_trgm index over email and names, 1-2 character terms match the start of the email or a name',
      '(prefix indexes). Known cost: the middle pages of an unfiltered million-user list walk half the index (OFFSET).',
    ].join('\n');
  } finally {
    await run(process.execPath, [script, 'stop'], { env }).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
