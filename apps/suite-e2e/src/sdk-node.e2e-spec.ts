import { SigmaIAM as CoreSigmaIAM } from '@sigma/sdk/iam-js';
import { MemoryTokenStorage, SigmaIAM as NodeSigmaIAM } from '@sigma/sdk/iam-node';
import { DistributedSuite, eventually, freePort, launchTestBrowser, REPO_ROOT, startDistributedSuite, startTestPostgres, TestBrowser, TestKafka, TestPostgres } from '@sigma/shared/testing';
import { SecretBox } from '@sigma/shared/util-crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Client } from 'pg';

jest.setTimeout(300000);

const run = promisify(execFile);

const ADMIN_EMAIL = 'admin@sigma-iam.local';
const ADMIN_PASSWORD = 'e2e-bootstrap-password-1';
const USER_PASSWORD = 'Sdk-node-e2e-password-1!';
const ENCRYPTION_KEY = randomBytes(32).toString('hex');

/** Flips one character of the signature: the token the suite issued, no longer its signature. */
function tampered(token: string): string {
  const last = token.at(-2) === 'A' ? 'B' : 'A';
  return `${token.slice(0, -2)}${last}${token.slice(-1)}`;
}

/** A DPoP key pair and proofs made with it (RFC 9449 §4.2), as a client holding a bound token makes them. */
async function dpopKey() {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return {
    jkt: await calculateJwkThumbprint(jwk, 'sha256'),
    proof: (htm: string, htu: string, accessToken?: string, iat = Math.floor(Date.now() / 1000)) =>
      new SignJWT({ htm, htu, jti: randomUUID(), ...(accessToken === undefined ? {} : { ath: createHash('sha256').update(accessToken).digest('base64url') }) })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
        .setIssuedAt(iat)
        .sign(privateKey),
  };
}

/**
 * @sigma/iam-node as an application uses it: the package is built (CommonJS, ES module entry,
 * types) and docs/examples/express/server.js runs against it as its own process, in front of the
 * distributed suite (five processes, real PostgreSQL and Kafka). The tests drive the example app:
 * seed 000's Express snippet, requireAuth / requirePermission with Bearer and DPoP-bound tokens,
 * refused tokens, a revoked session, and the authorization code + PKCE login in Chromium.
 */
