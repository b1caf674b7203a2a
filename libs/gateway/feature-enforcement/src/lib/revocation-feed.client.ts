import { RevocationEntry, RevocationFeedResponse, SESSION_INTERNAL_ROUTES } from '@sigma/shared/contracts-internal';
import type { Revocation } from './deny-list';

/** Thrown while session-service does not serve the feed (not deployed yet, or an older version). */
export class FeedUnavailable extends Error {}

function revocationOf(entry: RevocationEntry): Revocation | undefined {
  const revokedAt = Date.parse(entry.revoked_at);
  if (Number.isNaN(revokedAt)) return undefined;
  if (entry.kind === 'session' && entry.session_id) return { kind: 'session', sessionId: entry.session_id, revokedAt };
  if (entry.kind === 'subject') return { kind: 'subject', userId: entry.user_id, revokedAt };
  return undefined;
}

/** Reads every page of the feed (the revocations still within the longest token lifetime). */
export async function readRevocationFeed(sessionServiceUrl: string, fetchImpl: typeof fetch = fetch): Promise<Revocation[]> {
  const revocations: Revocation[] = [];
  let cursor: string | null = null;
  do {
    const url = new URL(SESSION_INTERNAL_ROUTES.revocations, sessionServiceUrl);
    url.searchParams.set('limit', '5000');
    if (cursor) url.searchParams.set('cursor', cursor);
    let answer: Response;
    try {
      answer = await fetchImpl(url, { signal: AbortSignal.timeout(10_000), headers: { accept: 'application/json' } });
    } catch (error) {
      throw new FeedUnavailable(`session-service is not reachable: ${(error as Error).message}`);
    }
    if (!answer.ok) {
      await answer.body?.cancel();
      throw new FeedUnavailable(`session-service answered ${answer.status}`);
    }
    const page = (await answer.json()) as RevocationFeedResponse;
    for (const entry of page.revocations ?? []) {
      const revocation = revocationOf(entry);
      if (revocation) revocations.push(revocation);
    }
    cursor = page.next_cursor ?? null;
  } while (cursor);
  return revocations;
}
