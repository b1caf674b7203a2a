import {
  AddWebauthnCredentialRequest,
  DIRECTORY_INTERNAL_ROUTES,
  FederatedLoginRequest,
  FederatedLoginResponse,
  IdentifierUserRequest,
  IdentifierUserResponse,
  IdentityResponse,
  RecordWebauthnUseRequest,
  RegisterUserRequest,
  TenantResponse,
  VerifyPasswordRequest,
  VerifySecondFactorRequest,
  WebauthnCredentialListResponse,
  WebauthnCredentialResponse,
} from '@sigma/shared/contracts-internal';
import { directoryErrorOf, directoryUnavailable } from './directory-error';
import { callInternalJson, isJsonObject } from './internal-http';

export interface DirectoryClientOptions {
  /** user-directory's internal base URL (USER_DIRECTORY_URL). */
  baseUrl: string;
  /** Per call (DIRECTORY_TIMEOUT_MS); a slower answer is treated as the directory being down. */
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** Correlates a call with the request that caused it (sent as X-Request-ID), and where that request came from. */
export interface CallContext {
  requestId?: string;
  /** The client's IP address and User-Agent: recorded on the session a login creates, never sent to the directory. */
  clientIp?: string;
  userAgent?: string;
}

/**
 * auth-server's client of user-directory's internal API (contracts-internal). The directory's
 * refusals come back as DomainErrors of the same kind (401, 403, 404, 429 with retry_after, 400
 * with details); an unreachable, slow or failing directory is UNAVAILABLE (503). Request bodies
 * carry passwords and codes: they are never logged or put into errors.
 */
export class DirectoryClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: DirectoryClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
  }

  verifyPassword(request: VerifyPasswordRequest, context: CallContext = {}): Promise<IdentityResponse> {
    return this.call<IdentityResponse>('POST', DIRECTORY_INTERNAL_ROUTES.verifyPassword, context, request);
  }

  verifySecondFactor(request: VerifySecondFactorRequest, context: CallContext = {}): Promise<IdentityResponse> {
    return this.call<IdentityResponse>('POST', DIRECTORY_INTERNAL_ROUTES.verifySecondFactor, context, request);
  }

  /** A user's current claims (roles and permissions as of now); NOT_FOUND when the user is gone. */
  userClaims(userId: string, tenantId: string, context: CallContext = {}): Promise<IdentityResponse> {
    const path = `${DIRECTORY_INTERNAL_ROUTES.userClaims(userId)}?tenant_id=${encodeURIComponent(tenantId)}`;
    return this.call<IdentityResponse>('GET', path, context);
  }

  /** The user an upstream identity signs in as (linked, linked now by verified email, or created). */
  federatedLogin(request: FederatedLoginRequest, context: CallContext = {}): Promise<FederatedLoginResponse> {
    return this.call<FederatedLoginResponse>('POST', DIRECTORY_INTERNAL_ROUTES.federatedLogin, context, request);
  }

  /** A tenant by id or by slug (`default`); NOT_FOUND when there is none. */
  tenant(idOrSlug: string, context: CallContext = {}): Promise<TenantResponse> {
    return this.call<TenantResponse>('GET', DIRECTORY_INTERNAL_ROUTES.tenant(idOrSlug), context);
  }

  /** Stores a verified passkey; CONFLICT when its credential id is registered already. */
  addWebauthnCredential(request: AddWebauthnCredentialRequest, context: CallContext = {}): Promise<WebauthnCredentialResponse> {
    return this.call<WebauthnCredentialResponse>('POST', DIRECTORY_INTERNAL_ROUTES.webauthnCredentials, context, request);
  }

  /** The passkeys of the user an id or a username names in a tenant (none, `user_id: null`, for an unknown user). */
  webauthnCredentialsOf(tenantId: string, who: { userId: string } | { username: string }, context: CallContext = {}): Promise<WebauthnCredentialListResponse> {
    const query = new URLSearchParams({ tenant_id: tenantId, ...('userId' in who ? { user_id: who.userId } : { username: who.username }) });
    return this.call<WebauthnCredentialListResponse>('GET', `${DIRECTORY_INTERNAL_ROUTES.webauthnCredentials}?${query.toString()}`, context);
  }

  /** A passkey by credential id in a tenant; NOT_FOUND when there is none. */
  webauthnCredential(tenantId: string, credentialId: string, context: CallContext = {}): Promise<WebauthnCredentialResponse> {
    return this.call<WebauthnCredentialResponse>('GET', `${DIRECTORY_INTERNAL_ROUTES.webauthnCredential(credentialId)}?tenant_id=${encodeURIComponent(tenantId)}`, context);
  }

  /** Removes one of a user's passkeys; NOT_FOUND unless the user has it. */
  removeWebauthnCredential(tenantId: string, userId: string, credentialId: string, context: CallContext = {}): Promise<WebauthnCredentialResponse> {
    const query = new URLSearchParams({ tenant_id: tenantId, user_id: userId });
    return this.call<WebauthnCredentialResponse>('DELETE', `${DIRECTORY_INTERNAL_ROUTES.webauthnCredential(credentialId)}?${query.toString()}`, context);
  }

  /** Records a verified assertion (CONFLICT when the counter did not increase) and answers the user's claims. */
  recordWebauthnUse(credentialId: string, request: RecordWebauthnUseRequest, context: CallContext = {}): Promise<IdentityResponse> {
    return this.call<IdentityResponse>('POST', DIRECTORY_INTERNAL_ROUTES.webauthnCredentialUse(credentialId), context, request);
  }

  /** Self-registration: the new user's claims (400 password policy, 409 taken email, 403 privileged role). */
  registerUser(request: RegisterUserRequest, context: CallContext = {}): Promise<IdentityResponse> {
    return this.call<IdentityResponse>('POST', DIRECTORY_INTERNAL_ROUTES.registerUser, context, request);
  }

  /** The user a tenant's identifier names, created on first use. */
  identifierUser(request: IdentifierUserRequest, context: CallContext = {}): Promise<IdentifierUserResponse> {
    return this.call<IdentifierUserResponse>('POST', DIRECTORY_INTERNAL_ROUTES.identifierUser, context, request);
  }

  private async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, context: CallContext, body?: object): Promise<T> {
    // A transport failure's cause names no credential.
    const answer = await callInternalJson(
      this.fetchImpl,
      `${this.baseUrl}${path}`,
      { method, requestId: context.requestId, body, timeoutMs: this.options.timeoutMs },
      directoryUnavailable,
    );
    if (!answer.ok) throw directoryErrorOf(answer.status, answer.payload);
    if (!isJsonObject(answer.payload)) throw directoryUnavailable();
    return answer.payload as T;
  }
}

