import Bowser from 'bowser';

/** Seed 002's deviceInfo of a session. */
export interface DeviceInfo {
  deviceType: string | null;
  deviceName: string | null;
  browser: string | null;
  os: string | null;
  userAgent: string | null;
}

/** What a login declared about its device (seed 002 `deviceInfo`); each value wins over the User-Agent's. */
export interface DeclaredDevice {
  deviceType?: string;
  deviceName?: string;
  browser?: string;
  os?: string;
}

const DEVICE_TYPES: Readonly<Record<string, string>> = { desktop: 'Desktop', mobile: 'Mobile', tablet: 'Tablet', tv: 'TV', bot: 'Bot' };

function present(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/**
 * The device of a session: what the login declared, completed from its User-Agent (bowser).
 * The name reads "<browser> on <os>" when neither declared one.
 */
export function deviceInfoOf(userAgent: string | undefined, declared: DeclaredDevice = {}): DeviceInfo {
  const agent = present(userAgent);
  const parsed = agent === null ? undefined : Bowser.parse(agent);
  const browser = present(declared.browser) ?? present(parsed?.browser.name);
  const os = present(declared.os) ?? present(parsed?.os.name);
  const platform = parsed?.platform.type;
  const deviceType = present(declared.deviceType) ?? (platform === undefined ? null : (DEVICE_TYPES[platform] ?? null));
  const deviceName = present(declared.deviceName) ?? (browser !== null && os !== null ? `${browser} on ${os}` : (browser ?? os));
  return { deviceType, deviceName, browser, os, userAgent: agent };
}
