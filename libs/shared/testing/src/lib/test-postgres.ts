import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root, wherever jest runs from. */
export const REPO_ROOT = resolve(__dirname, '../../../../..');

export interface TestPostgres {
  url: string;
  /** Stops and starts the same server (same data), as an operator's restart would. */
  restart(): Promise<void>;
  /** Stops the server, keeping its data, until `resume`. */
  halt(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A throw-away PostgreSQL server for one test file, started with the same script developers use
 * (deploy/local/postgres.mjs): a fresh cluster in a temporary folder, a database whose name
 * contains `test`, removed again by `stop`.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sigma-pg-'));
  const env = { ...process.env, PG_DATA_DIR: dataDir, PG_PORT: String(await freePort()), PG_DATABASE: 'sigma_iam_test' };
  const script = join(REPO_ROOT, 'deploy/local/postgres.mjs');
  const { stdout } = await run(process.execPath, [script, 'start'], { env });
  const url = stdout.trim().split('\n').pop() ?? '';
  const halt = async (): Promise<void> => void (await run(process.execPath, [script, 'stop'], { env }));
  const resume = async (): Promise<void> => void (await run(process.execPath, [script, 'start'], { env }));
  return {
    url,
    halt,
    resume,
    restart: async () => {
      await halt();
      await resume();
    },
    stop: async () => {
      await run(process.execPath, [script, 'stop'], { env });
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until the probe returns a value other than undefined, or fails after the timeout. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${(lastError as Error).message}` : ''}`);
}

/** A response body read as the shape the test expects; the assertions then check it. */
export async function readJson<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}
