import { DynamicModule, Module } from '@nestjs/common';
import { AUTH_MIGRATIONS, DirectoryClient, SessionClient, SessionClientSettings, WEBAUTHN_MIGRATIONS } from '@sigma/auth/data-access';
import { DirectoryClientSettings } from '@sigma/shared/contracts-internal';
import { AUTHORIZE_MIGRATIONS, AuthorizeModule } from '@sigma/auth/feature-authorize';
import { AuthClientsModule, CLIENT_REGISTRY_MIGRATIONS } from '@sigma/auth/feature-clients';
import { AuthOAuthModule, installTokenFastPath, OAuthSettings } from '@sigma/auth/feature-oauth';
import { AuthLoginApisModule, LoginApisSettings } from '@sigma/auth/feature-login-apis';
import { AuthFederationModule, FEDERATION_MIGRATIONS } from '@sigma/auth/feature-federation';
import { AuthPrivacyModule } from '@sigma/auth/feature-privacy';
import { AuthTokensModule, TokenSettings } from '@sigma/auth/feature-tokens';
import { decoyKeyOf, relyingPartyOf, WebauthnModule, WebauthnSettings } from '@sigma/auth/feature-webauthn';
import { ServiceDefinition } from '@sigma/shared/feature-service-host';
import { AccessTokenModule, AccessTokenSettings } from '@sigma/shared/util-auth';
import { decodeKey, SecretBox, SecretsEncryptionSettings } from '@sigma/shared/util-crypto';

const settings = {
  tokens: TokenSettings,
  directory: DirectoryClientSettings,
  sessions: SessionClientSettings,
  secrets: SecretsEncryptionSettings,
  access: AccessTokenSettings,
  oauth: OAuthSettings,
  webauthn: WebauthnSettings,
  loginApis: LoginApisSettings,
};
type AuthServerConfig = {
  tokens: TokenSettings;
  directory: DirectoryClientSettings;
  sessions: SessionClientSettings;
  secrets: SecretsEncryptionSettings;
  access: AccessTokenSettings;
  oauth: OAuthSettings;
  webauthn: WebauthnSettings;
  loginApis: LoginApisSettings;
};

const SECONDS_PER_DAY = 86400;

@Module({})
class AuthServerModule {
  static with(config: AuthServerConfig): DynamicModule {
    const secretBox = SecretBox.fromEncodedKey(config.secrets.SECRETS_ENCRYPTION_KEY);
    const directory = new DirectoryClient({ baseUrl: config.directory.USER_DIRECTORY_URL, timeoutMs: config.directory.DIRECTORY_TIMEOUT_MS });
    return {
      module: AuthServerModule,
      imports: [
        AuthTokensModule.with({
          publicUrl: config.tokens.PUBLIC_URL,
          algorithm: config.tokens.TOKEN_SIGNING_ALG,
          keyMaxAgeSeconds: config.tokens.SIGNING_KEY_ROTATION_DAYS * SECONDS_PER_DAY,
          secretBox,
          directory,
          sessions: new SessionClient({ baseUrl: config.sessions.SESSION_SERVICE_URL, timeoutMs: config.sessions.SESSION_SERVICE_TIMEOUT_MS }),
        }),
        // Bearer tokens on the admin routes (applications); auth-server reads its own JWKS (AUTH_SERVER_URL).
        AccessTokenModule.forSettings(config.access),
        AuthClientsModule.with({ userDirectoryUrl: config.directory.USER_DIRECTORY_URL, directoryTimeoutMs: config.directory.DIRECTORY_TIMEOUT_MS }),
        AuthOAuthModule.with({
          publicUrl: config.tokens.PUBLIC_URL,
          nonceSecret: decodeKey(config.secrets.SECRETS_ENCRYPTION_KEY),
          requireDpopNonce: config.oauth.DPOP_REQUIRE_NONCE,
        }),
        WebauthnModule.with({
          relyingParty: relyingPartyOf(config.webauthn, config.tokens.PUBLIC_URL),
          decoyKey: decoyKeyOf(decodeKey(config.secrets.SECRETS_ENCRYPTION_KEY)),
        }),
        AuthLoginApisModule.with({ publicUrl: config.tokens.PUBLIC_URL, contextualTokenMaxSeconds: config.loginApis.CONTEXTUAL_TOKEN_MAX_SECONDS }),
        AuthorizeModule.with({ publicUrl: config.tokens.PUBLIC_URL }),
        AuthFederationModule.with({ publicUrl: config.tokens.PUBLIC_URL, secretBox, directory }),
        AuthPrivacyModule,
      ],
    };
  }
}

/** The OAuth 2.1 / OpenID Connect authorization server and the login APIs. */
export const authServer: ServiceDefinition<typeof settings> = {
  name: 'auth-server',
  defaultPort: 3001,
  schema: 'auth',
  migrations: [...AUTH_MIGRATIONS, ...CLIENT_REGISTRY_MIGRATIONS, ...WEBAUTHN_MIGRATIONS, ...AUTHORIZE_MIGRATIONS, ...FEDERATION_MIGRATIONS],
  settings,
  edge: false,
  openApi: { title: 'Sigma IAM authorization server', description: 'OAuth 2.1 and OpenID Connect endpoints, login APIs, passkeys and social login.' },
  rootModule: (config) => AuthServerModule.with(config),
  beforeBodyParsers: (app, http) => installTokenFastPath(app, http),
};
