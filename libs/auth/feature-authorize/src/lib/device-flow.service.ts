import { Inject, Injectable } from '@nestjs/common';
import { DeviceAuthorization, DeviceAuthorizationRepository, PendingAuthorizationRepository } from '@sigma/auth/data-access-authorize';
import type { ClientRecord } from '@sigma/auth/feature-clients';
import { CLOCK, Clock } from '@sigma/auth/feature-tokens';
import { hashToken, randomToken } from '@sigma/shared/util-crypto';
import { DataSource } from 'typeorm';
import { AUTHORIZE_OPTIONS, AuthorizeOptions, DEVICE_CODE_SECONDS, DEVICE_POLL_INTERVAL_SECONDS, PENDING_AUTHORIZATION_SECONDS } from './authorize.options';
import { newUserCode, normalizeUserCode } from './protocol/user-code';

/** RFC 8628 §3.2 device authorization response. */
export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

/** RFC 8628 §3.5: what a poll finds. */
export type DevicePoll<T> = { outcome: 'approved'; value: T } | { outcome: 'authorization_pending' | 'slow_down' | 'access_denied' | 'expired_token' | 'invalid_grant' };

/** RFC 8628 §3.5: slow_down adds 5 seconds to the interval. */
const SLOW_DOWN_STEP_SECONDS = 5;
const USER_CODE_ATTEMPTS = 5;

/**
 * The device authorization grant (RFC 8628): device codes for clients, user codes typed on the
 * /device page (whose approval runs through the login and consent pages), and the polling rules.
 */
@Injectable()
export class DeviceFlowService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(AUTHORIZE_OPTIONS) private readonly options: AuthorizeOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async authorize(client: ClientRecord, scope: string): Promise<DeviceAuthorizationResponse> {
    const now = this.clock();
    const deviceCode = randomToken();
    const devices = new DeviceAuthorizationRepository(this.dataSource.manager);
    const expiresAt = new Date(now.getTime() + DEVICE_CODE_SECONDS * 1000);
    for (let attempt = 0; attempt < USER_CODE_ATTEMPTS; attempt += 1) {
      const userCode = newUserCode();
      const stored = await devices.insert(
        hashToken(deviceCode),
        { tenantId: client.tenantId, clientId: client.clientId, userCode, scope, intervalSeconds: DEVICE_POLL_INTERVAL_SECONDS, expiresAt },
        now,
      );
      if (stored) {
        const verificationUri = `${this.options.publicUrl.replace(/\/+$/, '')}/device`;
        return {
          device_code: deviceCode,
          user_code: userCode,
          verification_uri: verificationUri,
          verification_uri_complete: `${verificationUri}?user_code=${encodeURIComponent(userCode)}`,
          expires_in: DEVICE_CODE_SECONDS,
          interval: DEVICE_POLL_INTERVAL_SECONDS,
        };
      }
    }
    throw new Error('no free user code after several attempts');
  }

  /** The /device page's code: a pending authorization (its handle) for the login and consent pages, or undefined when the code is wrong or expired. */
  async startApproval(typed: string): Promise<string | undefined> {
    const userCode = normalizeUserCode(typed);
    if (userCode === undefined) return undefined;
    const now = this.clock();
    const device = await new DeviceAuthorizationRepository(this.dataSource.manager).findPendingByUserCode(userCode, now);
    if (!device) return undefined;
    const handle = randomToken();
    const expiresAt = new Date(Math.min(now.getTime() + PENDING_AUTHORIZATION_SECONDS * 1000, device.expiresAt.getTime()));
    await new PendingAuthorizationRepository(this.dataSource.manager).insert({
      handleHash: hashToken(handle),
      tenantId: device.tenantId,
      clientId: device.clientId,
      kind: 'device',
      request: { clientId: device.clientId, scope: device.scope, userCode },
      createdAt: now,
      expiresAt,
    });
    return handle;
  }

  /**
   * One poll of the token endpoint, under a row lock: too early is slow_down (and the interval
   * grows), undecided is authorization_pending, then access_denied or expired_token; an approval is
   * handed out once (`consume` in the same transaction as the tokens' session).
   */
  async poll<T>(clientId: string, deviceCode: string, consume: (device: DeviceAuthorization) => Promise<T>): Promise<DevicePoll<T>> {
    const now = this.clock();
    return this.dataSource.transaction(async (manager): Promise<DevicePoll<T>> => {
      const devices = new DeviceAuthorizationRepository(manager);
      const hash = hashToken(deviceCode);
      const device = await devices.lockForPoll(hash);
      if (!device || device.clientId !== clientId || device.status === 'consumed') return { outcome: 'invalid_grant' };
      if (device.expiresAt <= now) return { outcome: 'expired_token' };
      if (device.status === 'denied') return { outcome: 'access_denied' };
      if (device.status === 'approved') {
        await devices.markConsumed(hash);
        return { outcome: 'approved', value: await consume(device) };
      }
      const tooSoon = device.lastPolledAt !== null && now.getTime() - device.lastPolledAt.getTime() < device.intervalSeconds * 1000;
      await devices.recordPoll(hash, now, tooSoon ? device.intervalSeconds + SLOW_DOWN_STEP_SECONDS : device.intervalSeconds);
      return { outcome: tooSoon ? 'slow_down' : 'authorization_pending' };
    });
  }
}
