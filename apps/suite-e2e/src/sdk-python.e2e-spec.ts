import { REPO_ROOT, startDistributedSuite, startTestPostgres, TestKafka, TestPostgres, DistributedSuite } from '@sigma/shared/testing';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

jest.setTimeout(600000);

const ADMIN_EMAIL = 'admin@sigma-iam.local';
const ADMIN_PASSWORD = 'e2e-bootstrap-password-1';
const SDK_DIR = join(REPO_ROOT, 'libs/sdk/iam-python');
const PYTHON = join(REPO_ROOT, '.cache/python-venv/bin/python');
/** scripts/summarize-tests.mjs adds these pytest cases to `npm test`'s closing count. */
const JUNIT_XML = join(REPO_ROOT, 'tmp/test-results-python-e2e.xml');

/** A command's exit code and its output (stdout and stderr interleaved). */
function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The counts of pytest's JUnit report (one <testsuite> element). */
function junitCounts(xml: string): Record<'tests' | 'failures' | 'errors' | 'skipped', number> {
  const suite = /<testsuite\b([^>]*)>/.exec(xml)?.[1] ?? '';
  const count = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suite)?.[1] ?? Number.NaN);
  return { tests: count('tests'), failures: count('failures'), errors: count('errors'), skipped: count('skipped') };
}

/**
 * The Python SDK (libs/sdk/iam-python, `sigma_iam`) against the distributed suite (five processes,
 * real PostgreSQL and Kafka) through the gateway: this spec starts the suite and runs the SDK's
 * pytest suite (tests/suite) with the gateway's URL and the bootstrap administrator in the
 * environment. The tests seed their own users, roles and applications through the SDK.
 */
describe('sigma-iam-python against the suite', () => {
  let postgres: TestPostgres;
  let kafka: TestKafka;
  let suite: DistributedSuite;

  beforeAll(async () => {
    const venv = await run('bash', [join(REPO_ROOT, 'deploy/local/python.sh')], { cwd: REPO_ROOT, env: process.env });
    if (venv.code !== 0) throw new Error(`deploy/local/python.sh failed:\n${venv.output}`);
    [postgres, kafka] = await Promise.all([startTestPostgres(), TestKafka.start()]);
    // A longer upstream timeout than the harness's 3 s: password hashing is slow on a busy machine.
    suite = await startDistributedSuite(postgres.url, kafka.brokers, { IAM_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD });
  });

  afterAll(async () => {
    await suite?.stop();
    await kafka?.destroy();
    await postgres?.stop();
  });

  it('passes every pytest case of the SDK against the suite (JUnit report in tmp/)', async () => {
    const db = new Client({ connectionString: postgres.url });
    await db.connect();
    const tenantId: string = (await db.query("SELECT id FROM directory.tenants WHERE slug = 'default'")).rows[0].id;
    await db.end();
    mkdirSync(join(REPO_ROOT, 'tmp'), { recursive: true });
    rmSync(JUNIT_XML, { force: true });

    const pytest = await run(PYTHON, ['-m', 'pytest', 'tests/suite', '-v', '--junitxml', JUNIT_XML], {
      cwd: SDK_DIR,
      env: {
        ...process.env,
        SIGMA_IAM_BASE_URL: suite.gateway.url,
        SIGMA_IAM_ADMIN_EMAIL: ADMIN_EMAIL,
        SIGMA_IAM_ADMIN_PASSWORD: ADMIN_PASSWORD,
        SIGMA_IAM_TENANT_ID: tenantId,
      },
    });
    const counts = junitCounts(readFileSync(JUNIT_XML, 'utf8'));
    if (pytest.code !== 0 || counts.failures + counts.errors > 0) console.error(pytest.output);
    expect({ exit: pytest.code, failures: counts.failures, errors: counts.errors, skipped: counts.skipped }).toEqual({ exit: 0, failures: 0, errors: 0, skipped: 0 });
    expect(counts.tests).toBeGreaterThanOrEqual(12);
  });
});
