import { defaultTransport, FetchLike, HttpTransport } from './http-transport';
import { IAMError } from './iam-error';
import { MemoryTokenStorage, StoredTokens, TokenStorage } from './token-storage';

export interface IdentityGatewayOptions {
  /** The application (seed 002's clientId): its tenant, session timeout and token audience. */
  clientId: string;
  /** The suite's public URL (its gateway). */
  baseUrl: string;
  /** Where the tokens live; memory by default. */
  storage?: TokenStorage;
  /** Sent with login (seed 002's deviceInfo), shown in session lists. */
  deviceInfo?: GatewayDeviceInfo;
  /** Per attempt; default 10 000 ms. */
  timeoutMs?: number;
  fetch?: FetchLike;
}

export interface GatewayDeviceInfo {
  device?: string;
  browser?: string;
  os?: string;
  userAgent?: string;
}

/** Seed 002's user object. */
export interface GatewayUser {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  role: string;
  isActive: boolean;
  isVerified: boolean;
  permissions: string[];
  lastLogin?: string | null;
  [field: string]: unknown;
}

export interface GatewayTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: string;
}

export interface GatewaySession {
  id: string;
  expiresAt: string;
  [field: string]: unknown;
}

export interface GatewayCredentials {
  email: string;
  password: string;
  rememberMe?: boolean;
  deviceInfo?: GatewayDeviceInfo;
}

interface LoginAnswer {
  success: true;
  user?: GatewayUser;
  tokens?: GatewayTokens;
  session?: GatewaySession;
  mfaRequired?: boolean;
  mfaSessionId?: string;
}

interface VerifyAnswer {
  success: true;
  valid: boolean;
  user: GatewayUser;
  session?: GatewaySession;
}

const AUTH_PATH = '/api/admin/identity/auth';

/** Seed 002's permission rule: the permission itself, its resource's wildcard (`users:*`), or `*`. */
export function grants(permissions: readonly string[], required: string): boolean {
  const [resource] = required.split(':');
  return permissions.some((permission) => permission === '*' || permission === required || permission === `${resource}:*`);
}

/**
 * Seed 002's client: the action-style authentication API (POST /api/admin/identity/auth) for an
 * application. It keeps the tokens, asks the suite (the verify action) for the current user, so a
 * revoked session is seen at once, and refreshes once (single flight) when the suite refuses the
 * access token.
 */
export class IdentityGateway {
  private readonly http: HttpTransport;
  private readonly storage: TokenStorage;
  private refreshing: Promise<StoredTokens> | null = null;

  constructor(private readonly options: IdentityGatewayOptions) {
    if (!options.baseUrl || !/^https?:\/\//i.test(options.baseUrl)) throw new TypeError('IdentityGateway needs baseUrl, the http(s) URL of the suite');
    if (!options.clientId) throw new TypeError('IdentityGateway needs clientId');
    this.http = defaultTransport({ baseUrl: options.baseUrl, timeoutMs: options.timeoutMs, fetch: options.fetch });
    this.storage = options.storage ?? new MemoryTokenStorage();
  }

  /** Signs in (action login) and keeps the tokens; a user with a second factor gets IAMError MFA_REQUIRED with mfaSessionId. */
  async login(credentials: GatewayCredentials): Promise<GatewayUser> {
    const deviceInfo = credentials.deviceInfo ?? this.options.deviceInfo;
    return this.signedIn(
      await this.action<LoginAnswer>({ action: 'login', email: credentials.email, password: credentials.password, rememberMe: credentials.rememberMe, ...(deviceInfo ? { deviceInfo } : {}) }),
    );
  }

  /** Finishes a login that answered MFA_REQUIRED. */
  async completeMfaLogin(mfaSessionId: string, factor: { totpCode: string } | { recoveryCode: string }): Promise<GatewayUser> {
    return this.signedIn(await this.action<LoginAnswer>({ action: 'login', mfaSessionId, ...factor }));
  }

  /** The signed-in user as the suite sees them now (action verify); IAMError AUTHENTICATION_REQUIRED when signed out. */
  async getCurrentUser(): Promise<GatewayUser> {
    return (await this.verified()).user;
  }

  /** Whether the signed-in user holds the permission now (asked of the suite, wildcards as seed 002 has them). */
  async hasPermission(permission: string): Promise<boolean> {
    return grants((await this.getCurrentUser()).permissions, permission);
  }

  /** The stored access token, or null when signed out. */
  async getAccessToken(): Promise<string | null> {
    return (await this.storage.get())?.accessToken ?? null;
  }

  /** Rotates the tokens now (action refresh). */
  async refresh(): Promise<GatewayTokens> {
    const tokens = await this.refreshAfterRejection(null);
    return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? '', expiresIn: tokens.expiresAt === undefined ? 0 : Math.max(0, Math.round((tokens.expiresAt - Date.now()) / 1000)), tokenType: 'Bearer' };
  }

