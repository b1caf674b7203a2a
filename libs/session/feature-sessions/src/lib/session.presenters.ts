import type { SessionRecord } from '@sigma/session/data-access';
import { idleExpiryOf, sessionStateOf } from '@sigma/session/domain';
import type { SessionStatusResponse } from '@sigma/shared/contracts-internal';

/** The internal API's view of a session (contracts-internal SessionStatusResponse). */
export function sessionStatusOf(session: SessionRecord, now: Date): SessionStatusResponse {
  const state = sessionStateOf(session, now);
  return {
    id: session.id,
    tenant_id: session.tenantId,
    user_id: session.userId,
    client_id: session.clientId,
    active: state === 'active',
    state,
    created_at: session.createdAt.toISOString(),
    last_activity_at: session.lastActivityAt.toISOString(),
    expires_at: session.expiresAt.toISOString(),
    idle_expires_at: idleExpiryOf(session).toISOString(),
    revoked_at: session.revokedAt?.toISOString() ?? null,
    revoked_reason: session.revokedReason,
    amr: session.amr,
  };
}

/** Seed 001's session object, with the device and expiry fields the seed leaves out. */
export interface ActiveSessionView {
  id: string;
  created_at: string;
  last_activity: string;
  expires_at: string;
  client_id: string;
  /** The session of the token that asked. */
  current: boolean;
  device_info: {
    user_agent: string | null;
    ip_address: string | null;
    device_type: string | null;
    device_name: string | null;
    browser: string | null;
    os: string | null;
  };
}

export function activeSessionOf(session: SessionRecord, currentSessionId: string | undefined): ActiveSessionView {
  return {
    id: session.id,
    created_at: session.createdAt.toISOString(),
    last_activity: session.lastActivityAt.toISOString(),
    expires_at: session.expiresAt.toISOString(),
    client_id: session.clientId,
    current: session.id === currentSessionId,
    device_info: {
      user_agent: session.userAgent,
      ip_address: session.ipAddress,
      device_type: session.deviceType,
      device_name: session.deviceName,
      browser: session.browser,
      os: session.os,
    },
  };
}

/** Seed 002's admin session object. */
export interface AdminSessionView {
  id: string;
  userId: string;
  userEmail: string | null;
  applicationId: string;
  applicationName: string | null;
  isActive: boolean;
  deviceInfo: { deviceType: string | null; deviceName: string | null; browser: string | null; os: string | null; userAgent: string | null };
  location: { ipAddress: string | null; country: string | null; city: string | null };
  createdAt: string;
  lastActivityAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
}

export function adminSessionOf(session: SessionRecord, now: Date): AdminSessionView {
  return {
    id: session.id,
    userId: session.userId,
    userEmail: session.userEmail,
    applicationId: session.clientId,
    applicationName: session.clientName,
    isActive: sessionStateOf(session, now) === 'active',
    deviceInfo: { deviceType: session.deviceType, deviceName: session.deviceName, browser: session.browser, os: session.os, userAgent: session.userAgent },
    location: { ipAddress: session.ipAddress, country: session.country, city: session.city },
    createdAt: session.createdAt.toISOString(),
    lastActivityAt: session.lastActivityAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    revokedAt: session.revokedAt?.toISOString() ?? null,
    revokedReason: session.revokedReason,
  };
}
