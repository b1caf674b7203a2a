import type { VerifiedToken } from '@sigma/iam-js';

/**
 * A check after local verification for tokens that are valid but no longer wanted: a session that
 * was ended or a user whose sessions were all revoked. Local verification alone cannot see these
 * (the token stays valid until it expires); ADR 28 explains the two checks the SDK offers.
 */
export interface RevocationCheck {
  isRevoked(token: string, claims: VerifiedToken): boolean | Promise<boolean>;
}

export interface DenyListOptions {
  /** How long an entry is kept: at least the longest access-token lifetime. Default 24 hours. */
  retentionMs?: number;
  /** Entries kept at most; the oldest go first. Default 100 000. */
  maxEntries?: number;
}

/**
 * Revocations the application learns of by itself: from the suite's `session.revoked` events (an
 * app inside the platform consumes the Kafka topic), a webhook, or its own logout. A token is
 * refused when its session (`sid`) was revoked, or when its user's sessions were all revoked after
 * the token was issued (`iat`).
 */
export class DenyList implements RevocationCheck {
  /** Per key: when it was revoked, and until when the entry is kept (insertion order = keep-until order). */
  private readonly sessions = new Map<string, { at: number; until: number }>();
  private readonly subjects = new Map<string, { at: number; until: number }>();
  private readonly retentionMs: number;
  private readonly maxEntries: number;

  constructor(options: DenyListOptions = {}) {
    this.retentionMs = options.retentionMs ?? 24 * 60 * 60 * 1000;
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  /** Every token of this session is refused from now on. */
  revokeSession(sessionId: string): void {
    this.remember(this.sessions, sessionId.toLowerCase(), Date.now());
  }

  /** Every token of this user issued before `revokedAt` (default now) is refused. */
  revokeSubject(userId: string, revokedAt: Date = new Date()): void {
    this.remember(this.subjects, userId.toLowerCase(), revokedAt.getTime());
  }

  isRevoked(_token: string, claims: VerifiedToken): boolean {
    this.forgetExpired();
    if (claims.sid !== undefined && this.sessions.has(claims.sid.toLowerCase())) return true;
    const subject = this.subjects.get(claims.sub.toLowerCase());
    return subject !== undefined && claims.iat * 1000 < subject.at;
  }

  private remember(entries: Map<string, { at: number; until: number }>, key: string, at: number): void {
    entries.delete(key);
    if (entries.size >= this.maxEntries) entries.delete(entries.keys().next().value ?? '');
    entries.set(key, { at, until: Date.now() + this.retentionMs });
  }

  /** Entries are kept in insertion order, so the expired ones are at the front. */
  private forgetExpired(): void {
    const now = Date.now();
    for (const entries of [this.sessions, this.subjects]) {
      for (const [key, { until }] of entries) {
        if (until > now) break;
        entries.delete(key);
      }
    }
  }
}
