import { ApiKeyTenantResponse, DIRECTORY_INTERNAL_ROUTES } from '@sigma/shared/contracts-internal';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';

export interface DirectoryApiKeyClientOptions {
  /** user-directory's internal base URL (USER_DIRECTORY_URL). */
  baseUrl: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The tenant a verified API key belongs to. */
export interface ApiKeyTenant {
  keyId: string;
  tenantId: string;
  tenantName: string;
  tenantSlug: string;
  /** Addresses and CIDR ranges API-key calls may come from; empty: any. */
  ipAllowList: string[];
}

const MIN_KEY_LENGTH = 16;
const MAX_KEY_LENGTH = 256;

function unauthorized(): DomainError {
  return new DomainError(ErrorKind.AUTHENTICATION_REQUIRED, 'the X-API-Key header must carry a valid tenant API key', { oauthError: 'invalid_api_key' });
}

function unavailable(cause?: unknown): DomainError {
  return new DomainError(ErrorKind.UNAVAILABLE, 'tenant API keys cannot be verified right now', { retryAfterSeconds: 5, cause });
}

/**
 * Verifies seed 003's tenant API keys with user-directory's internal API (`POST
 * /internal/v1/api-keys/verify`). A missing, malformed, unknown or revoked key is 401; the
 * directory being unreachable, slow (timeout) or failing is 503, never 401, so callers retry.
 */
export class DirectoryApiKeyClient {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: DirectoryApiKeyClientOptions) {
    this.fetchImpl = options.fetch ?? fetch;
  }

  async verify(apiKey: string | undefined): Promise<ApiKeyTenant> {
    if (apiKey === undefined || apiKey.length < MIN_KEY_LENGTH || apiKey.length > MAX_KEY_LENGTH) throw unauthorized();
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.options.baseUrl.replace(/\/+$/, '')}${DIRECTORY_INTERNAL_ROUTES.verifyApiKey}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ api_key: apiKey }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 3000),
      });
    } catch (error) {
      throw unavailable(error);
    }
    if (response.status === 404 || response.status === 401 || response.status === 403 || response.status === 400) {
      await response.body?.cancel();
      throw unauthorized();
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw unavailable();
    }
    let body: ApiKeyTenantResponse;
    try {
      body = (await response.json()) as ApiKeyTenantResponse;
    } catch (error) {
      throw unavailable(error);
    }
    if (typeof body?.tenant?.id !== 'string') throw unavailable();
    return { keyId: body.key_id, tenantId: body.tenant.id, tenantName: body.tenant.name, tenantSlug: body.tenant.slug, ipAllowList: body.ip_allow_list ?? [] };
  }
}
