#!/usr/bin/env node
// Measures the resident memory (VmRSS / VmHWM from /proc/<pid>/status) of the five built apps,
// idle and after a bounded load through the gateway; the numbers size the requests and limits in
// deploy/k8s/base (see docs/operations.md, "Resource sizing").
//
// Needs `npx nx run-many -t build ...` done, and PostgreSQL + Kafka on loopback, e.g.
//   PG_PORT=55442 PG_DATA_DIR=$PWD/.cache/ops/pg node deploy/local/postgres.mjs start
//   KAFKA_PORT=9192 KAFKA_CONTROLLER_PORT=9193 KAFKA_DATA_DIR=$PWD/.cache/ops/kafka-data \
//     KAFKA_STATE_DIR=$PWD/.cache/ops/kafka-state bash deploy/local/kafka.sh start
//   DATABASE_URL=postgres://sigma:sigma@127.0.0.1:55442/sigma_iam KAFKA_BROKERS=127.0.0.1:9192 \
//     node deploy/measure-rss.mjs
//
// Load: REQUESTS gateway requests per path of PATHS, one path after the other. The gateway's own
// /health/ready checks only the gateway; its aggregated /health asks every service's
// /health/ready (database + events checks), so it is what loads the four services.
// Settings: REQUESTS (2000), CONCURRENCY (16), PATHS (/health/ready,/health), IDLE_SECONDS (15), PORT_BASE (18000: the gateway
// listens on PORT_BASE+80, services on PORT_BASE+1..4, away from the defaults other runs use).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { DATABASE_URL, KAFKA_BROKERS } = process.env;
if (!DATABASE_URL || !KAFKA_BROKERS) {
  console.error('measure-rss: set DATABASE_URL and KAFKA_BROKERS (see the header of this file)');
  process.exit(2);
}
const requests = Number(process.env.REQUESTS ?? 2000);
const concurrency = Number(process.env.CONCURRENCY ?? 16);
const idleSeconds = Number(process.env.IDLE_SECONDS ?? 15);
const base = Number(process.env.PORT_BASE ?? 18000);
const paths = (process.env.PATHS ?? '/health/ready,/health').split(',').filter(Boolean);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const services = [
  ['auth-server', base + 1],
  ['user-directory', base + 2],
  ['session-service', base + 3],
  ['privacy-worker', base + 4],
];
const gatewayPort = base + 80;
const logDir = join(root, '.cache/ops/logs');
mkdirSync(logDir, { recursive: true });

const children = [];
function start(app, env) {
  const log = createWriteStream(join(logDir, `${app}.log`));
  const child = spawn(process.execPath, [join(root, 'dist/apps', app, 'main.js')], {
    cwd: root,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`measure-rss: ${app} exited early (${code ?? signal}); see ${join(logDir, `${app}.log`)}`);
  });
  children.push({ app, child });
}

function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: +(kb('VmRSS') / 1024).toFixed(1), hwmMiB: +(kb('VmHWM') / 1024).toFixed(1) };
}

function snapshot() {
  return Object.fromEntries(children.map(({ app, child }) => [app, memory(child.pid)]));
}

async function waitReady(url, timeoutMs = 120_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await sleep(500);
  }
  throw new Error(`${url} not ready after ${timeoutMs / 1000}s`);
}

let stopping = false;
async function stopAll() {
  stopping = true;
  for (const { child } of children) child.kill('SIGTERM');
  await Promise.all(children.map(({ child }) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : undefined)));
}

try {
  const serviceEnv = {
    DATABASE_URL,
    KAFKA_BROKERS,
    EVENT_TRANSPORT: 'kafka',
    IAM_BOOTSTRAP_ADMIN_PASSWORD: 'measure-only-password',
  };
  for (const [app, port] of services) start(app, { ...serviceEnv, PORT: String(port) });
  start('admin-gateway', {
    PORT: String(gatewayPort),
    AUTH_SERVER_URL: `http://127.0.0.1:${base + 1}`,
    USER_DIRECTORY_URL: `http://127.0.0.1:${base + 2}`,
    SESSION_SERVICE_URL: `http://127.0.0.1:${base + 3}`,
    PRIVACY_WORKER_URL: `http://127.0.0.1:${base + 4}`,
  });
  const t0 = Date.now();
  await waitReady(`http://127.0.0.1:${gatewayPort}/health/ready`);
  console.log(`all five ready through the gateway after ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  await sleep(idleSeconds * 1000);
  const idle = snapshot();

  const rounds = [];
  for (const path of paths) {
    const url = `http://127.0.0.1:${gatewayPort}${path}`;
    const statuses = {};
    let next = 0;
    const lt0 = Date.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests) {
          next += 1;
          const res = await fetch(url);
          await res.arrayBuffer();
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        }
      }),
    );
    rounds.push(snapshot());
    console.log(`${requests} x GET ${path} via the gateway, concurrency ${concurrency}: ${((Date.now() - lt0) / 1000).toFixed(1)}s, statuses ${JSON.stringify(statuses)}`);
  }
  const loaded = rounds.at(-1);
  console.log(`app               idle RSS MiB${paths.map((p) => ` after ${p}`.padStart(16)).join('')}   peak (VmHWM) MiB`);
  for (const { app } of children) {
    const after = rounds.map((r) => String(r[app].rssMiB).padStart(16)).join('');
    console.log(`${app.padEnd(18)}${String(idle[app].rssMiB).padStart(12)}${after}${String(loaded[app].hwmMiB).padStart(19)}`);
  }
} catch (error) {
  console.error(`measure-rss: ${error.message}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
