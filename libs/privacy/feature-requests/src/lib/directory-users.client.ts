import { DIRECTORY_INTERNAL_ROUTES, IdentityResponse } from '@sigma/shared/contracts-internal';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';

export interface DirectorySubject {
  userId: string;
  tenantId: string;
  email: string;
  emailVerified: boolean;
}

/** Reads who a data subject is from user-directory's internal API (never its schema). */
export class DirectoryUsersClient {
  constructor(private readonly options: { baseUrl: string; timeoutMs: number; fetchImpl?: typeof fetch }) {}

  /** The user of that tenant, or NOT_FOUND (unknown user, or a user of another tenant). */
  async subject(userId: string, tenantId: string, requestId?: string): Promise<DirectorySubject> {
    const url = `${this.options.baseUrl}${DIRECTORY_INTERNAL_ROUTES.userClaims(userId)}?tenant_id=${encodeURIComponent(tenantId)}`;
    let response: Response;
    try {
      response = await (this.options.fetchImpl ?? fetch)(url, {
        headers: { accept: 'application/json', ...(requestId === undefined ? {} : { 'x-request-id': requestId }) },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new DomainError(ErrorKind.UNAVAILABLE, 'the user directory is not reachable; try again shortly', { retryAfterSeconds: 5, cause: error });
    }
    if (response.status === 404) throw new DomainError(ErrorKind.NOT_FOUND, 'no such user in this tenant');
    if (!response.ok) throw new DomainError(ErrorKind.UNAVAILABLE, `the user directory answered ${response.status}; try again shortly`, { retryAfterSeconds: 5 });
    const { user } = (await response.json()) as IdentityResponse;
    return { userId: user.user_id, tenantId: user.tenant_id, email: user.email, emailVerified: user.email_verified };
  }
}
