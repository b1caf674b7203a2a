import type { HttpRequest } from './http-transport';

function formEncoded(value: string): string {
  // RFC 6749 §2.3.1: form-urlencode id and secret before joining them for Basic.
  return encodeURIComponent(value).replace(/%20/g, '+');
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A token-endpoint form with the client's authentication: HTTP Basic with a secret (client_secret_basic), client_id in the form without one. */
export function clientAuthenticated(clientId: string, clientSecret: string | undefined, form: Record<string, string | undefined>): Pick<HttpRequest, 'form' | 'headers'> {
  if (clientSecret === undefined) return { form: { ...form, client_id: clientId } };
  return { form, headers: { authorization: `Basic ${base64(`${formEncoded(clientId)}:${formEncoded(clientSecret)}`)}` } };
}
