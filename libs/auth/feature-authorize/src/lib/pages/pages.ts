import { html, layout, PageBranding, SafeHtml } from './html';

/** A rendered page: HTML and the nonce its style element carries. */
export interface PageContext {
  branding: PageBranding;
  styleNonce: string;
  csrfToken: string;
}

const SCOPE_TEXT: Readonly<Record<string, string>> = {
  openid: 'Confirm who you are (your user id)',
  profile: 'Your name and username',
  email: 'Your email address and whether it is verified',
  offline_access: 'Stay signed in to the application (refresh tokens)',
};

function errorLine(error: string | undefined): SafeHtml {
  return error ? html`<p class="error" role="alert" id="form-error">${error}</p>` : html``;
}

export function loginPage(page: PageContext, input: { loginChallenge: string; username?: string; error?: string; methods: SafeHtml[] }): string {
  const methods = input.methods.length > 0 ? html`<section class="methods" aria-label="Other ways to sign in">${input.methods}</section>` : html``;
  return layout(
    'Sign in',
    page.branding,
    page.styleNonce,
    html`<p>to continue to <strong>${page.branding.clientName}</strong></p>
${errorLine(input.error)}
<form method="post" action="/oauth/login">
<input type="hidden" name="login_challenge" value="${input.loginChallenge}">
<input type="hidden" name="csrf_token" value="${page.csrfToken}">
<label for="username">Email or username</label>
<input type="text" id="username" name="username" autocomplete="username" required value="${input.username ?? ''}"${input.error ? html` aria-describedby="form-error"` : html``}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
${methods}`,
  );
}

export function mfaPage(page: PageContext, input: { loginChallenge: string; error?: string }): string {
  return layout(
    'Two-step verification',
    page.branding,
    page.styleNonce,
    html`<p>Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
${errorLine(input.error)}
<form method="post" action="/oauth/login/mfa">
<input type="hidden" name="login_challenge" value="${input.loginChallenge}">
<input type="hidden" name="csrf_token" value="${page.csrfToken}">
<label for="totp_code">Authenticator code</label>
<input type="text" id="totp_code" name="totp_code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}">
<label for="recovery_code">Or a recovery code</label>
<input type="text" id="recovery_code" name="recovery_code" autocomplete="off">
<button type="submit">Verify</button>
</form>`,
  );
}

export function consentPage(page: PageContext, input: { loginChallenge: string; scopes: string[]; userCode?: string; remember: boolean }): string {
  const scopes = input.scopes.map((scope) => html`<li>${SCOPE_TEXT[scope] ?? scope} <code>${scope}</code></li>`);
  const device = input.userCode ? html`<p>A device showing the code <strong>${input.userCode}</strong> asks to sign in as you. Only allow it if you started this on your own device.</p>` : html``;
  const remember = input.remember
    ? html`<p><input type="checkbox" id="remember" name="remember" value="yes" checked> <label for="remember" class="inline">Remember this decision</label></p>`
    : html``;
  return layout(
    'Allow access?',
    page.branding,
    page.styleNonce,
    html`${device}<p><strong>${page.branding.clientName}</strong> asks to:</p>
<ul class="scopes">${scopes}</ul>
<form method="post" action="/oauth/consent">
<input type="hidden" name="login_challenge" value="${input.loginChallenge}">
<input type="hidden" name="csrf_token" value="${page.csrfToken}">
${remember}
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>`,
  );
}

export function deviceEntryPage(page: PageContext, input: { userCode?: string; error?: string }): string {
  return layout(
    'Connect a device',
    page.branding,
    page.styleNonce,
    html`<p>Enter the code shown on your device.</p>
${errorLine(input.error)}
<form method="post" action="/device">
<input type="hidden" name="csrf_token" value="${page.csrfToken}">
<label for="user_code">Code</label>
<input type="text" id="user_code" name="user_code" autocomplete="off" autocapitalize="characters" required value="${input.userCode ?? ''}">
<button type="submit">Continue</button>
</form>`,
  );
}

export function messagePage(page: Omit<PageContext, 'csrfToken'>, input: { title: string; message: string; detail?: string }): string {
  const detail = input.detail ? html`<p><code>${input.detail}</code></p>` : html``;
  return layout(input.title, page.branding, page.styleNonce, html`<p role="status">${input.message}</p>${detail}`);
}

export function logoutPage(page: PageContext, input: { carry: Record<string, string | undefined> }): string {
  const hidden = Object.entries(input.carry)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return layout(
    'Sign out?',
    page.branding,
    page.styleNonce,
    html`<p>Do you want to sign out of <strong>${page.branding.clientName}</strong> and this identity service?</p>
<form method="post" action="/oauth/logout">
<input type="hidden" name="csrf_token" value="${page.csrfToken}">
${hidden}
<button type="submit" name="confirm" value="yes">Sign out</button>
</form>`,
  );
}
