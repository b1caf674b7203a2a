import { DomainError, ErrorKind } from '@sigma/shared/util-errors';

/** The session domain's refusals; each route family's filter turns them into its own body. */
export const SessionErrors = {
  notFound: () => new DomainError(ErrorKind.NOT_FOUND, 'session not found'),
  otherTenant: () => new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'the caller may act only on its own tenant'),
  notYours: () => new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'only the owner of a session or a holder of sessions:write may revoke it'),
  invalid: (field: string, message: string) => new DomainError(ErrorKind.VALIDATION, `${field} ${message}`, { details: [{ field, message }] }),
};
