import { WEBAUTHN_JSON_HELPERS } from './webauthn-json.script';

/**
 * The passkeys page's script, served as /webauthn/passkeys.js. It converts between the JSON of
 * seed 001's /webauthn routes (binary fields base64url) and the browser's WebAuthn API, and keeps
 * the access token of the signed-in user in memory only (never in storage).
 */
export const PASSKEYS_SCRIPT = String.raw`'use strict';
(function () {
${WEBAUTHN_JSON_HELPERS}
  var tenantId = new URLSearchParams(window.location.search).get('tenant_id') || undefined;
  var accessToken = null;
  var status = document.getElementById('status');
  var addButton = document.getElementById('add-passkey');

  function say(text) {
    status.textContent = text;
  }

  function signedIn(tokens, how) {
    accessToken = tokens.access_token;
    addButton.disabled = false;
    say('Signed in as ' + tokens.user.username + ' ' + how + '.');
  }

  async function signInWithPasskey(event) {
    event.preventDefault();
    var username = document.getElementById('passkey-username').value.trim();
    var request = {};
    if (username !== '') request.username = username;
    if (tenantId) request.tenant_id = tenantId;
    var options = await callJson('POST', '/webauthn/assertion/options', request);
    var credential = await navigator.credentials.get({ publicKey: requestOptionsOf(options) });
    var tokens = await callJson('POST', '/webauthn/assertion/result', assertionJsonOf(credential), { 'webauthn-challenge': options.challenge });
    signedIn(tokens, 'with a passkey');
  }

  async function signInWithPassword(event) {
    event.preventDefault();
    var request = { username: document.getElementById('username').value, password: document.getElementById('password').value };
    if (tenantId) request.tenant_id = tenantId;
    var tokens = await callJson('POST', '/api/v1/auth/login', request);
    if (tokens.mfa_required) {
      say('This account also needs its one-time code: sign in with a passkey instead, or on the login page.');
      return;
    }
    signedIn(tokens, 'with a password');
  }

  async function addPasskey() {
    var query = tenantId ? '?tenant_id=' + encodeURIComponent(tenantId) : '';
    var bearer = { authorization: 'Bearer ' + accessToken };
    var options = await callJson('GET', '/webauthn/registration/options' + query, undefined, bearer);
    var credential = await navigator.credentials.create({
      publicKey: Object.assign({}, options, {
        challenge: bytesOf(options.challenge),
        user: Object.assign({}, options.user, { id: bytesOf(options.user.id) }),
        excludeCredentials: descriptors(options.excludeCredentials),
      }),
    });
    var response = credential.response;
    await callJson(
      'POST',
      '/webauthn/registration/verification',
      {
        id: credential.id,
        rawId: base64urlOf(credential.rawId),
        type: credential.type,
        response: {
          clientDataJSON: base64urlOf(response.clientDataJSON),
          attestationObject: base64urlOf(response.attestationObject),
          transports: typeof response.getTransports === 'function' ? response.getTransports() : [],
        },
        clientExtensionResults: credential.getClientExtensionResults(),
        authenticatorAttachment: credential.authenticatorAttachment || undefined,
      },
      Object.assign({ 'webauthn-challenge': options.challenge }, bearer),
    );
    say('Passkey added. You can now sign in with it.');
  }

  function reporting(action) {
    return function (event) {
      action(event).catch(function (error) {
        say('That did not work: ' + (error && error.message ? error.message : String(error)));
      });
    };
  }

  if (!window.PublicKeyCredential) say('This browser does not support passkeys.');
  document.getElementById('passkey-sign-in').addEventListener('submit', reporting(signInWithPasskey));
  document.getElementById('password-sign-in').addEventListener('submit', reporting(signInWithPassword));
  addButton.addEventListener('click', reporting(addPasskey));
})();
`;
