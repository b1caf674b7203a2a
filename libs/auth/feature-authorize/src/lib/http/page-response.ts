import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

/** A nonce for the page's one style element. */
export function styleNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Sends an HTML page with a strict CSP: nothing but the nonce'd style and https images (client
 * logos); forms post only to auth-server itself and, because the answer to a form is a redirect
 * to the client, to the origins of the given redirect URIs; never framed; never cached.
 */
export function sendPage(res: Response, status: number, body: string, nonce: string, formTargets: string[] = []): void {
  const targets = [...new Set(formTargets.map(formTargetOf).filter((t): t is string => t !== undefined))];
  res.status(status);
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'none'; style-src 'nonce-${nonce}'; img-src https: data:; form-action 'self'${targets.map((t) => ` ${t}`).join('')}; frame-ancestors 'none'; base-uri 'none'`,
  );
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  res.send(body);
}

/** A 302/303 to `location` that no cache keeps. */
export function sendRedirect(res: Response, location: string, status: 302 | 303 = 302): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.redirect(status, location);
}

/** A redirect URI's origin for form-action (http/https origins, or the private-use scheme of a native app). */
function formTargetOf(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    return /^[a-z][a-z0-9+.-]*:$/.test(url.protocol) ? url.protocol : undefined;
  } catch {
    return undefined;
  }
}
