import { ApiPropertyOptional } from '@nestjs/swagger';
import { decodeBasicCredentials, PasswordCredentials } from '@sigma/auth/domain';
import { DomainError, ErrorKind, FieldProblem } from '@sigma/shared/util-errors';
import { IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';

/** Both seeds' login bodies: seed 000's form (`credentials`) and seed 004's JSON (`username`, `password`). */
export class LoginRequest {
  @ApiPropertyOptional({ description: "Seed 000 (form): base64 of 'username:password'", example: 'dXNlcjpwYXNzd29yZA==' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  credentials?: string;

  @ApiPropertyOptional({ description: 'Seed 004 (JSON): email or username, case-insensitive', example: 'admin@sigma-iam.local' })
  @IsOptional()
  @IsString()
  @Length(1, 320)
  username?: string;

  @ApiPropertyOptional({ description: 'Seed 004 (JSON)' })
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  password?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The tenant to sign in to; the default tenant when absent' })
  @IsOptional()
  @IsUUID()
  tenant_id?: string;

  @ApiPropertyOptional({ description: 'Absent or `sigma-iam` (the built-in first-party client); any other value is 400 until the OAuth client registry serves this endpoint' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  client_id?: string;

  @ApiPropertyOptional({ description: 'Seed 004: the pending OAuth authorization this login completes (the login page\'s login_challenge)' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  login_challenge?: string;
}

function invalid(details: FieldProblem[]): DomainError {
  return new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details });
}

/** The username and password a login body carries, in either seed's shape. */
export function credentialsOf(body: LoginRequest | undefined): PasswordCredentials {
  const request = body ?? new LoginRequest();
  if (request.credentials !== undefined) {
    if (request.username !== undefined || request.password !== undefined) {
      throw invalid([{ field: 'credentials', message: 'send either credentials or username and password, not both' }]);
    }
    return decodeBasicCredentials(request.credentials);
  }
  const missing: FieldProblem[] = [];
  if (request.username === undefined) missing.push({ field: 'username', message: 'username is required (or credentials)' });
  if (request.password === undefined) missing.push({ field: 'password', message: 'password is required (or credentials)' });
  if (missing.length > 0 || request.username === undefined || request.password === undefined) throw invalid(missing);
  return { username: request.username, password: request.password };
}
