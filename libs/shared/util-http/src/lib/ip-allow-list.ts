import { BlockList, isIP } from 'node:net';

/** IPv4 addresses as IPv6 clients see them (`::ffff:10.0.0.1`) are compared as IPv4. */
function normalized(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? mapped[1] : ip;
}

/**
 * A tenant's IP allow-list (seed 003 "IP whitelist"): addresses and CIDR ranges, IPv4 or IPv6.
 * An empty list admits every address; otherwise an address outside it, or no address at all, is
 * refused. Entries that are neither an address nor a range admit nothing (the directory validates
 * them when they are stored).
 */
export class IpAllowList {
  private readonly list = new BlockList();
  readonly empty: boolean;

  constructor(entries: readonly string[]) {
    this.empty = entries.length === 0;
    for (const entry of entries) {
      const [address, prefix] = entry.trim().split('/');
      const family = isIP(normalized(address));
      if (family === 0) continue;
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) this.list.addAddress(normalized(address), type);
      else if (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)) this.list.addSubnet(normalized(address), Number(prefix), type);
    }
  }

  admits(ip: string | undefined): boolean {
    if (this.empty) return true;
    if (ip === undefined) return false;
    const address = normalized(ip);
    const family = isIP(address);
    if (family === 0) return false;
    return this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}
