import type { LoginProtection } from '@sigma/directory/domain';
import { IsInt, Max, Min } from 'class-validator';

/**
 * Brute-force protection of sign-ins (ADR 0020). Per account: the Nth consecutive failure locks the
 * account for the base seconds, each further failure doubles the lock up to the maximum; a
 * success resets the count. Per client IP alike, counting failures across accounts.
 */
export class LoginProtectionSettings {
  @IsInt() @Min(1) @Max(1000) LOGIN_LOCKOUT_THRESHOLD: number = 5;
  @IsInt() @Min(1) @Max(86400) LOGIN_LOCKOUT_BASE_SECONDS: number = 30;
  @IsInt() @Min(1) @Max(86400) LOGIN_LOCKOUT_MAX_SECONDS: number = 900;
  @IsInt() @Min(1) @Max(100000) CLIENT_IP_LOCKOUT_THRESHOLD: number = 20;
  @IsInt() @Min(1) @Max(86400) CLIENT_IP_LOCKOUT_BASE_SECONDS: number = 30;
  @IsInt() @Min(1) @Max(86400) CLIENT_IP_LOCKOUT_MAX_SECONDS: number = 900;
}

export function loginProtectionOf(settings: LoginProtectionSettings): LoginProtection {
  return {
    account: { threshold: settings.LOGIN_LOCKOUT_THRESHOLD, baseSeconds: settings.LOGIN_LOCKOUT_BASE_SECONDS, maxSeconds: Math.max(settings.LOGIN_LOCKOUT_BASE_SECONDS, settings.LOGIN_LOCKOUT_MAX_SECONDS) },
    clientIp: {
      threshold: settings.CLIENT_IP_LOCKOUT_THRESHOLD,
      baseSeconds: settings.CLIENT_IP_LOCKOUT_BASE_SECONDS,
      maxSeconds: Math.max(settings.CLIENT_IP_LOCKOUT_BASE_SECONDS, settings.CLIENT_IP_LOCKOUT_MAX_SECONDS),
    },
  };
}
