// `npm run bench`: measures on this machine and writes the results to docs/benchmarks.md, each
// benchmark in its own marked section (rewritten on every run, other sections kept).
//
// Sections: startup, directory-users (scripts/bench-directory.mjs), login (scripts/bench-login.mjs), oauth
// (scripts/bench-oauth.mjs), privacy (scripts/bench-privacy.mjs), gateway (scripts/bench-gateway.mjs).
// `npm run bench -- <section>...` runs only the named ones.
//
// startup: the embedded mode (`npm start` without the build step) from process start to a 200
// from the gateway's /health; cold = a new data folder (the database cluster is created), warm =
// the same folder again. Also the time Ctrl-C takes to stop everything.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDirectoryUsers } from './bench-directory.mjs';
import { benchLogin } from './bench-login.mjs';
import { benchOAuth } from './bench-oauth.mjs';
import { benchPrivacy } from './bench-privacy.mjs';
import { benchGateway } from './bench-gateway.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const WARM_RUNS = 5;

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

async function startOnce(env) {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(root, 'dist/apps/suite/main.js')], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 120000;
  for (;;) {
    if (Date.now() > deadline) throw new Error('the suite did not become healthy in 120 s');
    try {
      const answer = await fetch(`http://127.0.0.1:${env.GATEWAY_PORT}/health`);
      if (answer.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
  const stopping = process.hrtime.bigint();
  child.kill('SIGINT');
  const code = await exited;
  if (code !== 0) throw new Error(`the suite exited with ${code} on Ctrl-C`);
  return { readyMs, stopMs: Number(process.hrtime.bigint() - stopping) / 1e6 };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function benchStartup() {
  execFileSync(process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), 'build', 'suite', '--output-style=static'], {
    cwd: root,
    stdio: 'ignore',
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'sigma-bench-'));
  chmodSync(dataDir, 0o755);
  try {
    const env = {
      IAM_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      GATEWAY_PORT: String(await freePort()),
      AUTH_SERVER_PORT: String(await freePort()),
      USER_DIRECTORY_PORT: String(await freePort()),
      SESSION_SERVICE_PORT: String(await freePort()),
      PRIVACY_WORKER_PORT: String(await freePort()),
      IAM_POSTGRES_PORT: String(await freePort()),
    };
    const cold = await startOnce(env);
    const warm = [];
    for (let i = 0; i < WARM_RUNS; i++) warm.push(await startOnce(env));
    return [
      '| start | ready (ms) | Ctrl-C to exit (ms) |',
      '|---|---|---|',
      `| cold: new data folder, bcrypt cost 12 for the bootstrap admin | ${cold.readyMs.toFixed(0)} | ${cold.stopMs.toFixed(0)} |`,
      `| warm: same folder, median of ${WARM_RUNS} | ${median(warm.map((w) => w.readyMs)).toFixed(0)} | ${median(warm.map((w) => w.stopMs)).toFixed(0)} |`,
      '',
      `Warm runs, ready in ms: ${warm.map((w) => w.readyMs.toFixed(0)).join(', ')}. Measured from process start to the`,
      'first 200 of the gateway\'s /health (all four services ready), after the build; `npm start` first',
      'builds the suite when its sources changed (about 8 s on this machine, nothing when cached).',
    ].join('\n');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function writeSection(name, title, body) {
  const file = join(root, 'docs/benchmarks.md');
  const header = '# Benchmarks\n\nWritten by `npm run bench`; each section is replaced by its latest run.\n';
  let text = existsSync(file) ? readFileSync(file, 'utf8') : header;
  const machine = `${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
  const section = `<!-- bench:${name} -->\n## ${title}\n\n${machine}\n\n${body}\n<!-- /bench:${name} -->`;
  const pattern = new RegExp(`<!-- bench:${name} -->[\\s\\S]*?<!-- /bench:${name} -->`);
  text = pattern.test(text) ? text.replace(pattern, section) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, text);
  console.log(section);
}

const only = process.argv.slice(2);
const wanted = (name) => only.length === 0 || only.includes(name);
if (wanted('startup')) writeSection('startup', 'Embedded mode start-up', await benchStartup());
if (wanted('directory-users')) writeSection('directory-users', 'User list and search latency (100k and 1M users in one tenant)', await benchDirectoryUsers(root));
if (wanted('login')) writeSection('login', 'Password logins per second against the hash-bound ceiling', await benchLogin(root));
if (wanted('oauth')) writeSection('oauth', 'OAuth token endpoint: client_credentials against node-oidc-provider, introspection, refresh rotation', await benchOAuth(root));
if (wanted('privacy')) writeSection('privacy', 'Privacy: export and erasure of a user with 1,000 sessions and 1,000 sign-in records', await benchPrivacy(root));
if (wanted('gateway')) writeSection('gateway', 'Gateway: overhead, token-check throughput, revocation propagation', await benchGateway(root));
