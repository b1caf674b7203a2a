import { IpAllowList } from './ip-allow-list';

describe('IpAllowList', () => {
  it('admits every address when empty', () => {
    expect(new IpAllowList([]).admits('203.0.113.9')).toBe(true);
    expect(new IpAllowList([]).admits(undefined)).toBe(true);
  });

  it('admits listed addresses and ranges, IPv4 and IPv6, and IPv4-mapped IPv6 as IPv4', () => {
    const list = new IpAllowList(['198.51.100.7', '10.0.0.0/8', '2001:db8::/32']);
    expect(list.admits('198.51.100.7')).toBe(true);
    expect(list.admits('::ffff:10.1.2.3')).toBe(true);
    expect(list.admits('2001:db8::1')).toBe(true);
    expect(list.admits('198.51.100.8')).toBe(false);
    expect(list.admits('2001:db9::1')).toBe(false);
  });

  it('refuses a missing or malformed address when a list is set, and ignores malformed entries', () => {
    const list = new IpAllowList(['not-an-ip', '10.0.0.0/99', '127.0.0.1']);
    expect(list.admits(undefined)).toBe(false);
    expect(list.admits('bogus')).toBe(false);
    expect(list.admits('10.0.0.1')).toBe(false);
    expect(list.admits('127.0.0.1')).toBe(true);
  });
});
