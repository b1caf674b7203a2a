import { DomainError } from '@sigma/shared/util-errors';
import { parseFormBody } from './token-fast-path';

describe('parseFormBody (the token fast path reads forms as the urlencoded body parser does)', () => {
  it('decodes names and values, + as space, and keeps malformed escapes as written', () => {
    expect(parseFormBody('grant_type=client_credentials&scope=api%3Aread+api%3Awrite&x=%zz&a=b=c')).toEqual({
      grant_type: 'client_credentials',
      scope: 'api:read api:write',
      x: '%zz',
      a: 'b=c',
    });
  });

  it('answers repeated names as arrays, which the form reader then refuses', () => {
    expect(parseFormBody('scope=a&scope=b&scope=c')).toEqual({ scope: ['a', 'b', 'c'] });
  });

  it('keeps bracketed names literal and drops empty and __proto__ names', () => {
    const parsed = parseFormBody('client_id[x]=1&=2&__proto__=3&constructor=4');
    expect(parsed).toEqual({ 'client_id[x]': '1', constructor: '4' });
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it('refuses more than 1,000 parameters as invalid_request', () => {
    const body = Array.from({ length: 1001 }, (_, i) => `p${i}=1`).join('&');
    expect(() => parseFormBody(body)).toThrow(DomainError);
    expect(() => parseFormBody(body)).toThrow(expect.objectContaining({ oauthError: 'invalid_request', message: 'the request has too many parameters' }));
    expect(Object.keys(parseFormBody(body.slice(0, body.lastIndexOf('&'))))).toHaveLength(1000);
  });
});
