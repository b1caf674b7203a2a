import { ApiKeyTenantResponse, DIRECTORY_INTERNAL_ROUTES, TenantResponse } from '@sigma/shared/contracts-internal';
import { createHash } from 'node:crypto';
import type { RateLimitOverride } from './rate-limiter';

export interface EdgeConfigOptions {
  directoryUrl: string;
  ttlSeconds: number;
  fetch?: typeof fetch;
}

interface Cached<T> {
  value: T;
  until: number;
}

const LOOKUP_TIMEOUT_MS = 1000;
/** A failed lookup is retried after this long; until then the defaults apply. */
const FAILURE_TTL_MS = 5000;
const MAX_ENTRIES = 10_000;

/**
 * Per-tenant settings the gateway applies (rate-limit overrides from the directory's internal tenant
 * route) and the tenant of an API key, each cached for EDGE_CONFIG_CACHE_SECONDS. A lookup that
 * fails leaves the defaults in force: the directory being away never stops traffic at the edge.
 */
export class EdgeConfigClient {
  private readonly overrides = new Map<string, Cached<RateLimitOverride | undefined>>();
  private readonly keyTenants = new Map<string, Cached<string | undefined>>();
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: EdgeConfigOptions) {
    this.fetchImpl = options.fetch ?? fetch;
  }

  async rateLimitOf(tenantId: string): Promise<RateLimitOverride | undefined> {
    return this.cached(this.overrides, tenantId, async () => {
      const tenant = await this.getJson<TenantResponse>(DIRECTORY_INTERNAL_ROUTES.tenant(tenantId));
      return tenant && { requestsPerMinute: tenant.rate_limit.requests_per_minute, burst: tenant.rate_limit.burst };
    });
  }

  /** The tenant a seed 003 API key belongs to (cached by the key's hash, never the key). */
  async tenantOfApiKey(apiKey: string): Promise<string | undefined> {
    const hash = createHash('sha256').update(apiKey).digest('base64url');
    return this.cached(this.keyTenants, hash, async () => {
      const answer = await this.fetchImpl(`${this.options.directoryUrl}${DIRECTORY_INTERNAL_ROUTES.verifyApiKey}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ api_key: apiKey }),
        signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
      });
      if (!answer.ok) {
        await answer.body?.cancel();
        return undefined;
      }
      return ((await answer.json()) as ApiKeyTenantResponse).tenant.id;
    });
  }

  private async getJson<T>(path: string): Promise<T | undefined> {
    const answer = await this.fetchImpl(`${this.options.directoryUrl}${path}`, { signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS) });
    if (!answer.ok) {
      await answer.body?.cancel();
      if (answer.status === 404) return undefined;
      throw new Error(`directory answered ${answer.status}`);
    }
    return (await answer.json()) as T;
  }

  private async cached<T>(map: Map<string, Cached<T | undefined>>, key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const now = Date.now();
    const hit = map.get(key);
    if (hit && hit.until > now) return hit.value;
    let entry: Cached<T | undefined>;
    try {
      entry = { value: await load(), until: now + this.options.ttlSeconds * 1000 };
    } catch {
      entry = { value: hit?.value, until: now + FAILURE_TTL_MS };
    }
    map.delete(key);
    if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value as string);
    map.set(key, entry);
    return entry.value;
  }
}