  /** Ends the session at the suite (or, with allSessions, every session of the user) and forgets the tokens. */
  async logout(options: { allSessions?: boolean } = {}): Promise<void> {
    const tokens = await this.storage.get();
    try {
      if (tokens !== null) await this.action({ action: 'logout', accessToken: tokens.accessToken, allSessions: options.allSessions ?? false });
    } finally {
      await this.storage.clear();
    }
  }

  private action<T>(body: Record<string, unknown>): Promise<T> {
    return this.http.send<T>({ method: 'POST', path: AUTH_PATH, json: { ...body, clientId: this.options.clientId } });
  }

  private async signedIn(answer: LoginAnswer): Promise<GatewayUser> {
    if (answer.mfaRequired === true) {
      const error = new IAMError('MFA_REQUIRED', 'The user must confirm a second factor', 200);
      error.mfaSessionId = answer.mfaSessionId;
      throw error;
    }
    if (answer.user === undefined || answer.tokens === undefined) throw new IAMError('INVALID_RESPONSE', 'The login answer carries no tokens', 200);
    await this.keep(answer.tokens);
    return answer.user;
  }

  private async keep(tokens: GatewayTokens): Promise<StoredTokens> {
    const stored: StoredTokens = {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: tokens.expiresIn > 0 ? Date.now() + tokens.expiresIn * 1000 : undefined,
      source: 'login',
      tokenType: tokens.tokenType,
    };
    await this.storage.set(stored);
    return stored;
  }

  /** The verify action; once more after a refresh when the suite refused the access token. */
  private async verified(): Promise<VerifyAnswer> {
    const tokens = await this.storage.get();
    if (tokens === null) throw new IAMError('AUTHENTICATION_REQUIRED', 'Not signed in', 0);
    try {
      return await this.action<VerifyAnswer>({ action: 'verify', accessToken: tokens.accessToken });
    } catch (error) {
      if (!(error instanceof IAMError) || error.status !== 401 || tokens.refreshToken === undefined) throw error;
      const renewed = await this.refreshAfterRejection(tokens.accessToken);
      return this.action<VerifyAnswer>({ action: 'verify', accessToken: renewed.accessToken });
    }
  }

  /** Single flight, as SigmaIAM's: a spent refresh token presented twice would end the session. */
  private async refreshAfterRejection(rejected: string | null): Promise<StoredTokens> {
    if (this.refreshing) return this.refreshing;
    const current = await this.storage.get();
    if (this.refreshing) return this.refreshing;
    if (current !== null && rejected !== null && current.accessToken !== rejected) return current;
    if (current?.refreshToken === undefined) throw new IAMError('AUTHENTICATION_REQUIRED', 'Not signed in', 401);
    const refreshToken = current.refreshToken;
    this.refreshing = this.action<{ tokens: GatewayTokens }>({ action: 'refresh', refreshToken })
      .then((answer) => this.keep(answer.tokens))
      .catch(async (error: unknown) => {
        // A refused refresh token will not work again: sign out locally (no silent re-login).
        if (error instanceof IAMError && error.status >= 400 && error.status < 500 && error.status !== 429) await this.storage.clear();
        throw error;
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }
}
