/** The facts that decide whether a session is still usable. */
export interface SessionClock {
  revokedAt: Date | null;
  expiresAt: Date;
  lastActivityAt: Date;
  idleTimeoutSeconds: number;
}

export type SessionState = 'active' | 'revoked' | 'expired' | 'idle';

export function idleExpiryOf(session: Pick<SessionClock, 'lastActivityAt' | 'idleTimeoutSeconds' | 'expiresAt'>): Date {
  const idle = session.lastActivityAt.getTime() + session.idleTimeoutSeconds * 1000;
  return new Date(Math.min(idle, session.expiresAt.getTime()));
}

/** Revoked wins over expired, expired over idle: the first reason a session ended is the one it keeps. */
export function sessionStateOf(session: SessionClock, now: Date): SessionState {
  if (session.revokedAt !== null) return 'revoked';
  if (now.getTime() >= session.expiresAt.getTime()) return 'expired';
  if (now.getTime() >= idleExpiryOf(session).getTime()) return 'idle';
  return 'active';
}

/**
 * Why a session ended, as `session.revoked` reports it (contracts-events SESSION_REVOCATION_REASONS).
 * `idle_timeout` and `expired` are recorded when the service notices them (a refresh, or its sweep).
 */
export type SessionRevocationReason =
  | 'logout'
  | 'admin'
  | 'max_sessions'
  | 'idle_timeout'
  | 'expired'
  | 'password_changed'
  | 'refresh_token_reuse'
  | 'user_deleted'
  | 'subject_revoked';

export function timeoutReasonOf(state: SessionState): SessionRevocationReason | undefined {
  if (state === 'expired') return 'expired';
  if (state === 'idle') return 'idle_timeout';
  return undefined;
}
