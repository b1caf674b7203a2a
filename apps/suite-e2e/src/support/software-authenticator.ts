import { createHash, generateKeyPairSync, KeyObject, randomBytes, sign } from 'node:crypto';

/** The few CBOR items WebAuthn's attestation object and COSE keys are made of (RFC 8949). */
type CborValue = number | string | Buffer | Map<CborValue, CborValue>;

function cborHead(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
  const head = Buffer.alloc(5);
  head[0] = (major << 5) | 26;
  head.writeUInt32BE(length, 1);
  return head;
}

function cbor(value: CborValue): Buffer {
  if (typeof value === 'number') return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  if (typeof value === 'string') return Buffer.concat([cborHead(3, Buffer.byteLength(value)), Buffer.from(value, 'utf8')]);
  if (Buffer.isBuffer(value)) return Buffer.concat([cborHead(2, value.length), value]);
  return Buffer.concat([cborHead(5, value.size), ...[...value].flatMap(([key, item]) => [cbor(key), cbor(item)])]);
}

const sha256 = (data: Buffer | string): Buffer => createHash('sha256').update(data).digest();

/** Authenticator data flags: user present, user verified, attested credential data. */
const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

export interface Ceremony {
  challenge: string;
  origin: string;
  rpId: string;
}

/**
 * A software passkey for API-level tests: a P-256 key pair making real WebAuthn registration
 * (attestation "none") and assertion responses, with whatever origin, RP ID, counter or flags a
 * test needs to make wrong. The browser test uses Chromium's virtual authenticator instead.
 */
export class SoftwareAuthenticator {
  readonly credentialId = randomBytes(32).toString('base64url');
  private readonly privateKey: KeyObject;
  private readonly coseKey: Buffer;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.coseKey = cbor(
      new Map<CborValue, CborValue>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(String(jwk.x), 'base64url')],
        [-3, Buffer.from(String(jwk.y), 'base64url')],
      ]),
    );
  }

  /** navigator.credentials.create()'s answer as JSON. */
  registration(ceremony: Ceremony, options: { userVerified?: boolean } = {}): Record<string, unknown> {
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: ceremony.challenge, origin: ceremony.origin, crossOrigin: false }));
    const id = Buffer.from(this.credentialId, 'base64url');
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const authData = Buffer.concat([sha256(ceremony.rpId), Buffer.from([UP | AT | (options.userVerified === false ? 0 : UV)]), Buffer.alloc(4), Buffer.alloc(16), idLength, id, this.coseKey]);
    const attestationObject = cbor(new Map<CborValue, CborValue>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: { clientDataJSON: clientData.toString('base64url'), attestationObject: attestationObject.toString('base64url'), transports: ['internal'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** navigator.credentials.get()'s answer as JSON, signed over authenticator data and the client data hash. */
  assertion(ceremony: Ceremony, counter: number, options: { userHandle?: string } = {}): Record<string, unknown> {
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: ceremony.challenge, origin: ceremony.origin, crossOrigin: false }));
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    const authData = Buffer.concat([sha256(ceremony.rpId), Buffer.from([UP | UV]), count]);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), this.privateKey);
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: {
        clientDataJSON: clientData.toString('base64url'),
        authenticatorData: authData.toString('base64url'),
        signature: signature.toString('base64url'),
        ...(options.userHandle === undefined ? {} : { userHandle: options.userHandle }),
      },
      clientExtensionResults: {},
    };
  }
}
