import express from 'express';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/** A user of the GitHub-style upstream: `/user` answers the profile, `/user/emails` the addresses. */
export interface OAuth2Account {
  id: number;
  login: string;
  name: string;
  /** The public email on the profile (GitHub's may be null). */
  email: string | null;
  avatar_url: string;
  emails: Array<{ email: string; primary: boolean; verified: boolean }>;
}

export interface UpstreamOAuth2 {
  /** The server's origin, e.g. http://127.0.0.1:PORT. */
  origin: string;
  authUrl: string;
  tokenUrl: string;
  userInfoUrl: string;
  emailsUrl: string;
  /** What the token endpoint saw: how the client authenticated and whether a PKCE verifier was checked. */
  tokenRequests: Array<{ clientAuth: 'client_secret_post' | 'client_secret_basic'; pkce: boolean }>;
  stop(): Promise<void>;
}

interface PendingCode {
  account: string;
  clientId: string;
  redirectUri: string;
  codeChallenge?: string;
  expiresAt: number;
}

const CODE_LIFETIME_MS = 60_000;

function equalSecrets(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

/**
 * A small plain OAuth 2.0 authorization server on loopback in GitHub's shapes (no OpenID Connect,
 * no ID token): `GET /login/oauth/authorize` redirects back with a code and the state for the
 * account the browser is signed in as (cookie `upstream_account`, the test's stand-in for the
 * upstream's own login), `POST /login/oauth/access_token` checks the client, the redirect URI, the
 * code (single use, one minute) and the PKCE S256 verifier when a challenge was sent, and answers a
 * bearer token; `GET /user` and `GET /user/emails` answer the token's account.
 */
export async function startUpstreamOAuth2(options: { clientId: string; clientSecret: string; redirectUris: string[]; accounts: Record<string, OAuth2Account> }): Promise<UpstreamOAuth2> {
  const codes = new Map<string, PendingCode>();
  const accessTokens = new Map<string, string>();
  const tokenRequests: UpstreamOAuth2['tokenRequests'] = [];
  const app = express();
  app.disable('x-powered-by');

  app.get('/login/oauth/authorize', (req, res) => {
    const query = req.query as Record<string, string | undefined>;
    const redirectUri = query['redirect_uri'] ?? '';
    if (query['client_id'] !== options.clientId || !options.redirectUris.includes(redirectUri)) {
      res.status(400).type('text').send('unknown client or redirect_uri');
      return;
    }
    const back = new URL(redirectUri);
    if (query['state'] !== undefined) back.searchParams.set('state', query['state']);
    if (query['response_type'] !== 'code' || (query['code_challenge'] !== undefined && query['code_challenge_method'] !== 'S256')) {
      back.searchParams.set('error', 'invalid_request');
      res.redirect(302, back.href);
      return;
    }
    const account = /(?:^|;\s*)upstream_account=([a-z]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (account === undefined || options.accounts[account] === undefined) {
      back.searchParams.set('error', 'access_denied');
      res.redirect(302, back.href);
      return;
    }
    const code = randomBytes(20).toString('hex');
    codes.set(code, { account, clientId: options.clientId, redirectUri, codeChallenge: query['code_challenge'], expiresAt: Date.now() + CODE_LIFETIME_MS });
    back.searchParams.set('code', code);
    res.redirect(302, back.href);
  });

  app.post('/login/oauth/access_token', express.urlencoded({ extended: false }), (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    let clientId = body['client_id'];
    let clientSecret = body['client_secret'];
    let clientAuth: 'client_secret_post' | 'client_secret_basic' = 'client_secret_post';
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (basic !== undefined) {
      const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id ?? '');
      clientSecret = decodeURIComponent(secret ?? '');
      clientAuth = 'client_secret_basic';
    }
    if (clientId !== options.clientId || clientSecret === undefined || !equalSecrets(clientSecret, options.clientSecret)) {
      res.status(401).json({ error: 'invalid_client' });
      return;
    }
    if (body['grant_type'] !== 'authorization_code') {
      res.status(400).json({ error: 'unsupported_grant_type' });
      return;
    }
    const code = body['code'] ?? '';
    const pending = codes.get(code);
    codes.delete(code);
    if (!pending || pending.expiresAt < Date.now() || pending.clientId !== clientId || pending.redirectUri !== body['redirect_uri']) {
      res.status(400).json({ error: 'invalid_grant' });
      return;
    }
    if (pending.codeChallenge !== undefined) {
      const verifier = body['code_verifier'] ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== pending.codeChallenge) {
        res.status(400).json({ error: 'invalid_grant', error_description: 'PKCE verification failed' });
        return;
      }
    }
    tokenRequests.push({ clientAuth, pkce: pending.codeChallenge !== undefined });
    const accessToken = randomBytes(24).toString('hex');
    accessTokens.set(accessToken, pending.account);
    res.set('cache-control', 'no-store').json({ access_token: accessToken, token_type: 'bearer', scope: 'read:user,user:email' });
  });

  const accountOf = (req: express.Request): OAuth2Account | undefined => {
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const name = token === undefined ? undefined : accessTokens.get(token);
    return name === undefined ? undefined : options.accounts[name];
  };
  app.get('/user', (req, res) => {
    const account = accountOf(req);
    if (!account) {
      res.status(401).set('www-authenticate', 'Bearer error="invalid_token"').json({ message: 'Bad credentials' });
      return;
    }
    res.json({ id: account.id, login: account.login, name: account.name, email: account.email, avatar_url: account.avatar_url });
  });
  app.get('/user/emails', (req, res) => {
    const account = accountOf(req);
    if (!account) {
      res.status(401).set('www-authenticate', 'Bearer error="invalid_token"').json({ message: 'Bad credentials' });
      return;
    }
    res.json(account.emails.map((entry) => ({ ...entry, visibility: entry.primary ? 'public' : null })));
  });

  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    authUrl: `${origin}/login/oauth/authorize`,
    tokenUrl: `${origin}/login/oauth/access_token`,
    userInfoUrl: `${origin}/user`,
    emailsUrl: `${origin}/user/emails`,
    tokenRequests,
    stop: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
