/** Where a token set came from, which decides how it is refreshed and ended. */
export type TokenSource = 'login' | 'oauth';

/** The tokens the SDK keeps for the signed-in user. */
export interface StoredTokens {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  /** Epoch milliseconds at which the access token expires (from expires_in). */
  expiresAt?: number;
  /** 'login': the direct login API (refreshed at /api/v1/auth/refresh); 'oauth': the token endpoint. */
  source: TokenSource;
  /** Bearer or DPoP (a DPoP-bound token is sent with the DPoP scheme and a proof); Bearer when absent. */
  tokenType?: string;
}

/**
 * Pluggable token storage. The default keeps tokens in memory only; a browser app that wants them to
 * survive a reload chooses its own place (sessionStorage, an encrypted store, a server session) by
 * implementing these three calls. The SDK never uses localStorage on its own.
 */
export interface TokenStorage {
  get(): Promise<StoredTokens | null> | StoredTokens | null;
  set(tokens: StoredTokens): Promise<void> | void;
  clear(): Promise<void> | void;
}

/** The default storage: this process's (or this page's) memory. */
export class MemoryTokenStorage implements TokenStorage {
  private tokens: StoredTokens | null = null;

  get(): StoredTokens | null {
    return this.tokens;
  }

  set(tokens: StoredTokens): void {
    this.tokens = { ...tokens };
  }

  clear(): void {
    this.tokens = null;
  }
}
