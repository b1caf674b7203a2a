import { IsInt, Max, Min } from 'class-validator';

/**
 * session-service's defaults: the policy of tenants that set none (a tenant's policy and an
 * application's registration override them field by field), and how far back the revocation feed
 * reaches.
 */
export class SessionSettings {
  /** A session unused this long ends (seed 002 `sessionTimeout`). */
  @IsInt()
  @Min(60)
  @Max(31_536_000)
  SESSION_IDLE_TIMEOUT_SECONDS: number = 86_400;

  /** A session ends this long after its login, however active. */
  @IsInt()
  @Min(300)
  @Max(31_536_000)
  SESSION_ABSOLUTE_LIFETIME_SECONDS: number = 604_800;

  /** Lifetime of a remember-me login (instead of the absolute lifetime; no shorter idle timeout). */
  @IsInt()
  @Min(300)
  @Max(31_536_000)
  SESSION_REMEMBER_ME_LIFETIME_SECONDS: number = 2_592_000;

  /**
   * Active sessions one user may hold in a tenant; the oldest is revoked beyond it. A safety bound by
   * default (service accounts and load tests log in often); tenants and applications set real limits.
   */
  @IsInt()
  @Min(1)
  @Max(10_000)
  SESSION_MAX_PER_USER: number = 1000;

  /** How far back the revocation feed reaches: the longest access-token lifetime (24 h) plus clock tolerance. */
  @IsInt()
  @Min(60)
  @Max(2_592_000)
  REVOCATION_FEED_WINDOW_SECONDS: number = 86_700;
}
