import { IAMError, iamErrorOf } from './iam-error';

describe('iamErrorOf', () => {
  it("reads seed 000's nested body, details and request id included", () => {
    const error = iamErrorOf(400, {
      error: { code: 'VALIDATION_ERROR', message: 'The request contains invalid data', details: [{ field: 'email', message: 'Invalid email format' }], request_id: 'req_1', timestamp: '2025-11-30T08:04:56Z' },
    });
    expect(error).toBeInstanceOf(IAMError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'IAMError', code: 'VALIDATION_ERROR', message: 'The request contains invalid data', status: 400, details: [{ field: 'email', message: 'Invalid email format' }], requestId: 'req_1' });
  });

  it('reads retry_after from the body or the Retry-After header', () => {
    expect(iamErrorOf(429, { error: { code: 'RATE_LIMIT_EXCEEDED', message: 'slow down', retry_after: 30 } })).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', retryAfter: 30 });
    expect(iamErrorOf(429, { error: { code: 'RATE_LIMIT_EXCEEDED', message: 'slow down' } }, new Headers({ 'retry-after': '7', 'x-request-id': 'r-9' }))).toMatchObject({ retryAfter: 7, requestId: 'r-9' });
  });

  it('reads the OAuth body of /oauth endpoints', () => {
    expect(iamErrorOf(400, { error: 'invalid_grant', error_description: 'the code was used' })).toMatchObject({ code: 'invalid_grant', message: 'the code was used', status: 400, details: undefined });
  });

  it("reads seed 002's envelope", () => {
    expect(iamErrorOf(403, { success: false, error: 'Not allowed', code: 'INSUFFICIENT_PERMISSIONS', requestId: 'r-2' })).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS', message: 'Not allowed', requestId: 'r-2' });
  });

  it('names a code from the status when the body is not one of the suite\'s', () => {
    expect(iamErrorOf(404, '<html>not found</html>')).toMatchObject({ code: 'RESOURCE_NOT_FOUND', status: 404 });
    expect(iamErrorOf(502, undefined)).toMatchObject({ code: 'SERVER_ERROR', status: 502 });
    expect(iamErrorOf(503, {})).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(iamErrorOf(418, { unrelated: true })).toMatchObject({ code: 'HTTP_ERROR', status: 418 });
  });
});
