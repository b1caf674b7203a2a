import { IsInt, Max, Min } from 'class-validator';

/** Settings of the login APIs (seed 001 contextual tokens). */
export class LoginApisSettings {
  /** The longest lifetime, in seconds, a QR contextual token may be asked for (expires_in); longer requests are 400. */
  @IsInt()
  @Min(30)
  @Max(86400)
  CONTEXTUAL_TOKEN_MAX_SECONDS: number = 3600;
}
