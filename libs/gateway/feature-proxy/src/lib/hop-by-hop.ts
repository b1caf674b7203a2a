import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** The extra headers a Connection header names (its usual `keep-alive` or `close` names none to drop). */
function namedByConnection(connection: string | string[] | undefined): Set<string> | undefined {
  if (connection === undefined) return undefined;
  const value = String(connection).toLowerCase();
  if (value === 'keep-alive' || value === 'close') return undefined;
  const named = new Set(value.split(',').map((h) => h.trim()));
  named.delete('');
  return named;
}

/** Headers minus the hop-by-hop ones (RFC 9110 §7.6.1), including those the Connection header names. */
export function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = namedByConnection(headers['connection']);
  const kept: OutgoingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || named?.has(name)) continue;
    kept[name] = value;
  }
  return kept;
}
