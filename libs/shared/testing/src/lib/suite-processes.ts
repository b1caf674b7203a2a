import { randomBytes } from 'node:crypto';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually, freePort, REPO_ROOT } from './test-postgres';

const run = promisify(execFile);

export type AppName = 'auth-server' | 'user-directory' | 'session-service' | 'privacy-worker' | 'admin-gateway';

export const SERVICE_APPS: AppName[] = ['user-directory', 'auth-server', 'session-service', 'privacy-worker'];

/** The built entry point of an app; `npm test` builds every app before the end-to-end suites. */
export function builtMain(app: string): string {
  const main = join(REPO_ROOT, 'dist/apps', app, 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npx nx run-many -t build)`);
  return main;
}

/** A single-node Kafka broker of the test's own, from deploy/local/kafka.sh, on free ports. */
export class TestKafka {
  private constructor(
    readonly brokers: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly dir: string,
  ) {}

  static async start(): Promise<TestKafka> {
    const dir = await mkdtemp(join(tmpdir(), 'sigma-kafka-'));
    const port = await freePort();
    const env = {
      ...process.env,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(await freePort()),
      KAFKA_STATE_DIR: join(dir, 'state'),
      KAFKA_DATA_DIR: join(dir, 'data'),
    };
    const kafka = new TestKafka(`127.0.0.1:${port}`, env, dir);
    await kafka.start();
    return kafka;
  }

  async start(): Promise<void> {
    await run('bash', [join(REPO_ROOT, 'deploy/local/kafka.sh'), 'start'], { env: this.env, timeout: 180000 });
  }

  async stop(): Promise<void> {
    await run('bash', [join(REPO_ROOT, 'deploy/local/kafka.sh'), 'stop'], { env: this.env, timeout: 60000 });
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** One app running as its own process, as in a distributed deployment. */
export class AppProcess {
  private child?: ChildProcess;
  private output = '';

  constructor(
    readonly app: AppName,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What the process printed (stdout and stderr), for assertions and failure reports. */
  get log(): string {
    return this.output;
  }

  async start(): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, [builtMain(this.app)], {
      env: { ...this.env, PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Kept in tmp/e2e-logs as well, for reading after a failed run.
    mkdirSync(join(REPO_ROOT, 'tmp/e2e-logs'), { recursive: true });
    const file = createWriteStream(join(REPO_ROOT, 'tmp/e2e-logs', `${this.app}.log`), { flags: 'a' });
    const keep = (chunk: Buffer): void => {
      this.output += chunk.toString();
      file.write(chunk);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', () => file.end());
    this.child = child;
    try {
      await eventually(async () => {
        if (child.exitCode !== null) throw new Error(`${this.app} exited with ${child.exitCode}`);
        const answer = await fetch(`${this.url}/health/live`);
        return answer.ok ? true : undefined;
      }, 60000, 200);
    } catch (error) {
      throw new Error(`${this.app} did not start: ${(error as Error).message}\n${this.output.slice(-3000)}`);
    }
  }

  /** Stops the process with a signal and waits for it to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    return exited;
  }
}

export interface DistributedSuite {
  gateway: AppProcess;
  services: Record<Exclude<AppName, 'admin-gateway'>, AppProcess>;
  stop(): Promise<void>;
}

/**
 * The five apps as separate processes against the given database and broker. `publicHost` names
 * the gateway in PUBLIC_URL (default 127.0.0.1); browser tests of WebAuthn need `localhost`, as
 * browsers refuse an IP address as relying party id.
 */
export async function startDistributedSuite(databaseUrl: string, brokers: string, extraEnv: NodeJS.ProcessEnv = {}, options: { publicHost?: string } = {}): Promise<DistributedSuite> {
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
    EVENT_TRANSPORT: 'kafka',
    LOG_LEVEL: 'warn',
    OUTBOX_POLL_INTERVAL_MS: '100',
    BCRYPT_COST: '10',
    // API.md's rate limits scaled up: suites send far more than a client would; the gateway's own
    // suite sets 1 to test the real limits.
    RATE_LIMIT_FACTOR: '1000',
    SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    ...extraEnv,
  };
  const ports = Object.fromEntries(await Promise.all([...SERVICE_APPS, 'admin-gateway'].map(async (app) => [app, await freePort()] as const))) as Record<AppName, number>;
  const urlOf = (app: AppName) => `http://127.0.0.1:${ports[app]}`;
  // Every process knows where the others are, and the public URL (the gateway) issuers derive from.
  const env: NodeJS.ProcessEnv = {
    ...base,
    PUBLIC_URL: `http://${options.publicHost ?? '127.0.0.1'}:${ports['admin-gateway']}`,
    AUTH_SERVER_URL: urlOf('auth-server'),
    USER_DIRECTORY_URL: urlOf('user-directory'),
    SESSION_SERVICE_URL: urlOf('session-service'),
    PRIVACY_WORKER_URL: urlOf('privacy-worker'),
    // Generous: on a busy two-core machine (CI) a first login, which creates the tenant's key, can take seconds.
    UPSTREAM_TIMEOUT_MS: '15000',
    ...extraEnv,
  };
  const services = {} as DistributedSuite['services'];
  for (const app of SERVICE_APPS) services[app as keyof DistributedSuite['services']] = new AppProcess(app, ports[app], env);
  const gateway = new AppProcess('admin-gateway', ports['admin-gateway'], env);
  await Promise.all(Object.values(services).map((s) => s.start()));
  await gateway.start();
  return {
    gateway,
    services,
    stop: async () => {
      await gateway.stop();
      await Promise.all(Object.values(services).map((s) => s.stop()));
    },
  };
}
