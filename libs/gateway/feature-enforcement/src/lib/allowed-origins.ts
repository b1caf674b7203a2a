import { AllowedOriginsResponse, AUTH_INTERNAL_ROUTES } from '@sigma/shared/contracts-internal';

/**
 * The origins CORS admits: the configured ones plus every application's, fetched from auth-server
 * and cached; refreshed in the background when stale, so no request waits on it after the first.
 * While auth-server cannot answer, the last known list (or only the configured origins) applies.
 */
export class AllowedOrigins {
  private known = new Set<string>();
  private fetchedAt = 0;
  private refreshing?: Promise<void>;

  constructor(
    private readonly authServerUrl: string,
    private readonly configured: string[],
    private readonly ttlSeconds: number,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async allows(origin: string): Promise<boolean> {
    if (this.configured.includes(origin)) return true;
    const stale = Date.now() - this.fetchedAt > this.ttlSeconds * 1000;
    if (stale) {
      const refresh = this.refresh();
      // Only the very first lookup waits; later ones use the list they have.
      if (this.fetchedAt === 0) await refresh;
    }
    return this.known.has(origin);
  }

  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const answer = await this.fetchImpl(`${this.authServerUrl}${AUTH_INTERNAL_ROUTES.allowedOrigins}`, { signal: AbortSignal.timeout(2000) });
        if (answer.ok) {
          const body = (await answer.json()) as AllowedOriginsResponse;
          this.known = new Set(Array.isArray(body.origins) ? body.origins.filter((o) => typeof o === 'string') : []);
        } else {
          await answer.body?.cancel();
        }
      } catch {
        // auth-server away: keep what we had.
      } finally {
        this.fetchedAt = Date.now();
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }
}
