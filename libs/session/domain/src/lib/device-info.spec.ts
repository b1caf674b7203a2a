import { deviceInfoOf } from './device-info';

const CHROME_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';

describe('device info', () => {
  it('reads browser, operating system and device type from the User-Agent', () => {
    expect(deviceInfoOf(CHROME_WINDOWS)).toEqual({ deviceType: 'Desktop', deviceName: 'Chrome on Windows', browser: 'Chrome', os: 'Windows', userAgent: CHROME_WINDOWS });
    expect(deviceInfoOf(SAFARI_IPHONE)).toMatchObject({ deviceType: 'Mobile', browser: 'Safari', os: 'iOS', deviceName: 'Safari on iOS' });
  });

  it('prefers what the login declared (seed 002 deviceInfo) and leaves unknowns null', () => {
    expect(deviceInfoOf(CHROME_WINDOWS, { deviceType: 'Kiosk', deviceName: 'Front desk' })).toMatchObject({ deviceType: 'Kiosk', deviceName: 'Front desk', browser: 'Chrome' });
    expect(deviceInfoOf(undefined, { browser: 'Firefox' })).toEqual({ deviceType: null, deviceName: 'Firefox', browser: 'Firefox', os: null, userAgent: null });
    expect(deviceInfoOf('   ')).toEqual({ deviceType: null, deviceName: null, browser: null, os: null, userAgent: null });
  });
});
