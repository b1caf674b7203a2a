import type { IdentityClaims } from '@sigma/shared/contracts-internal';
import type { TokenResponse } from '@sigma/auth/feature-tokens';
import type { DeviceInfo } from './admin-auth.request.dto';

/** Seed 002's user object (camelCase); login and verify show permissions, login lastLogin too. */
export interface AdminAuthUser {
  id: string;
  email: string;
  username: string;
  firstName: string | null;
  lastName: string | null;
  /** The first of the user's roles (seed 002 has one role per user). */
  role: string | null;
  roles: string[];
  isActive: boolean;
  isVerified: boolean;
  permissions: string[];
  lastLogin: string | null;
}

export interface AdminAuthTokens {
  accessToken: string;
  refreshToken: string;
  idToken: string;
  /** Access-token lifetime in seconds. */
  expiresIn: number;
  tokenType: 'Bearer';
}

export interface AdminAuthSession {
  id: string;
  expiresAt: string | null;
  deviceInfo?: { device?: string; browser?: string; os?: string };
}

export interface AdminAuthAnswer {
  success: true;
  message: string;
  valid?: boolean;
  user?: AdminAuthUser;
  tokens?: AdminAuthTokens;
  session?: AdminAuthSession;
  mfaRequired?: boolean;
  mfaSessionId?: string;
}

export function adminUserOf(claims: IdentityClaims): AdminAuthUser {
  return {
    id: claims.user_id,
    email: claims.email,
    username: claims.username,
    firstName: claims.first_name,
    lastName: claims.last_name,
    role: claims.roles[0] ?? null,
    roles: [...claims.roles],
    isActive: claims.is_active,
    isVerified: claims.email_verified,
    permissions: [...claims.permissions],
    lastLogin: claims.last_login,
  };
}

export function adminTokensOf(tokens: TokenResponse): AdminAuthTokens {
  return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, idToken: tokens.id_token, expiresIn: tokens.expires_in, tokenType: 'Bearer' };
}

/** The device as the session shows it: what the client sent, without the user agent (seed 002's session object). */
export function sessionDeviceOf(device: DeviceInfo | undefined): AdminAuthSession['deviceInfo'] {
  if (!device) return undefined;
  return { device: device.device, browser: device.browser, os: device.os };
}
