import { html, SafeHtml } from '@sigma/auth/feature-authorize';

export interface PasskeyLoginPage {
  clientName: string;
  loginChallenge: string;
  tenantId: string;
  csrfToken: string;
  error?: string;
}

/**
 * The passkey step of the authorization endpoint's login: plain HTML; the ceremony runs in the
 * external /webauthn/login.js, which fills the hidden fields and submits the form.
 */
export function passkeyLoginPage(page: PasskeyLoginPage): string {
  const error = page.error === undefined ? html`` : html`<p class="error" role="alert">${page.error}</p>`;
  const body: SafeHtml = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Sign in with a passkey · ${page.clientName}</title>
<script src="/webauthn/login.js" defer></script>
</head>
<body>
<main>
<h1>Sign in with a passkey</h1>
<p>to continue to ${page.clientName}</p>
${error}
<form id="passkey-login" method="post" action="/webauthn/login" data-tenant-id="${page.tenantId}">
<input type="hidden" name="login_challenge" value="${page.loginChallenge}">
<input type="hidden" name="csrf_token" value="${page.csrfToken}">
<input type="hidden" name="challenge" value="">
<input type="hidden" name="credential" value="">
<p><label for="username">Username or email (optional with a passkey that remembers you)</label><br>
<input id="username" name="username" autocomplete="username webauthn"></p>
<p><button type="submit">Sign in with a passkey</button></p>
</form>
<p id="status" role="status" aria-live="polite"></p>
<p><a href="/oauth/login?login_challenge=${encodeURIComponent(page.loginChallenge)}">Sign in with your password instead</a></p>
</main>
</body>
</html>
`;
  return body.value;
}

/** The page's CSP: its own script, JSON calls to itself, and forms answered by a redirect to the client. */
export function passkeyLoginSecurityHeaders(formTargets: string[]): Record<string, string> {
  return {
    'Content-Security-Policy': `default-src 'none'; script-src 'self'; connect-src 'self'; form-action 'self'${formTargets.map((target) => ` ${target}`).join('')}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'Permissions-Policy': 'publickey-credentials-get=(self)',
  };
}

/** A redirect URI's origin as a CSP source (http(s) origins, or a native app's private-use scheme). */
export function formTargetOf(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    return /^[a-z][a-z0-9+.-]*:$/.test(url.protocol) ? url.protocol : undefined;
  } catch {
    return undefined;
  }
}
