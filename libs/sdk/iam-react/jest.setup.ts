// jsdom has no TextEncoder/TextDecoder (jose, loaded by @sigma/iam-js, needs them at import) and no
// Web Crypto digest (PKCE's S256 challenge): Node's own implementations stand in.
import { webcrypto } from 'node:crypto';
import { TextDecoder, TextEncoder } from 'node:util';

Object.assign(globalThis, { TextEncoder, TextDecoder });
Object.defineProperty(globalThis, 'crypto', { value: webcrypto, configurable: true });
