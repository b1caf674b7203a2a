import type { StoredTokens, TokenStorage } from '@sigma/iam-js';

/**
 * Keeps the SDK's tokens in this tab's sessionStorage, so a reload restores the session and closing
 * the tab forgets it. Any script running on the page can read sessionStorage: use it only with a
 * strict Content-Security-Policy (no inline or third-party scripts). The SDK's default (memory)
 * is safer and signs the user out on reload.
 */
export class SessionTokenStorage implements TokenStorage {
  constructor(private readonly key: string) {}

  get(): StoredTokens | null {
    const saved = window.sessionStorage.getItem(this.key);
    if (saved === null) return null;
    try {
      return JSON.parse(saved) as StoredTokens;
    } catch {
      return null;
    }
  }

  set(tokens: StoredTokens): void {
    window.sessionStorage.setItem(this.key, JSON.stringify(tokens));
  }

  clear(): void {
    window.sessionStorage.removeItem(this.key);
  }
}
