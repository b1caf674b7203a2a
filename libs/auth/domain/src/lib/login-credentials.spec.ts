import { DomainError } from '@sigma/shared/util-errors';
import { decodeBasicCredentials } from './login-credentials';

const encode = (value: string) => Buffer.from(value, 'utf8').toString('base64');

describe('decodeBasicCredentials', () => {
  it('splits at the first colon; passwords may contain colons', () => {
    expect(decodeBasicCredentials(encode('user:password'))).toEqual({ username: 'user', password: 'password' });
    expect(decodeBasicCredentials(encode('admin@sigma-iam.local:p:a:ss'))).toEqual({ username: 'admin@sigma-iam.local', password: 'p:a:ss' });
    expect(decodeBasicCredentials('dXNlcjpwYXNzd29yZA==')).toEqual({ username: 'user', password: 'password' });
  });

  it.each([['not base64 S3cret!'], [encode('no-colon-S3cret')], [encode(':S3cret')], [encode('S3cret:')], ['']])('refuses %p as a validation error on credentials without echoing it', (value) => {
    let error: unknown;
    try {
      decodeBasicCredentials(value);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).details).toEqual([{ field: 'credentials', message: expect.any(String) }]);
    expect(JSON.stringify((error as DomainError).details)).not.toContain('S3cret');
  });
});
