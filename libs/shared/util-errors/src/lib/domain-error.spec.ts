import { DomainError, ErrorKind, isDomainError } from './domain-error';

describe('DomainError', () => {
  it('carries kind, details and retry hints without an HTTP status', () => {
    const error = new DomainError(ErrorKind.VALIDATION, 'bad email', {
      details: [{ field: 'email', message: 'must be an email' }],
      retryAfterSeconds: 3,
    });
    expect(error.kind).toBe(ErrorKind.VALIDATION);
    expect(error.details).toEqual([{ field: 'email', message: 'must be an email' }]);
    expect(error.retryAfterSeconds).toBe(3);
    expect(isDomainError(error)).toBe(true);
    expect(isDomainError(new Error('x'))).toBe(false);
    expect('status' in error).toBe(false);
  });
});
