import type { DPoPSigner } from './dpop';
import { IAMError, iamErrorOf } from './iam-error';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  baseUrl: string;
  /** Per attempt, in milliseconds. */
  timeoutMs: number;
  /** How many times an idempotent request is tried again after a network error, timeout, 429, 502, 503 or 504. */
  retries: number;
  /** The first backoff; each further retry doubles it (full jitter). */
  retryDelayMs: number;
  /** No wait is longer; a 429 whose Retry-After is longer is not retried. */
  maxRetryDelayMs: number;
  fetch: FetchLike;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'OPTIONS' | 'PUT' | 'DELETE' | 'POST' | 'PATCH';
  path: string;
  query?: Record<string, string | undefined>;
  json?: unknown;
  form?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  /** Sign a DPoP proof for this request (RFC 9449); with accessToken, it is sent as `Authorization: DPoP` and hashed into `ath`. */
  dpop?: { signer: DPoPSigner; accessToken?: string };
}

/** A transport with the SDK's defaults (10 s per attempt; 2 retries from 250 ms, at most 5 s apart), real timers and global fetch. */
export function defaultTransport(options: Pick<TransportOptions, 'baseUrl'> & Partial<Pick<TransportOptions, 'timeoutMs' | 'retries' | 'retryDelayMs' | 'maxRetryDelayMs' | 'fetch'>>): HttpTransport {
  return new HttpTransport({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    timeoutMs: options.timeoutMs ?? 10_000,
    retries: options.retries ?? 2,
    retryDelayMs: options.retryDelayMs ?? 250,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 5_000,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
  });
}

/** RFC 9110 §9.2.2: repeating these has the effect of sending them once, so a retry is safe. */
const IDEMPOTENT = new Set<HttpRequest['method']>(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

function defined(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/**
 * fetch with what every SDK call needs: the base URL, a timeout per attempt, the suite's error
 * bodies turned into IAMError, and retries with exponential backoff for idempotent methods only (a
 * POST that timed out may have been applied; sending it again could log in twice or create two
 * applications).
 */
export class HttpTransport {
  constructor(private readonly options: TransportOptions) {}

  urlOf(path: string, query: Record<string, string | undefined> = {}): string {
    const url = new URL(path.replace(/^\/+/, ''), this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`);
    for (const [name, value] of Object.entries(defined(query))) url.searchParams.set(name, value);
    return url.href;
  }

  async send<T>(request: HttpRequest): Promise<T> {
    const retries = IDEMPOTENT.has(request.method) ? this.options.retries : 0;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.withDPoPNonce<T>(request);
      } catch (error) {
        const wait = attempt < retries ? this.retryDelayOf(error, attempt) : undefined;
        if (wait === undefined) throw error;
        await this.options.sleep(wait);
      }
    }
  }

  /**
   * A proof refused for want of a (newer) nonce is sent once more with the nonce the refusal
   * carried, whatever the method: the server refused it before acting (RFC 9449 §8, §9).
   */
  private async withDPoPNonce<T>(request: HttpRequest): Promise<T> {
    const url = this.urlOf(request.path, request.query);
    const before = request.dpop?.signer.nonceFor(url);
    try {
      return await this.once<T>(request);
    } catch (error) {
      if (request.dpop === undefined || !(error instanceof IAMError) || error.code !== 'use_dpop_nonce' || request.dpop.signer.nonceFor(url) === before) throw error;
      return this.once<T>(request);
    }
  }

  private retryDelayOf(error: unknown, attempt: number): number | undefined {
    if (!(error instanceof IAMError)) return undefined;
    const transient = error.status === 0 ? error.code === 'NETWORK_ERROR' || error.code === 'TIMEOUT' : RETRYABLE_STATUS.has(error.status);
    if (!transient) return undefined;
    const backoff = Math.min(this.options.maxRetryDelayMs, this.options.retryDelayMs * 2 ** attempt * this.options.random());
    if (error.retryAfter === undefined) return backoff;
    const asked = error.retryAfter * 1000;
    return asked > this.options.maxRetryDelayMs ? undefined : Math.max(asked, backoff);
  }

  private async once<T>(request: HttpRequest): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    let body: string | undefined;
    if (request.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(defined(request.form)).toString();
    } else if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    }
    const url = this.urlOf(request.path, request.query);
    if (request.dpop !== undefined) {
      const { signer, accessToken } = request.dpop;
      headers['dpop'] = await signer.proof({ htm: request.method, htu: url, accessToken });
      if (accessToken !== undefined) headers['authorization'] = `DPoP ${accessToken}`;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.options.timeoutMs);
    let response: Response;
    try {
      response = await this.options.fetch(url, { method: request.method, headers, body, signal: abort.signal, redirect: 'manual' });
      request.dpop?.signer.rememberNonce(url, response.headers.get('dpop-nonce'));
      const parsed = await this.bodyOf(response);
      if (!response.ok) throw this.errorOf(response, parsed);
      return parsed as T;
    } catch (error) {
      if (error instanceof IAMError) throw error;
      if (abort.signal.aborted) throw new IAMError('TIMEOUT', `No answer within ${this.options.timeoutMs} ms`, 0);
      throw new IAMError('NETWORK_ERROR', 'Network request failed', 0);
    } finally {
      clearTimeout(timer);
    }
  }

  private errorOf(response: Response, body: unknown): IAMError {
    const error = iamErrorOf(response.status, body, response.headers);
    // A resource server asks for a nonce in WWW-Authenticate (RFC 9449 §9), not in the body.
    if (error.code === 'use_dpop_nonce' || !/\berror="use_dpop_nonce"/.test(response.headers.get('www-authenticate') ?? '')) return error;
    const nonceError = new IAMError('use_dpop_nonce', 'The server asks for a DPoP nonce', response.status, error.details);
    nonceError.requestId = error.requestId;
    return nonceError;
  }

  private async bodyOf(response: Response): Promise<unknown> {
    const raw = await response.text();
    if (raw.length === 0) return undefined;
    if (!(response.headers.get('content-type') ?? '').includes('json')) return raw;
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      if (!response.ok) return raw;
      throw new IAMError('INVALID_RESPONSE', 'The server answered malformed JSON', response.status);
    }
  }
}
