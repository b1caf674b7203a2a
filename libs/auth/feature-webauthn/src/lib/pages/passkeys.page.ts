/** The passkeys page: plain, accessible HTML; all behaviour is in the external script (CSP `script-src 'self'`). */
export const PASSKEYS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Passkeys · Sigma IAM</title>
<script src="/webauthn/passkeys.js" defer></script>
</head>
<body>
<main>
<h1>Passkeys</h1>
<p id="status" role="status" aria-live="polite"></p>

<section aria-labelledby="passkey-sign-in-heading">
<h2 id="passkey-sign-in-heading">Sign in with a passkey</h2>
<form id="passkey-sign-in">
<p><label for="passkey-username">Username or email (optional with a passkey that remembers you)</label><br>
<input id="passkey-username" name="username" autocomplete="username webauthn"></p>
<p><button type="submit">Sign in with a passkey</button></p>
</form>
</section>

<section aria-labelledby="add-passkey-heading">
<h2 id="add-passkey-heading">Add a passkey</h2>
<p>Sign in first (with your password, or with a passkey above); the new passkey is added to that account.</p>
<form id="password-sign-in">
<p><label for="username">Username or email</label><br>
<input id="username" name="username" autocomplete="username" required></p>
<p><label for="password">Password</label><br>
<input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Sign in with password</button></p>
</form>
<p><button type="button" id="add-passkey" disabled>Add a passkey</button></p>
</section>
</main>
</body>
</html>
`;

/** Security headers of the page and its script. */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'publickey-credentials-create=(self), publickey-credentials-get=(self)',
};
