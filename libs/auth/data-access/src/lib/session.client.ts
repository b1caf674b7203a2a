import {
  CreateSessionRequest,
  InternalRevocationReason,
  RevokeSessionRequest,
  SESSION_INTERNAL_ROUTES,
  SessionStatusResponse,
  SignInRevocationQuery,
  SignInRevocationResponse,
  TouchSessionRequest,
} from '@sigma/shared/contracts-internal';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import type { CallContext } from './directory.client';
import { callInternalJson, isJsonObject } from './internal-http';

export interface SessionClientOptions {
  /** session-service's internal base URL (SESSION_SERVICE_URL). */
  baseUrl: string;
  /** Per call (SESSION_SERVICE_TIMEOUT_MS); a slower answer is treated as the service being down. */
  timeoutMs: number;
  fetch?: typeof fetch;
}

export function sessionServiceUnavailable(cause?: unknown): DomainError {
  return new DomainError(ErrorKind.UNAVAILABLE, 'the session service is not available', { retryAfterSeconds: 5, cause });
}

/**
 * auth-server's client of session-service's internal API (contracts-internal SESSION_INTERNAL_ROUTES).
 * A 404 (unknown session, or one of another tenant) is NOT_FOUND; an unreachable, slow or failing
 * service, and any other refusal (a request this client should never send), is UNAVAILABLE (503):
 * no session, no token.
 */
export class SessionClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: SessionClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
  }

  create(request: CreateSessionRequest, context: CallContext = {}): Promise<SessionStatusResponse> {
    return this.call('POST', SESSION_INTERNAL_ROUTES.create, context, request);
  }

  /** Records activity; `active: false` (nothing touched) for a session that ended. */
  touch(tenantId: string, sessionId: string, context: CallContext = {}): Promise<SessionStatusResponse> {
    const body: TouchSessionRequest = { tenant_id: tenantId };
    return this.call('POST', SESSION_INTERNAL_ROUTES.touch(sessionId), context, body);
  }

  revoke(tenantId: string, sessionId: string, reason: InternalRevocationReason, context: CallContext = {}): Promise<SessionStatusResponse> {
    const body: RevokeSessionRequest = { tenant_id: tenantId, reason };
    return this.call('POST', SESSION_INTERNAL_ROUTES.revoke(sessionId), context, body);
  }

  status(tenantId: string, sessionId: string, context: CallContext = {}): Promise<SessionStatusResponse> {
    return this.call('GET', `${SESSION_INTERNAL_ROUTES.status(sessionId)}?tenant_id=${encodeURIComponent(tenantId)}`, context);
  }

  /** Whether a browser sign-in was signed out at session-service (ADR 15). */
  signInRevocation(query: SignInRevocationQuery, context: CallContext = {}): Promise<SignInRevocationResponse> {
    return this.call('POST', SESSION_INTERNAL_ROUTES.signInRevocation, context, query);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, context: CallContext, body?: object): Promise<T> {
    const answer = await callInternalJson(
      this.fetchImpl,
      `${this.baseUrl}${path}`,
      { method, requestId: context.requestId, body, timeoutMs: this.options.timeoutMs },
      sessionServiceUnavailable,
    );
    if (answer.status === 404) throw new DomainError(ErrorKind.NOT_FOUND, 'session not found');
    if (!answer.ok || !isJsonObject(answer.payload)) throw sessionServiceUnavailable();
    return answer.payload as T;
  }
}
