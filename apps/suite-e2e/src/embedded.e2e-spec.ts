import { builtMain, eventually, freePort, readJson } from '@sigma/shared/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

jest.setTimeout(120000);

interface Run {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

function launch(main: string, env: NodeJS.ProcessEnv): Run {
  const child = spawn(process.execPath, [main], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

/** `npm start`: every service in one process over an embedded PostgreSQL and the in-memory bus. */
describe('embedded mode', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let gateway: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sigma-embedded-'));
    await chmod(dataDir, 0o755);
    const gatewayPort = await freePort();
    gateway = `http://127.0.0.1:${gatewayPort}`;
    env = {
      IAM_DATA_DIR: dataDir,
      GATEWAY_PORT: String(gatewayPort),
      AUTH_SERVER_PORT: String(await freePort()),
      USER_DIRECTORY_PORT: String(await freePort()),
      SESSION_SERVICE_PORT: String(await freePort()),
      PRIVACY_WORKER_PORT: String(await freePort()),
      IAM_POSTGRES_PORT: String(await freePort()),
      BCRYPT_COST: '10',
      LOG_LEVEL: 'warn',
    };
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function startUntilReady(): Promise<Run> {
    const run = launch(builtMain('suite'), env);
    try {
      await eventually(async () => (run.output().includes('Sigma IAM ready') ? true : undefined), 60000, 100);
    } catch (error) {
      run.child.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\n${run.output()}`);
    }
    return run;
  }

  async function stop(run: Run): Promise<number | null> {
    run.child.kill('SIGINT');
    return run.exit;
  }

  it('creates the tenant and super-admin on first start, prints the password once, and stops cleanly on Ctrl-C', async () => {
    const run = await startUntilReady();
    const health = await fetch(`${gateway}/health`);
    expect(health.status).toBe(200);
    expect((await readJson<{ status: string }>(health)).status).toBe('healthy');
    const banner = /password: (\S+)/.exec(run.output());
    expect(banner?.[1]).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(run.output()).toContain('email:    admin@sigma-iam.local');
    // Without SECRETS_ENCRYPTION_KEY the embedded mode keeps a generated key in its data folder, owner-only.
    const keyFile = join(dataDir, 'secrets-encryption.key');
    expect((await readFile(keyFile, 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);

    const db = new Client({ connectionString: `postgres://sigma:sigma@127.0.0.1:${env['IAM_POSTGRES_PORT']}/sigma_iam` });
    await db.connect();
    try {
      const admins = await db.query(
        `SELECT u.id FROM directory.users u JOIN directory.user_roles ur ON ur.user_id = u.id
          JOIN directory.roles r ON r.id = ur.role_id WHERE r.slug = 'super-admin'`,
      );
      expect(admins.rows).toHaveLength(1);
      const subject = await eventually(async () => (await db.query('SELECT user_id FROM privacy.data_subjects WHERE user_id = $1', [admins.rows[0].id])).rows[0]);
      expect(subject.user_id).toBe(admins.rows[0].id);
    } finally {
      await db.end();
    }

    expect(await stop(run)).toBe(0);
    expect(run.output()).toContain('Sigma IAM stopped.');
    await expect(fetch(`${gateway}/health`)).rejects.toThrow();
  });

  it('reuses the data on a second start and prints no password', async () => {
    const key = await readFile(join(dataDir, 'secrets-encryption.key'), 'utf8');
    const run = await startUntilReady();
    expect(await readFile(join(dataDir, 'secrets-encryption.key'), 'utf8')).toBe(key);
    expect(run.output()).not.toContain('password:');
    expect((await fetch(`${gateway}/api/health`)).status).toBe(200);
    expect(await stop(run)).toBe(0);
  });

  it('refuses to start with a bad setting, naming it and never showing a secret', async () => {
    const run = launch(builtMain('suite'), { ...env, IAM_BOOTSTRAP_ADMIN_EMAIL: 'not-an-email', IAM_BOOTSTRAP_ADMIN_PASSWORD: 'short' });
    expect(await run.exit).toBe(1);
    expect(run.output()).toContain('IAM_BOOTSTRAP_ADMIN_EMAIL must be an email (got "not-an-email")');
    expect(run.output()).toContain('IAM_BOOTSTRAP_ADMIN_PASSWORD must be longer than or equal to 12 characters (value hidden)');
    expect(run.output()).not.toContain('short');
  });

  it('explains, rather than fails obscurely, when root keeps the data where PostgreSQL cannot reach it', async () => {
    if (process.getuid?.() !== 0) return;
    const hidden = await mkdtemp(join(tmpdir(), 'sigma-hidden-'));
    try {
      const run = launch(builtMain('suite'), { ...env, IAM_DATA_DIR: join(hidden, 'data') });
      expect(await run.exit).toBe(1);
      expect(run.output()).toContain(`cannot enter ${hidden}`);
    } finally {
      await rm(hidden, { recursive: true, force: true });
    }
  });

  it('refuses a standalone service without a database URL or with the embedded-only transport', async () => {
    const missing = launch(builtMain('user-directory'), { DATABASE_URL: '', KAFKA_BROKERS: '127.0.0.1:1', PORT: String(await freePort()) });
    expect(await missing.exit).toBe(1);
    expect(missing.output()).toContain('DATABASE_URL must be a postgres:// connection URL (not set)');
    const memory = launch(builtMain('privacy-worker'), {
      DATABASE_URL: `postgres://sigma:sigma@127.0.0.1:${env['IAM_POSTGRES_PORT']}/sigma_iam`,
      EVENT_TRANSPORT: 'memory',
      PORT: String(await freePort()),
    });
    expect(await memory.exit).toBe(1);
    expect(memory.output()).toMatch(/only available in the embedded mode|failed to start/);
  });
});
