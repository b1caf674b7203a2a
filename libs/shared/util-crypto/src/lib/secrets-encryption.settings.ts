import { Secret } from '@sigma/shared/util-config';
import { Matches } from 'class-validator';

/** The key that encrypts secrets at rest (ARCHITECTURE.md): 32 bytes as 64 hex characters or base64. */
export class SecretsEncryptionSettings {
  @Secret()
  @Matches(/^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, { message: 'must be 32 bytes as 64 hex characters or base64 (e.g. `openssl rand -hex 32`)' })
  SECRETS_ENCRYPTION_KEY: string = '';
}
