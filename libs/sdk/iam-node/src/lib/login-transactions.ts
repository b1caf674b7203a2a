/** A login waiting for its callback: what the authorization request was made with. */
export interface LoginTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  /** A path of this app to return to after the login. */
  returnTo: string;
  /** Epoch ms. */
  createdAt: number;
}

/**
 * Where logins wait for their callback, on the server side: the PKCE verifier never reaches the
 * browser. `take` answers the transaction of a state once (and forgets it), or undefined.
 */
export interface TransactionStore {
  save(req: unknown, transaction: LoginTransaction): void | Promise<void>;
  take(req: unknown, state: string): LoginTransaction | undefined | Promise<LoginTransaction | undefined>;
}

const SESSION_KEY = 'sigmaIamLogins';
/** A login not finished within this time is forgotten. */
const MAX_AGE_MS = 10 * 60 * 1000;
/** Logins pending at once per session (several tabs); the oldest goes first. */
const MAX_PENDING = 5;

function sessionOf(req: unknown): Record<string, unknown> {
  const session = typeof req === 'object' && req !== null ? (req as { session?: unknown }).session : undefined;
  if (typeof session !== 'object' || session === null) {
    throw new TypeError('The login helpers keep their state in req.session: install a session middleware (express-session) or pass a transactionStore');
  }
  return session as Record<string, unknown>;
}

function isTransaction(value: unknown): value is LoginTransaction {
  const candidate = value as Partial<LoginTransaction> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.state === 'string' && typeof candidate.codeVerifier === 'string' && typeof candidate.createdAt === 'number';
}

/** The default store: the user's server-side session (express-session, or anything that sets `req.session`). */
export class SessionTransactionStore implements TransactionStore {
  save(req: unknown, transaction: LoginTransaction): void {
    const session = sessionOf(req);
    const pending = this.pendingOf(session).filter((entry) => entry.state !== transaction.state);
    session[SESSION_KEY] = [...pending, transaction].slice(-MAX_PENDING);
  }

  take(req: unknown, state: string): LoginTransaction | undefined {
    const session = sessionOf(req);
    const pending = this.pendingOf(session);
    const found = pending.find((entry) => entry.state === state);
    session[SESSION_KEY] = pending.filter((entry) => entry !== found);
    return found;
  }

  private pendingOf(session: Record<string, unknown>): LoginTransaction[] {
    const stored = session[SESSION_KEY];
    const now = Date.now();
    return (Array.isArray(stored) ? stored : []).filter(isTransaction).filter((entry) => now - entry.createdAt < MAX_AGE_MS);
  }
}