describe('@sigma/iam-node: the Express example against the suite', () => {
  let postgres: TestPostgres;
  let kafka: TestKafka;
  let suite: DistributedSuite;
  let gateway: string;
  let admin: CoreSigmaIAM;
  let example: ChildProcess;
  let exampleLog = '';
  let signingKey: Awaited<ReturnType<typeof importPKCS8>>;
  let APP: string;
  let application: { client_id: string; client_secret?: string | null };
  const packages = join(REPO_ROOT, 'tmp/sdk-node-e2e/node_modules');

  const newUser = async (fullName = 'Grace Hopper'): Promise<{ id: string; email: string; accessToken: string; refreshToken: string; iam: CoreSigmaIAM }> => {
    const email = `sdk-node-${randomUUID().slice(0, 8)}@example.com`;
    const created = await admin.request<{ id: string }>({ method: 'POST', path: '/api/v1/users', json: { email, password: USER_PASSWORD } });
    const iam = new CoreSigmaIAM({ baseURL: gateway });
    const { accessToken, refreshToken } = await iam.login(email, USER_PASSWORD);
    await iam.updateProfile({ fullName });
    return { id: created.id, email, accessToken, refreshToken, iam };
  };
  const call = (path: string, headers: Record<string, string> = {}) => fetch(`${APP}${path}`, { headers, redirect: 'manual' });

  beforeAll(async () => {
    // The package as published: built, and resolved by its npm name from a node_modules folder.
    execFileSync('npx', ['nx', 'build', 'sdk-iam-node', '--output-style=static'], { cwd: REPO_ROOT, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'ignore' });
    rmSync(join(packages, '@sigma'), { recursive: true, force: true });
    mkdirSync(join(packages, '@sigma'), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'dist/libs/sdk/iam-js'), join(packages, '@sigma/iam-js'));
    symlinkSync(join(REPO_ROOT, 'dist/libs/sdk/iam-node'), join(packages, '@sigma/iam-node'));

    [postgres, kafka] = await Promise.all([startTestPostgres(), TestKafka.start()]);
    suite = await startDistributedSuite(postgres.url, kafka.brokers, { IAM_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD, SECRETS_ENCRYPTION_KEY: ENCRYPTION_KEY });
    gateway = suite.gateway.url;
    admin = new CoreSigmaIAM({ baseURL: gateway });
    await admin.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    // The tenant's real private key (the test knows SECRETS_ENCRYPTION_KEY), to sign an expired token as auth-server would have.
    const db = new Client({ connectionString: postgres.url });
    await db.connect();
    try {
      const tenantId = (await db.query("SELECT id FROM directory.tenants WHERE slug = 'default'")).rows[0].id;
      const row = (await db.query('SELECT kid, private_key_sealed FROM auth.signing_keys WHERE tenant_id = $1 AND retired_at IS NULL ORDER BY activated_at DESC LIMIT 1', [tenantId])).rows[0];
      signingKey = await importPKCS8(SecretBox.fromEncodedKey(ENCRYPTION_KEY).open(row.private_key_sealed, `signing-key:${tenantId}:${row.kid}`).toString('utf8'), 'ES256');
    } finally {
      await db.end();
    }

    const port = await freePort();
    APP = `http://127.0.0.1:${port}`;
    application = await admin.createApplication({
      client_name: `Express example ${randomUUID().slice(0, 6)}`,
      client_type: 'confidential',
      redirect_uris: [`${APP}/auth/callback`],
      allowed_grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      allowed_scopes: ['openid', 'profile', 'email'],
    });
    example = spawn(process.execPath, [join(REPO_ROOT, 'docs/examples/express/server.js')], {
      env: {
        ...process.env,
        NODE_PATH: packages,
        PORT: String(port),
        APP_URL: APP,
        SIGMA_IAM_BASE_URL: gateway,
        SIGMA_IAM_CLIENT_ID: application.client_id,
        SIGMA_IAM_CLIENT_SECRET: application.client_secret ?? '',
        SESSION_SECRET: randomUUID(),
        KAFKA_BROKERS: kafka.brokers,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    example.stdout?.on('data', (chunk: Buffer) => (exampleLog += chunk.toString()));
    example.stderr?.on('data', (chunk: Buffer) => (exampleLog += chunk.toString()));
    await eventually(async () => {
      if (example.exitCode !== null) throw new Error(`the example exited: ${exampleLog}`);
      return (await fetch(`${APP}/health`)).ok || undefined;
    }, 30000, 200);
  });

  afterAll(async () => {
    if (example && example.exitCode === null) {
      const exited = new Promise((resolve) => example.once('exit', resolve));
      example.kill('SIGTERM');
      await exited;
    }
    await suite?.stop();
    await kafka?.destroy();
    await postgres?.stop();
  });

  it('loads as seed 000 requires it: the CommonJS module is the class, with named exports, the ES module entry shares it, and its declarations compile for a TypeScript app', async () => {
    const script = [
      "const SigmaIAM = require('@sigma/iam-node');",
      "const { SigmaIAM: Named, requireAuth, DenyList, IAMError } = require('@sigma/iam-node');",
      "const core = require('@sigma/iam-js');",
      "const iam = new SigmaIAM({ baseURL: 'https://iam.example', clientId: 'c', clientSecret: 's' });",
      "console.log(JSON.stringify([typeof SigmaIAM, Named === SigmaIAM, typeof requireAuth, typeof DenyList, IAMError === core.IAMError, iam instanceof core.SigmaIAM, typeof iam.verifyToken, typeof iam.exchangeCodeForTokens]));",
    ].join('\n');
    const cjs = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, NODE_PATH: packages }, cwd: join(REPO_ROOT, 'tmp') }).toString();
    expect(JSON.parse(cjs)).toEqual(['function', true, 'function', 'function', true, true, 'function', 'function']);
    const esm = execFileSync(process.execPath, ['--input-type=module', '-e', `import SigmaIAM, { SigmaIAM as Named, requirePermission } from '${join(packages, '@sigma/iam-node/esm/index.mjs')}'; import { createRequire } from 'node:module'; console.log(JSON.stringify([SigmaIAM === Named, SigmaIAM === createRequire(import.meta.url)('@sigma/iam-node'), typeof requirePermission]));`], {
      env: { ...process.env, NODE_PATH: packages },
      cwd: join(REPO_ROOT, 'tmp'),
    }).toString();
    expect(JSON.parse(esm)).toEqual([true, true, 'function']);

    // The published declarations, as a TypeScript app consumes them (import = require, default and named imports).
    const consumer = join(packages, '..', 'consumer.ts');
    writeFileSync(
      consumer,
      [
        "import SigmaIAM = require('@sigma/iam-node');",
        "import Default, { DenyList, requireAuth, type RevocationCheck, type SigmaNodeUser } from '@sigma/iam-node';",
        "const iam = new SigmaIAM({ baseURL: 'https://iam.example', clientId: 'c', clientSecret: 's', revocationCheck: new DenyList() });",
        'const check: RevocationCheck = new SigmaIAM.DenyList();',
        'export async function name(token: string): Promise<string | null> { const user: SigmaNodeUser = await iam.verifyToken(token); return user.full_name; }',
        "export const handlers = [requireAuth(new Default({ baseURL: 'https://iam.example' })), iam.requirePermission('users:read'), check];",
      ].join('\n'),
    );
    // tsc in a child process, without blocking this process's event loop (its keep-alive sockets to the suite).
    writeFileSync(
      join(packages, '..', 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'es2022',
          module: 'commonjs',
          moduleResolution: 'node10',
          esModuleInterop: true,
          types: ['node'],
          typeRoots: [join(REPO_ROOT, 'node_modules/@types')],
          baseUrl: REPO_ROOT,
          paths: { '@sigma/iam-node': [join(packages, '@sigma/iam-node/main.d.ts')], '@sigma/iam-js': [join(packages, '@sigma/iam-js/index.d.ts')] },
        },
        files: [consumer],
      }),
    );
    const tsc = await run(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(packages, '..', 'tsconfig.json')]).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(tsc).toBe('');
  });

  it("runs seed 000's requireAuth and protected route: verifyToken answers the user with full_name", async () => {
    const user = await newUser('Grace Hopper');
    const answer = await call('/api/protected', { authorization: `Bearer ${user.accessToken}` });
    expect(answer.status).toBe(200);
    const body = await answer.json();
    expect(body).toMatchObject({ message: 'Hello, Grace Hopper', user: { id: user.id, sub: user.id, email: user.email, full_name: 'Grace Hopper', roles: ['user'], is_client: false } });

    expect((await call('/api/protected')).status).toBe(401);
    expect((await call('/api/protected', { authorization: `Bearer ${tampered(user.accessToken)}` })).status).toBe(401);
  });

  it('requireAuth: 200 with the user, 401 with a Bearer challenge for no or tampered tokens, 400 for a malformed header', async () => {
    const user = await newUser('Alan Turing');
    const ok = await call('/api/me', { authorization: `Bearer ${user.accessToken}` });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ scheme: 'Bearer', user: { id: user.id, full_name: 'Alan Turing', email: user.email } });

    const none = await call('/api/me');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="sigma-iam", DPoP realm="sigma-iam", algs="ES256 ES384 EdDSA PS256 RS256"');
    expect(await none.json()).toMatchObject({ error: { code: 'AUTHENTICATION_REQUIRED' } });

    const bad = await call('/api/me', { authorization: `Bearer ${tampered(user.accessToken)}` });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer realm="sigma-iam", error="invalid_token", error_description="[^"]+"$/);
    expect(await bad.json()).toMatchObject({ error: { code: 'INVALID_TOKEN' } });

    const malformed = await call('/api/me', { authorization: 'Bearer a"b' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('www-authenticate')).toMatch(/error="invalid_request"/);
  });

  it("refuses an expired token signed with the tenant's key", async () => {
    const user = await newUser();
    const [header, payload] = user.accessToken.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ ...payload, iat: now - 1200, exp: now - 600 }).setProtectedHeader(header).sign(signingKey);
    const answer = await call('/api/me', { authorization: `Bearer ${expired}` });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/error="invalid_token", error_description="[^"]*ERR_JWT_EXPIRED[^"]*"/);
    // The same claims, not expired, with the same key: accepted (the key is the suite's).
    const fresh = await new SignJWT({ ...payload, iat: now, exp: now + 300 }).setProtectedHeader(header).sign(signingKey);
    expect((await call('/api/claims', { authorization: `Bearer ${fresh}` })).status).toBe(200);
  });

  it('requirePermission: 403 with insufficient_scope without users:read, 200 with it', async () => {
    const user = await newUser();
    const refused = await call('/api/users', { authorization: `Bearer ${user.accessToken}` });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer realm="sigma-iam", error="insufficient_scope"/);
    expect(await refused.json()).toMatchObject({ error: { code: 'INSUFFICIENT_PERMISSIONS', message: expect.stringContaining('users:read') } });

    const adminToken = await admin.getAccessToken();
    const allowed = await call('/api/users', { authorization: `Bearer ${adminToken}` });
    expect(allowed.status).toBe(200);
    expect(((await allowed.json()) as { permissions: string[] }).permissions).toEqual(expect.arrayContaining([expect.stringMatching(/^(\*|users:\*|users:read)$/)]));
    expect((await call('/api/users')).status).toBe(401);
  });

  it('DPoP-bound tokens: refused as Bearer and without or with a wrong, replayed or foreign proof; accepted with a fresh proof', async () => {
    const key = await dpopKey();
    const tokenUrl = `${gateway}/oauth/v1/token`;
    const issued = await fetch(tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(application.client_id)}:${encodeURIComponent(application.client_secret ?? '')}`).toString('base64')}`,
        dpop: await key.proof('POST', tokenUrl),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
    });
    expect(issued.status).toBe(200);
    const { access_token: token, token_type: tokenType } = (await issued.json()) as { access_token: string; token_type: string };
    expect(tokenType).toBe('DPoP');

    const asBearer = await call('/api/me', { authorization: `Bearer ${token}` });
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);

    const withoutProof = await call('/api/me', { authorization: `DPoP ${token}` });
    expect(withoutProof.status).toBe(401);
    expect(withoutProof.headers.get('www-authenticate')).toMatch(/^DPoP realm="sigma-iam", error="invalid_dpop_proof", error_description="[^"]+", algs="/);

    const proof = await key.proof('GET', `${APP}/api/me`, token);
    const accepted = await call('/api/me', { authorization: `DPoP ${token}`, dpop: proof });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ scheme: 'DPoP', user: { id: application.client_id, is_client: true, cnf: { jkt: key.jkt }, full_name: null } });

    const replayed = await call('/api/me', { authorization: `DPoP ${token}`, dpop: proof });
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toMatchObject({ error: { code: 'INVALID_DPOP_PROOF', message: expect.stringContaining('used before') } });

    const otherUrl = await call('/api/me', { authorization: `DPoP ${token}`, dpop: await key.proof('GET', `${APP}/api/users`, token) });
    expect(otherUrl.status).toBe(401);
    const otherMethod = await call('/api/me', { authorization: `DPoP ${token}`, dpop: await key.proof('POST', `${APP}/api/me`, token) });
    expect(otherMethod.status).toBe(401);
    const stale = await call('/api/me', { authorization: `DPoP ${token}`, dpop: await key.proof('GET', `${APP}/api/me`, token, Math.floor(Date.now() / 1000) - 600) });
    expect(stale.status).toBe(401);
    const noAth = await call('/api/me', { authorization: `DPoP ${token}`, dpop: await key.proof('GET', `${APP}/api/me`) });
    expect(noAth.status).toBe(401);
    const otherKey = await dpopKey();
    const stolen = await call('/api/me', { authorization: `DPoP ${token}`, dpop: await otherKey.proof('GET', `${APP}/api/me`, token) });
    expect(stolen.status).toBe(401);
    expect(await stolen.json()).toMatchObject({ error: { code: 'INVALID_DPOP_PROOF', message: expect.stringContaining('another key') } });

    // A bearer token presented with the DPoP scheme is refused too.
    const user = await newUser();
    expect((await call('/api/me', { authorization: `DPoP ${user.accessToken}`, dpop: await key.proof('GET', `${APP}/api/me`, user.accessToken) })).status).toBe(401);
  });

  it("a revoked session's token: local verification still accepts it until it expires; introspection refuses it at once, the deny list once session.revoked arrives", async () => {
    const user = await newUser();
    const bearer = { authorization: `Bearer ${user.accessToken}` };
    expect((await call('/api/claims', bearer)).status).toBe(200);
    expect((await call('/api/strict', bearer)).status).toBe(200);
    expect((await call('/api/deny-listed', bearer)).status).toBe(200);

    await user.iam.logout(); // ends the session: session.revoked is published
    const refreshed = await fetch(`${gateway}/api/v1/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: user.refreshToken }) });
    expect(refreshed.status).toBe(401);

    // What a local check cannot see (ADR 28): the token itself is still valid.
    expect((await call('/api/claims', bearer)).status).toBe(200);
    const strict = await call('/api/strict', bearer);
    expect(strict.status).toBe(401);
    expect(strict.headers.get('www-authenticate')).toMatch(/error="invalid_token", error_description="The token has been revoked"/);
    // The gateway applies session.revoked to its deny-list; from then on the profile read of verifyToken
    // (the first for this token: profiles are cached per token) is refused, and so is seed 000's route.
    await eventually(async () => ((await fetch(`${gateway}/api/v1/me`, { headers: bearer })).status === 401 ? true : undefined), 20000, 250);
    expect((await call('/api/protected', bearer)).status).toBe(401);
    // The example app follows session.revoked itself (Kafka) into a DenyList.
    const denied = await eventually(async () => {
      const answer = await call('/api/deny-listed', bearer);
      return answer.status === 401 ? answer : undefined;
    }, 20000, 250);
    expect(denied.headers.get('www-authenticate')).toMatch(/error="invalid_token", error_description="The token has been revoked"/);
    // Other sessions are not affected.
    const other = await newUser();
    expect((await call('/api/deny-listed', { authorization: `Bearer ${other.accessToken}` })).status).toBe(200);
  });

  describe('authorization code + PKCE through the login page', () => {
    let browser: TestBrowser;

    beforeAll(async () => {
      browser = await launchTestBrowser();
    });

    afterAll(async () => {
      await browser?.close();
    });

    it("signs in through /login and seed 000's callback, which checks state and uses the session's PKCE verifier", async () => {
      const user = await newUser('Katherine Johnson');
      const page = await browser.context.newPage();
      const authorizeRequests: URL[] = [];
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (request.url().startsWith(gateway) && url.pathname === '/oauth/v1/authorize') authorizeRequests.push(url);
      });
      await page.goto(`${APP}/login`);
      await page.waitForURL((url) => url.href.startsWith(gateway));
      await page.locator('#username').fill(user.email);
      await page.locator('#password').fill(USER_PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL((url) => url.href.startsWith(`${APP}/dashboard`) || url.pathname === '/oauth/consent');
      if (new URL(page.url()).pathname === '/oauth/consent') await page.getByRole('button', { name: 'Allow', exact: true }).click();
      await page.waitForURL((url) => url.href.startsWith(`${APP}/dashboard`));
      const dashboard = JSON.parse((await page.locator('body').textContent()) ?? '{}');
      expect(dashboard).toMatchObject({ user: { id: user.id, email: user.email, full_name: 'Katherine Johnson', client_id: application.client_id } });
      await page.close();

      // The authorization request carried PKCE (S256) and a state; the verifier stayed in the server-side session.
      const [authorize] = authorizeRequests;
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorize.searchParams.get('code_verifier')).toBeNull();
      expect(authorize.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{22}$/);

      // A callback whose state this session did not start is refused (CSRF), whatever the code.
      const forged = await browser.context.newPage();
      const answer = await forged.goto(`${APP}/auth/callback?code=stolen-code&state=${authorize.searchParams.get('state')}`);
      expect(answer?.status()).toBe(400);
      expect(JSON.parse((await forged.locator('body').textContent()) ?? '{}')).toEqual({ error: 'Authentication failed' });
      await forged.close();
    });
  });

  it("seed 000's calls through @sigma/iam-node's SigmaIAM: login, profile and admin APIs per user, and a refresh once the access token has expired at the suite", async () => {
    const exchanges: string[] = [];
    const iam = new NodeSigmaIAM({
      baseURL: gateway,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        exchanges.push(`${new URL(input).pathname} ${response.status}`);
        return response;
      },
    });
    const asAdmin = iam.forUser(new MemoryTokenStorage());
    const { user: adminUser } = await asAdmin.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    const email = `sdk-node-${randomUUID().slice(0, 8)}@example.com`;
    const created = await asAdmin.request<{ id: string }>({ method: 'POST', path: '/api/v1/users', json: { email, password: USER_PASSWORD } });
    const assigned = await asAdmin.assignRole(created.id, 'admin');
    expect(assigned.roles.map((role) => role.name).sort()).toEqual(['admin', 'user']);
    const registered = await asAdmin.createApplication({ client_name: `Node SDK app ${randomUUID().slice(0, 6)}`, client_type: 'public', redirect_uris: [`${APP}/elsewhere`], allowed_grant_types: ['authorization_code', 'refresh_token'], allowed_scopes: ['openid'] });
    expect(registered).toMatchObject({ client_id: expect.any(String), client_type: 'public' });

    // The tenant's shortest access token lifetime (60 s), so tokens really expire during the test.
    const tenantPath = `/api/v1/tenants/${adminUser.tenant_id}`;
    await asAdmin.request({ method: 'PATCH', path: tenantPath, json: { token_lifetimes: { access_token: 60 } } });
    try {
      // auth-server reuses a tenant's record for up to 30 s: sign in until tokens carry the new lifetime.
      const signIn = async () => {
        const storage = new MemoryTokenStorage();
        const client = iam.forUser(storage);
        const { accessToken } = await client.login(email, USER_PASSWORD);
        const verified = await iam.verifyToken(accessToken);
        return verified.exp - verified.iat === 60 ? { client, storage, accessToken, verified } : undefined;
      };
      const knowing = await eventually(signIn, 45000, 2000);
      expect(knowing.verified).toMatchObject({ id: created.id, email, tenant_id: adminUser.tenant_id });
      expect(await knowing.client.getProfile()).toMatchObject({ id: created.id, email });
      expect((await knowing.client.getUserRoles()).roles.map((role) => role.slug).sort()).toEqual(['admin', 'user']);
      // A second session whose stored expiry is ahead of the suite's clock: it learns of the expiry from the suite's 401.
      const unaware = await eventually(signIn, 10000, 1000);
      const unawareStored = unaware.storage.get();
      if (!unawareStored) throw new Error('no tokens stored after login');
      unaware.storage.set({ ...unawareStored, expiresAt: Date.now() + 3_600_000 });
      const refreshes: string[] = [];
      knowing.client.onAuthChange((change) => refreshes.push(`knowing ${change.type}`));
      unaware.client.onAuthChange((change) => refreshes.push(`unaware ${change.type}`));

      // Past the expiry and the gateway's clock tolerance (5 s): the suite refuses both tokens, local verification too.
      await sleep(Math.max(0, (unaware.verified.exp + 7) * 1000 - Date.now()));
      for (const expired of [knowing.accessToken, unaware.accessToken]) {
        expect((await fetch(`${gateway}/api/v1/me`, { headers: { authorization: `Bearer ${expired}` } })).status).toBe(401);
        await expect(iam.verifyToken(expired)).rejects.toMatchObject({ code: 'INVALID_TOKEN', status: 401 });
      }

      // The client that knows the expiry refreshes before the call: the expired token is not sent.
      exchanges.length = 0;
      expect(await knowing.client.getProfile()).toMatchObject({ id: created.id, email });
      expect(exchanges).toEqual(['/api/v1/auth/refresh 200', '/api/v1/me 200']);
      expect(knowing.storage.get()?.accessToken).not.toBe(knowing.accessToken);
      // The other sends it, meets 401, refreshes once and repeats the call with the new token.
      exchanges.length = 0;
      expect((await unaware.client.getUserRoles()).user_id).toBe(created.id);
      expect(exchanges).toEqual(['/api/v1/me/roles 401', '/api/v1/auth/refresh 200', '/api/v1/me/roles 200']);
      expect(unaware.storage.get()?.accessToken).not.toBe(unaware.accessToken);
      expect(refreshes).toEqual(['knowing refreshed', 'unaware refreshed']);
      // The renewed token verifies locally again, as the same user.
      expect(await iam.verifyToken(unaware.storage.get()?.accessToken ?? '')).toMatchObject({ id: created.id, email });
    } finally {
      await asAdmin.request({ method: 'PATCH', path: tenantPath, json: { token_lifetimes: { access_token: 900 } } });
    }
  });
});
