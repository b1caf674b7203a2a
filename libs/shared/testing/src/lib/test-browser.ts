import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Browser, BrowserContext, chromium } from 'playwright-core';
import { REPO_ROOT } from './test-postgres';

const run = promisify(execFile);

/** Debian's chromium (deploy/local/chromium.sh installs it); CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** The flags every test browser runs with: headless, no sandbox (root in CI), nothing that phones home. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  /** A browser context with its own fresh profile directory (cookies, storage). */
  context: BrowserContext;
  /** The browser the context runs in (for new contexts, CDP sessions). */
  browser: Browser | null;
  close(): Promise<void>;
}

/**
 * Headless Chromium for page tests, driven by playwright-core: installs Debian's chromium when
 * missing (the same idempotent script `npm test` runs), then launches it with a fresh
 * user-data-dir, removed again by `close`.
 */
export async function launchTestBrowser(options: { ignoreHTTPSErrors?: boolean } = {}): Promise<TestBrowser> {
  await run('bash', [join(REPO_ROOT, 'deploy/local/chromium.sh')], { env: { ...process.env, CHROMIUM_PATH } });
  const userDataDir = await mkdtemp(join(tmpdir(), 'sigma-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    ignoreHTTPSErrors: options.ignoreHTTPSErrors ?? false,
  });
  return {
    context,
    browser: context.browser(),
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
