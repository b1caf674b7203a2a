// node-oidc-provider (npm oidc-provider) as the benchmark's reference: one confidential client
// (client_secret_basic) with the client_credentials grant, ES256 JWT access tokens for one
// resource server (resource indicators), default in-memory adapter, no request logging.
//
//   PORT=... CLIENT_ID=... CLIENT_SECRET=... node scripts/bench-oidc-provider.mjs
import { generateKeyPair, exportJWK } from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'bench' }] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => 'urn:sigma-iam:api',
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: 'api:read api:write', audience: 'urn:sigma-iam:api', accessTokenTTL: 900, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
    },
  },
});
provider.listen(port, '127.0.0.1', () => console.log('ready'));
