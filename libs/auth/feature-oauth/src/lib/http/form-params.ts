import { OAuthErrors } from '../oauth-errors';

/** The parameters of a form-encoded OAuth request, each present at most once (RFC 6749 §3.1, §3.2). */
export type FormParams = Readonly<Record<string, string>>;

/**
 * Reads a parsed form body: every value a string, none repeated, empty values treated as absent
 * (RFC 6749 §3.1). Anything else is invalid_request naming the parameter.
 */
export function formParamsOf(body: unknown): FormParams {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw OAuthErrors.invalidRequest('the request body must be application/x-www-form-urlencoded');
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (Array.isArray(value)) throw OAuthErrors.invalidRequest(`${name} is repeated`);
    if (typeof value !== 'string') throw OAuthErrors.invalidRequest(`${name} must be a string`);
    if (value !== '') params[name] = value;
  }
  return params;
}

/** A parameter the request must carry. */
export function requiredParam(params: FormParams, name: string): string {
  const value = params[name];
  if (value === undefined) throw OAuthErrors.invalidRequest(`${name} is missing`);
  return value;
}

/** Scope values (RFC 6749 §3.3): space-delimited, case-sensitive, printable ASCII without `"` and `\`. */
export function scopesOf(scope: string | undefined): string[] | undefined {
  if (scope === undefined) return undefined;
  const values = scope.split(' ').filter((value) => value !== '');
  for (const value of values) if (!/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(value)) throw OAuthErrors.invalidScope('the scope contains characters RFC 6749 does not allow');
  return [...new Set(values)];
}
