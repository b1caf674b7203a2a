// A small Express app protected by @sigma/iam-node: seed 000's "Node.js/Express Integration" with
// only the import changed, plus the SDK's own middleware. apps/suite-e2e/src/sdk-node.e2e-spec.ts
// starts it against the distributed suite and drives every route.
//
//   SIGMA_IAM_BASE_URL=https://your-iam-instance.com SIGMA_IAM_CLIENT_ID=... SIGMA_IAM_CLIENT_SECRET=... \
//   APP_URL=http://localhost:3000 SESSION_SECRET=$(openssl rand -hex 32) node server.js
//
// With KAFKA_BROKERS set (an app inside the platform), it also follows session.revoked (/api/deny-listed).
// The client must be confidential, registered with the redirect URI `${APP_URL}/auth/callback`.
const express = require('express');
const session = require('express-session');
const SigmaIAM = require('@sigma/iam-node');

/**
 * Feeds a deny list from the suite's `session.revoked` events, for an app inside the platform that
 * can read its Kafka. Each process has its own consumer group (every replica needs every event) and
 * reads the retained events from the start, so a restart rebuilds the list.
 */
async function followRevocations(brokers, denyList) {
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({ clientId: 'sigma-iam-express-example', brokers: brokers.split(','), logLevel: logLevel.WARN });
  const consumer = kafka.consumer({ groupId: `sigma-iam-express-example-${process.pid}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: 'session.revoked', fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      let envelope;
      try {
        envelope = JSON.parse(message.value.toString());
      } catch {
        return; // not an event of the suite: skipped
      }
      const sessionId = envelope?.data?.session_id;
      if (typeof sessionId === 'string') denyList.revokeSession(sessionId);
    },
  });
  return consumer;
}

function createApp(config) {
  const app = express();

  const iam = new SigmaIAM({
    baseURL: config.baseURL,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    publicUrl: config.appURL, // DPoP proofs name this app's URLs
  });

  // Sessions on the server; the browser holds only the session id (HttpOnly). Use a shared store
  // (Redis, PostgreSQL) instead of the default memory store when running more than one process.
  app.use(
    session({
      secret: config.sessionSecret,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: config.appURL.startsWith('https://') },
    }),
  );
  // Lets the callback below redeem the code with `exchangeCodeForTokens(code)` alone: the SDK finds
  // the login's state and PKCE verifier in the session.
  app.use(iam.middleware());

  app.get('/health', (req, res) => res.json({ status: 'ok' }));

  // ── Seed 000, as written ───────────────────────────────────────────────────────────────────

  // Middleware to protect routes
  const requireAuth = async (req, res, next) => {
    try {
      const token = req.headers.authorization?.replace('Bearer ', '');
      if (!token) {
        return res.status(401).json({ error: 'Missing access token' });
      }

      const user = await iam.verifyToken(token);
      req.user = user;
      next();
    } catch (error) {
      res.status(401).json({ error: 'Invalid access token' });
    }
  };

  // Protected route
  app.get('/api/protected', requireAuth, (req, res) => {
    res.json({
      message: `Hello, ${req.user.full_name}`,
      user: req.user,
    });
  });

  // OAuth2 callback handler
  app.get('/auth/callback', async (req, res) => {
    const { code } = req.query;

    try {
      const tokens = await iam.exchangeCodeForTokens(code);

      // Store tokens securely (session, database, etc.)
      req.session.tokens = tokens;

      res.redirect('/dashboard');
    } catch (error) {
      res.status(400).json({ error: 'Authentication failed' });
    }
  });

  // ── The SDK's helpers ──────────────────────────────────────────────────────────────────────

  // Starts the authorization code + PKCE login: state, nonce and verifier stay in the session.
  app.get('/login', iam.loginHandler({ scope: 'openid profile email', redirectUri: `${config.appURL}/auth/callback` }));

  app.get('/dashboard', async (req, res, next) => {
    if (!req.session.tokens) return res.redirect('/login');
    try {
      const user = await iam.verifyToken(req.session.tokens.accessToken);
      res.json({ user });
    } catch (error) {
      if (!(error instanceof SigmaIAM.IAMError)) return next(error);
      // Expired or refused: sign in again.
      delete req.session.tokens;
      res.redirect('/login');
    }
  });

  // Bearer or DPoP (with its proof); 401 with WWW-Authenticate otherwise.
  app.get('/api/me', iam.requireAuth(), (req, res) => {
    res.json({ user: req.user, scheme: req.auth.scheme });
  });

  // Only the token's claims (no profile call): the cheapest check, blind to revocations.
  app.get('/api/claims', iam.requireAuth({ profile: 'claims' }), (req, res) => {
    res.json({ user: req.user });
  });

  // 403 unless the token carries users:read.
  app.get('/api/users', iam.requirePermission('users:read'), (req, res) => {
    res.json({ user_id: req.user.id, permissions: req.user.permissions });
  });

  // Every request asks the suite whether the token is still active (RFC 7662): ended sessions are refused at once.
  app.get('/api/strict', iam.requireAuth({ profile: 'claims', revocationCheck: 'introspection' }), (req, res) => {
    res.json({ user: req.user });
  });

  // Sessions the app has heard were revoked (session.revoked, when config.denyList is fed) are refused without asking the suite.
  if (config.denyList) {
    app.get('/api/deny-listed', iam.requireAuth({ profile: 'claims', revocationCheck: config.denyList }), (req, res) => {
      res.json({ user: req.user });
    });
  }

  return app;
}

module.exports = { createApp, followRevocations };

if (require.main === module) {
  const required = (name) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} must be set`);
    return value;
  };
  const port = Number(process.env.PORT ?? 3000);
  const denyList = process.env.KAFKA_BROKERS ? new SigmaIAM.DenyList() : undefined;
  const app = createApp({
    baseURL: required('SIGMA_IAM_BASE_URL'),
    clientId: required('SIGMA_IAM_CLIENT_ID'),
    clientSecret: required('SIGMA_IAM_CLIENT_SECRET'),
    appURL: process.env.APP_URL ?? `http://localhost:${port}`,
    sessionSecret: required('SESSION_SECRET'),
    denyList,
  });
  const start = denyList ? followRevocations(process.env.KAFKA_BROKERS, denyList) : Promise.resolve(undefined);
  start.then(
    (consumer) => {
      const server = app.listen(port, process.env.HOST ?? '127.0.0.1', () => console.log(`example app on port ${port}`));
      process.once('SIGTERM', () => {
        const closed = new Promise((resolve) => server.close(resolve));
        Promise.allSettled([closed, consumer?.disconnect()]).then(() => process.exit(0));
      });
    },
    (error) => {
      console.error('could not follow session.revoked:', error.message);
      process.exit(1);
    },
  );
}
