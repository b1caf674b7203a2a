import { Secret } from '@sigma/shared/util-config';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** The privacy worker: export deadlines and retention, erasure codes and the mail that carries them. */
export class PrivacySettings {
  /** An export whose services have not all answered by then fails, naming the silent ones. */
  @IsInt()
  @Min(5)
  @Max(86400)
  EXPORT_TIMEOUT_SECONDS: number = 300;

  /** How long a finished export can be downloaded before it is deleted. */
  @IsInt()
  @Min(1)
  @Max(720)
  EXPORT_RETENTION_HOURS: number = 24;

  /** Lifetime of a mailed erasure verification code. */
  @IsInt()
  @Min(60)
  @Max(3600)
  ERASURE_CODE_TTL_SECONDS: number = 600;

  /** SMTP server for outgoing mail (`smtp://` or `smtps://user:password@host:port`); unset writes `.eml` files instead. */
  @Secret()
  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, { message: 'must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** Where `.eml` files go without SMTP_URL; default `<IAM_DATA_DIR>/mail`. */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  IAM_MAIL_DIR?: string;

  /** The data folder of the local run modes (the default mail folder lives under it). */
  @IsString()
  @MaxLength(1024)
  IAM_DATA_DIR: string = '.data';

  /** Sender of the suite's mail. */
  @IsString()
  @MaxLength(320)
  MAIL_FROM: string = 'Sigma IAM <no-reply@sigma-iam.local>';
}
