import type { Request } from 'express';
import { publicUrlOf } from '../oauth-options';

/**
 * The URLs a DPoP proof's `htu` may name for a request (ADR 15). Always the public URL of the
 * path (what a client that read discovery signs). When the request reached auth-server directly
 * (no `X-Forwarded-Host`, which the gateway always sets), also the URL it was sent to: an
 * in-cluster client signs the address it calls. A request through the gateway accepts only the
 * public URL, so a proof made for the internal address cannot be used through the gateway, and
 * neither can one made for another path, host or port.
 */
export function dpopUrlsOf(publicUrl: string, req: Pick<Request, 'headers' | 'protocol' | 'path'>): string[] {
  const urls = [publicUrlOf(publicUrl, req.path)];
  const host = req.headers.host;
  if (req.headers['x-forwarded-host'] === undefined && typeof host === 'string' && host !== '') urls.push(`${req.protocol}://${host}${req.path}`);
  return urls;
}
