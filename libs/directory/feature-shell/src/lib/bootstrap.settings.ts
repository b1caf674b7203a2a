import { IsEmail, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Secret } from '@sigma/shared/util-config';

/** The super-administrator created on the first start, and the password hashing cost. */
export class BootstrapSettings {
  @IsEmail()
  IAM_BOOTSTRAP_ADMIN_EMAIL: string = 'admin@sigma-iam.local';

  /** When unset, a random password is generated and printed once, on the first start. */
  @Secret()
  @IsOptional()
  @IsString()
  @MinLength(12)
  @MaxLength(72)
  IAM_BOOTSTRAP_ADMIN_PASSWORD?: string;

  @IsInt()
  @Min(10)
  @Max(15)
  BCRYPT_COST: number = 12;
}
