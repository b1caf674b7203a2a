/**
 * Browser helpers both page scripts start with: base64url and the JSON of seed 001's routes for
 * the browser's WebAuthn objects (binary fields base64url), and JSON calls to auth-server.
 */
export const WEBAUTHN_JSON_HELPERS = String.raw`function bytesOf(base64url) {
  var base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  var binary = atob(base64 + '===='.slice((base64.length % 4) || 4));
  var bytes = new Uint8Array(binary.length);
  for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

function base64urlOf(buffer) {
  var bytes = new Uint8Array(buffer);
  var binary = '';
  for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function descriptors(list) {
  return (list || []).map(function (credential) {
    return Object.assign({}, credential, { id: bytesOf(credential.id) });
  });
}

function requestOptionsOf(options) {
  return Object.assign({}, options, { challenge: bytesOf(options.challenge), allowCredentials: descriptors(options.allowCredentials) });
}

function assertionJsonOf(credential) {
  var response = credential.response;
  return {
    id: credential.id,
    rawId: base64urlOf(credential.rawId),
    type: credential.type,
    response: {
      clientDataJSON: base64urlOf(response.clientDataJSON),
      authenticatorData: base64urlOf(response.authenticatorData),
      signature: base64urlOf(response.signature),
      userHandle: response.userHandle ? base64urlOf(response.userHandle) : undefined,
    },
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
  };
}

async function callJson(method, path, body, headers) {
  var answer = await fetch(path, {
    method: method,
    headers: Object.assign({ accept: 'application/json' }, body === undefined ? {} : { 'content-type': 'application/json' }, headers || {}),
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  var json = await answer.json().catch(function () { return {}; });
  if (!answer.ok) throw new Error(json.error_description || (json.error && json.error.message) || 'the server answered ' + answer.status);
  return json;
}
`;
