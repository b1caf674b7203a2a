import { REPO_ROOT } from '@sigma/shared/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface UpstreamAccount {
  email: string;
  email_verified: boolean;
  given_name?: string;
  family_name?: string;
  name?: string;
  picture?: string;
}

export interface UpstreamIdp {
  issuer: string;
  stop(): Promise<void>;
}

/** node-oidc-provider on loopback (support/upstream-idp.mjs), playing an upstream such as "google". */
export async function startUpstreamIdp(config: { clients: Array<{ client_id: string; client_secret: string; redirect_uris: string[] }>; accounts: Record<string, UpstreamAccount> }): Promise<UpstreamIdp> {
  const child: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, 'apps/suite-e2e/src/support/upstream-idp.mjs')], {
    env: { ...process.env, UPSTREAM_IDP_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const issuer = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\S+)/.exec(output);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the upstream provider exited (${code})`)));
  });
  return {
    issuer,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A browser's cookie jar for one site: enough for the upstream's interaction and session cookies, or the suite's. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair.split('=');
      this.cookies.set(name.trim(), value.join('='));
    }
  }

  header(): string {
    return [...this.cookies].filter(([, value]) => value !== '').map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/**
 * Follows a browser's redirects from `start` (the suite, the upstream's sign-in form, the suite's
 * callback, ...) with a cookie jar per origin, signing `account` in at the upstream's form, and
 * answers the first URL `arrived` accepts (e.g. the application's redirect URI, never fetched).
 */
export async function followSignIn(start: string, account: string, arrived: (url: URL) => boolean): Promise<URL> {
  const jars = new Map<string, CookieJar>();
  const jarOf = (url: URL): CookieJar => {
    const jar = jars.get(url.origin) ?? new CookieJar();
    jars.set(url.origin, jar);
    return jar;
  };
  let location = new URL(start);
  for (let hop = 0; hop < 15; hop += 1) {
    if (arrived(location)) return location;
    const jar = jarOf(location);
    let response: Response;
    if (/^\/interaction\/[\w-]+$/.test(location.pathname)) {
      const form = await fetch(location, { headers: { cookie: jar.header() }, redirect: 'manual' });
      jar.store(form);
      if (form.status !== 200 || !(await form.text()).includes('<form method="post">')) throw new Error(`no sign-in form at ${location.href} (${form.status})`);
      response = await fetch(location, {
        method: 'POST',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ account }).toString(),
        redirect: 'manual',
      });
    } else {
      response = await fetch(location, { headers: { cookie: jar.header() }, redirect: 'manual' });
    }
    jar.store(response);
    const next = response.headers.get('location');
    if (next === null) throw new Error(`${location.href} answered ${response.status}: ${await response.text()}`);
    location = new URL(next, location);
  }
  throw new Error('too many redirects');
}
