import { DomainError } from '@sigma/shared/util-errors';
import { requireFormBody } from './oauth-request';

const refusal = (headers: Record<string, string | undefined>): unknown => {
  try {
    requireFormBody({ headers });
    return undefined;
  } catch (error) {
    return error;
  }
};

describe('requireFormBody', () => {
  it.each<Record<string, string>>([
    { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '29' },
    { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', 'content-length': '29' },
    { 'content-type': ' Application/X-WWW-Form-Urlencoded ; charset="utf-8"', 'content-length': '0' },
    { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' },
  ])('takes a form body: %j', (headers) => {
    expect(refusal(headers)).toBeUndefined();
  });

  it.each<Record<string, string>>([
    {},
    { 'content-type': 'application/x-www-form-urlencoded' },
    { 'content-type': 'application/json', 'content-length': '2' },
    { 'content-type': 'application/x-www-form-urlencodedx', 'content-length': '2' },
    { 'content-type': 'multipart/form-data; boundary=x', 'content-length': '2' },
    { 'content-length': '2' },
  ])('refuses anything else with invalid_request: %j', (headers) => {
    const error = refusal(headers);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).oauthError).toBe('invalid_request');
  });
});
