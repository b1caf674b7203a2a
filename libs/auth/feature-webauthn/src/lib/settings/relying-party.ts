import type { AuthenticatorAttachmentSetting, WebauthnSettings } from './webauthn.settings';

/** The relying party as the ceremonies use it, resolved from the settings and PUBLIC_URL. */
export interface RelyingParty {
  id: string;
  name: string;
  /** Exact origins (`scheme://host[:port]`) a ceremony's clientDataJSON may name. */
  origins: string[];
  timeoutMs: number;
  attachment: AuthenticatorAttachmentSetting;
}

/** Thrown at boot; names the setting that is wrong. */
export class RelyingPartyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RelyingPartyConfigError';
  }
}

function originOf(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RelyingPartyConfigError(`WEBAUTHN_ORIGINS: "${value}" is not an origin (scheme://host[:port])`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RelyingPartyConfigError(`WEBAUTHN_ORIGINS: "${value}" must be an http(s) origin`);
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new RelyingPartyConfigError(`WEBAUTHN_ORIGINS: "${value}" must be an origin without path, query or credentials`);
  }
  // WebAuthn only runs in secure contexts: https, or http on localhost.
  if (url.protocol === 'http:' && url.hostname !== 'localhost' && !url.hostname.endsWith('.localhost')) {
    throw new RelyingPartyConfigError(`WEBAUTHN_ORIGINS: "${value}" must use https (browsers allow WebAuthn over http only on localhost)`);
  }
  return url;
}

/**
 * The relying party: RP ID = WEBAUTHN_RP_ID or the host of the first origin; origins =
 * WEBAUTHN_ORIGINS or PUBLIC_URL's origin. Configured values are checked at boot: origins must be
 * secure contexts, and each origin's host must be the RP ID or a subdomain of it (WebAuthn §5.1.4),
 * otherwise no browser would ever complete a ceremony. The PUBLIC_URL default is taken as it is
 * (a PUBLIC_URL on an IP address gives an RP that browsers refuse; the API still answers).
 */
export function relyingPartyOf(settings: WebauthnSettings, publicUrl: string): RelyingParty {
  const configured = settings.WEBAUTHN_ORIGINS.split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  const origins = configured.length > 0 ? configured.map(originOf) : [new URL(publicUrl)];
  const id = settings.WEBAUTHN_RP_ID !== '' ? settings.WEBAUTHN_RP_ID : origins[0].hostname;
  if (settings.WEBAUTHN_RP_ID !== '' && /^[\d.]+$/.test(id)) throw new RelyingPartyConfigError(`WEBAUTHN_RP_ID: "${id}" is an IP address; WebAuthn needs a domain name`);
  if (configured.length > 0 || settings.WEBAUTHN_RP_ID !== '') {
    for (const origin of origins) {
      if (origin.hostname !== id && !origin.hostname.endsWith(`.${id}`)) {
        throw new RelyingPartyConfigError(`WEBAUTHN_RP_ID: "${id}" is not the host of ${origin.origin} or a parent domain of it`);
      }
    }
  }
  return {
    id,
    name: settings.WEBAUTHN_RP_NAME,
    origins: [...new Set(origins.map((origin) => origin.origin))],
    timeoutMs: settings.WEBAUTHN_TIMEOUT_SECONDS * 1000,
    attachment: settings.WEBAUTHN_AUTHENTICATOR_ATTACHMENT,
  };
}
