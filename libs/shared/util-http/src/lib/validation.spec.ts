import { IsEmail, IsInt, Max, Min } from 'class-validator';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { createValidationPipe } from './validation';

class CreateUserRequest {
  @IsEmail()
  email!: string;

  @IsInt()
  @Min(1)
  @Max(100)
  size!: number;
}

const metadata = { type: 'body' as const, metatype: CreateUserRequest };

async function refusal(value: unknown): Promise<DomainError> {
  try {
    await createValidationPipe().transform(value, metadata);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the body to be refused');
}

describe('the global validation pipe', () => {
  it('accepts and types a valid body', async () => {
    const accepted = await createValidationPipe().transform({ email: 'a@example.com', size: 5 }, metadata);
    expect(accepted).toBeInstanceOf(CreateUserRequest);
    expect(accepted).toEqual({ email: 'a@example.com', size: 5 });
  });

  it('refuses unknown fields and bad values field by field, without echoing values', async () => {
    const error = await refusal({ email: 'not-an-email', size: 101, password: 'hunter2-secret' });
    expect(error.kind).toBe(ErrorKind.VALIDATION);
    expect(error.details).toEqual(
      expect.arrayContaining([
        { field: 'email', message: 'email must be an email' },
        { field: 'size', message: 'size must not be greater than 100' },
        { field: 'password', message: 'property password should not exist' },
      ]),
    );
    expect(JSON.stringify(error.details)).not.toContain('hunter2-secret');
  });
});
