import { ConfigShape, ConfigValidationError } from '@sigma/shared/util-config';
import { describeFailure } from './describe-failure';
import { loadServiceConfig, openDatabaseOf, RunningService, startService } from './start-service';
import { ServiceDefinition } from './service-definition';

const SHUTDOWN_GRACE_MS = 20000;

function fail(service: string, error: unknown): never {
  const message = error instanceof ConfigValidationError ? error.message : `failed to start: ${describeFailure(error)}`;
  process.stderr.write(`${JSON.stringify({ level: 'fatal', service, time: new Date().toISOString(), message })}\n`);
  process.exit(1);
}

/** Stops the service on SIGTERM or SIGINT, finishing in-flight requests, within a grace period. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (): void => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

/**
 * The `main.ts` of a distributed deployment: one service per process. With `--migrate` it only
 * applies the database migrations and exits (for a Kubernetes Job or init container).
 */
export async function runStandalone<S extends ConfigShape>(definition: ServiceDefinition<S>): Promise<void> {
  if (process.argv.includes('--migrate')) {
    try {
      const database = await openDatabaseOf(definition, loadServiceConfig(definition, process.env));
      process.stdout.write(`${JSON.stringify({ service: definition.name, migrations: database?.applied ?? [] })}\n`);
      await database?.dataSource.destroy();
      process.exit(0);
    } catch (error) {
      fail(definition.name, error);
    }
  }
  let running: RunningService;
  try {
    running = await startService(definition, { env: process.env });
  } catch (error) {
    fail(definition.name, error);
  }
  stopOnSignals(() => running.close());
}
