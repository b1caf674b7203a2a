// An upstream OpenID provider for the federation end-to-end tests: node-oidc-provider on loopback,
// started by the spec as a child process (oidc-provider is published only as an ES module, which
// jest's CommonJS runtime cannot load). Configuration comes as JSON in UPSTREAM_IDP_CONFIG:
// {clients: [{client_id, client_secret, redirect_uris}], accounts: {<id>: {email, email_verified, given_name, family_name}}}.
// It prints `listening <issuer>` once it serves. Sign-in is its own interaction: GET /interaction/<uid>
// shows a form, POST /interaction/<uid> with `account=<id>` signs that account in; consent is implied.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const { clients, accounts } = JSON.parse(process.env.UPSTREAM_IDP_CONFIG ?? '{}');

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: clients.map((client) => ({ ...client, grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' })),
  cookies: { keys: ['federation-e2e-upstream-cookie-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name', 'picture'] },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, id) {
    const account = accounts[id];
    return account && { accountId: id, claims: () => ({ sub: id, ...account }) };
  },
  // Consent is implied (a first-party upstream): every sign-in gets the scopes it asked for.
  async loadExistingGrant(ctx) {
    const existing = ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (existing) return ctx.oidc.provider.Grant.find(existing);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

const callback = provider.callback();
server.on('request', async (req, res) => {
  const match = /^\/interaction\/([\w-]+)$/.exec(new URL(req.url, issuer).pathname);
  if (!match) return callback(req, res);
  try {
    await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>Upstream sign-in</title><form method="post"><label>Account <input name="account"></label><button>Sign in</button></form>`);
      return;
    }
    let body = '';
    for await (const chunk of req) body += chunk;
    const accountId = new URLSearchParams(body).get('account') ?? '';
    if (!accounts[accountId]) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('unknown account');
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
  } catch (error) {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end(String(error?.message ?? error));
  }
});

process.stdout.write(`listening ${issuer}\n`);
// Browsers keep connections alive; the test is over, so the process ends at once.
process.on('SIGTERM', () => process.exit(0));
