/** What a revocation names: one session, or every token of a subject issued until then. */
export type Revocation = { kind: 'session'; sessionId: string; revokedAt: number } | { kind: 'subject'; userId: string; revokedAt: number };

/** The facts of a token the deny-list decides on. */
export interface TokenFacts {
  sessionId?: string;
  userId?: string;
  /** Seconds since the epoch. */
  issuedAt: number;
}

/**
 * Revoked sessions and subjects, in memory, each kept until the longest access-token lifetime
 * after its revocation (later no token it could refuse is still valid). A revoked session refuses
 * every token carrying its `sid`; a revoked subject (user deleted, subject revoked) every token of
 * the user issued at or before the revocation. Adding is idempotent, so replays, redeliveries and
 * the start-up feed overlapping Kafka change nothing.
 */
export class DenyList {
  private readonly sessions = new Map<string, number>();
  private readonly subjects = new Map<string, number>();

  constructor(private readonly retentionSeconds: number) {}

  /** Returns false when the revocation is too old to matter (nothing is kept). */
  add(revocation: Revocation, now = Date.now()): boolean {
    if (revocation.revokedAt + this.retentionSeconds * 1000 <= now) return false;
    const map = revocation.kind === 'session' ? this.sessions : this.subjects;
    const id = revocation.kind === 'session' ? revocation.sessionId : revocation.userId;
    const known = map.get(id);
    map.set(id, known === undefined ? revocation.revokedAt : Math.max(known, revocation.revokedAt));
    return true;
  }

  /** Why a token is refused, or undefined when it is not on the list. */
  reasonToRefuse(token: TokenFacts): 'session_revoked' | 'subject_revoked' | undefined {
    if (token.sessionId !== undefined && this.sessions.has(token.sessionId)) return 'session_revoked';
    if (token.userId !== undefined) {
      const revokedAt = this.subjects.get(token.userId);
      if (revokedAt !== undefined && token.issuedAt * 1000 <= revokedAt) return 'subject_revoked';
    }
    return undefined;
  }

  /** Forgets revocations older than the retention. */
  sweep(now = Date.now()): void {
    const horizon = now - this.retentionSeconds * 1000;
    for (const map of [this.sessions, this.subjects]) {
      for (const [id, revokedAt] of map) if (revokedAt <= horizon) map.delete(id);
    }
  }

  get size(): { sessions: number; subjects: number } {
    return { sessions: this.sessions.size, subjects: this.subjects.size };
  }
}
