/**
 * Where pending authorizations (state → PKCE verifier, redirect URI, provider) wait for the
 * redirect back: the three calls of Web Storage, so `sessionStorage` fits as it is. They must be
 * synchronous, since seed 000 builds authorization URLs synchronously.
 */
export interface AuthorizationStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Pending authorizations kept in this process; the oldest go first beyond `capacity`. */
export class MemoryAuthorizationStore implements AuthorizationStore {
  private readonly items = new Map<string, string>();

  constructor(private readonly capacity = 1000) {}

  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    this.items.delete(key);
    this.items.set(key, value);
    while (this.items.size > this.capacity) this.items.delete(this.items.keys().next().value ?? '');
  }

  removeItem(key: string): void {
    this.items.delete(key);
  }
}

/**
 * The browser's sessionStorage when there is one (it survives the redirect to the provider and
 * back, stays in this tab, and is gone when the tab closes), else memory.
 */
export function defaultAuthorizationStore(): AuthorizationStore {
  try {
    const storage = (globalThis as { sessionStorage?: AuthorizationStore }).sessionStorage;
    if (storage !== undefined) return storage;
  } catch {
    // sessionStorage refused (sandboxed frame, storage disabled): memory still works within the page.
  }
  return new MemoryAuthorizationStore();
}

/** One authorization the browser was sent to, as the callback needs it. */
export interface PendingAuthorization {
  state: string;
  codeVerifier: string;
  redirectUri: string;
  /** The social provider (seed 000's /api/v1/auth/social flow); absent for the authorization endpoint. */
  provider?: string;
  nonce?: string;
  /** Epoch milliseconds. */
  createdAt: number;
}

const PREFIX = 'sigma-iam:authorization:';

/**
 * Pending authorizations by state: saved when the URL is built, taken once by the callback (a
 * second callback with the same state finds nothing), refused after `maxAgeMs` (10 minutes: the
 * suite's own sign-in states live as long).
 */
export class PendingAuthorizations {
  constructor(
    private readonly store: AuthorizationStore,
    private readonly maxAgeMs = 600_000,
    private readonly now: () => number = Date.now,
  ) {}

  save(pending: Omit<PendingAuthorization, 'createdAt'>): void {
    this.store.setItem(PREFIX + pending.state, JSON.stringify({ ...pending, createdAt: this.now() }));
  }

  /** The pending authorization of `state` without using it up, or null. */
  peek(state: string): PendingAuthorization | null {
    const raw = this.store.getItem(PREFIX + state);
    if (raw === null) return null;
    let pending: PendingAuthorization;
    try {
      pending = JSON.parse(raw) as PendingAuthorization;
    } catch {
      return null;
    }
    if (pending.state !== state || typeof pending.codeVerifier !== 'string' || typeof pending.createdAt !== 'number') return null;
    return this.now() - pending.createdAt > this.maxAgeMs ? null : pending;
  }

  /** The pending authorization of `state`, removed: each can be completed once. */
  take(state: string): PendingAuthorization | null {
    const pending = this.peek(state);
    this.store.removeItem(PREFIX + state);
    return pending;
  }
}
