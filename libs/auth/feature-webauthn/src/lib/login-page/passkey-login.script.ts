import { WEBAUTHN_JSON_HELPERS } from '../pages/webauthn-json.script';

/**
 * /webauthn/login.js: on "Sign in with a passkey", asks for assertion options of the pending
 * authorization's tenant, runs navigator.credentials.get(), puts the challenge and the credential
 * (JSON) into the form's hidden fields and submits it, so the browser follows the redirect.
 */
export const PASSKEY_LOGIN_SCRIPT = String.raw`'use strict';
(function () {
${WEBAUTHN_JSON_HELPERS}
  var form = document.getElementById('passkey-login');
  var status = document.getElementById('status');

  async function signIn() {
    var request = { tenant_id: form.dataset.tenantId };
    var username = form.elements.username.value.trim();
    if (username !== '') request.username = username;
    var options = await callJson('POST', '/webauthn/assertion/options', request);
    var credential = await navigator.credentials.get({ publicKey: requestOptionsOf(options) });
    form.elements.challenge.value = options.challenge;
    form.elements.credential.value = JSON.stringify(assertionJsonOf(credential));
    status.textContent = 'Signing in…';
    form.submit();
  }

  if (!window.PublicKeyCredential) status.textContent = 'This browser does not support passkeys: sign in with your password instead.';
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    signIn().catch(function (error) {
      status.textContent = 'The passkey did not work: ' + (error && error.message ? error.message : String(error));
    });
  });
})();
`;
