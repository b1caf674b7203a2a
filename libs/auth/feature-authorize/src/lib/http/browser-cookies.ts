import { constantTimeEqual, randomToken } from '@sigma/shared/util-crypto';
import type { Request, Response } from 'express';

/**
 * The pages' cookies. Secure everywhere but on a localhost PUBLIC_URL (plain-http development),
 * where the `__Host-` prefix (which needs Secure) is dropped too. Path `/` so the pages under every
 * prefix and `/device` share them.
 */
export class BrowserCookies {
  readonly secure: boolean;
  readonly sessionName: string;
  readonly csrfName: string;

  constructor(publicUrl: string) {
    const host = new URL(publicUrl).hostname;
    this.secure = !(host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host.endsWith('.localhost'));
    const prefix = this.secure ? '__Host-' : '';
    this.sessionName = `${prefix}sigma_session`;
    this.csrfName = `${prefix}sigma_csrf`;
  }

  sessionToken(req: Request): string | undefined {
    return cookieOf(req, this.sessionName);
  }

  /** The browser session cookie: HttpOnly, SameSite=Lax (it must come along on the client's top-level redirect to /authorize). */
  setSession(res: Response, token: string, expiresAt: Date): void {
    res.cookie(this.sessionName, token, { httpOnly: true, secure: this.secure, sameSite: 'lax', path: '/', expires: expiresAt });
  }

  clearSession(res: Response): void {
    res.clearCookie(this.sessionName, { httpOnly: true, secure: this.secure, sameSite: 'lax', path: '/' });
  }

  /** The CSRF token for a form: the browser's existing one, or a new one set now (HttpOnly, SameSite=Strict). */
  csrfToken(req: Request, res: Response): string {
    const existing = cookieOf(req, this.csrfName);
    if (existing !== undefined && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
    const token = randomToken();
    res.cookie(this.csrfName, token, { httpOnly: true, secure: this.secure, sameSite: 'strict', path: '/' });
    return token;
  }

  /** Double-submit check: the form's csrf_token must equal the cookie (compared in constant time). */
  csrfValid(req: Request, submitted: unknown): boolean {
    const cookie = cookieOf(req, this.csrfName);
    return typeof submitted === 'string' && cookie !== undefined && submitted.length > 0 && constantTimeEqual(submitted, cookie);
  }
}

/** One cookie's value from the Cookie header (no cookie-parser: the pages read three names). */
export function cookieOf(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
